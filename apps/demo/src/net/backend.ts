/**
 * Backend choice in the browser: WebGL when the page can get a GPU context, else the
 * plain JavaScript cpu backend (slower, but the demo's networks are tiny). @ghmkit/tensor's
 * initBackend chooses among Node backends (node > wasm > cpu) and reads process.env,
 * which a page does not have, so the page chooses here.
 */
import { tf } from "@ghmkit/tensor";

export type BrowserBackend = "auto" | "webgl" | "cpu";

export async function chooseBackend(pref: BrowserBackend): Promise<string> {
  if (pref !== "auto" && pref !== "webgl" && pref !== "cpu")
    throw new Error(`backend must be auto, webgl or cpu, got ${String(pref)}`);
  if (pref !== "cpu") {
    const ok = await tf.setBackend("webgl").catch(() => false);
    if (ok) {
      await tf.ready();
      return tf.getBackend();
    }
    if (pref === "webgl") throw new Error("the WebGL backend could not start in this browser; use ?backend=cpu");
  }
  await tf.setBackend("cpu");
  await tf.ready();
  return tf.getBackend();
}
