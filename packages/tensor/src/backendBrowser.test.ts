import { backendInfo, initBackend, tf } from "./browser";
import { wasmBinaryDir } from "./backend";

// The browser entry run under Node: there is no WebGL here (tfjs registers "webgl" only in a
// browser), so "auto" must fall through to wasm, served from the installed package's folder.
describe("browser initBackend", () => {
  it("rejects names only Node knows", () => {
    expect(() => initBackend("node" as never)).toThrow(
      /backend: unknown browser backend "node" \(use one of auto, webgl, wasm, cpu\)/,
    );
  });

  it("auto: webgl fails, wasm is chosen with ghmkit's kernels, and the reason says why", async () => {
    const info = await initBackend("auto", { wasmPaths: wasmBinaryDir() ?? undefined });
    expect(info).toMatchObject({ name: "wasm", tfBackend: "wasm" });
    expect(info.reason).toMatch(/^auto: webgl failed \(/);
    expect(info.customKernels.length).toBeGreaterThan(0);
    expect(backendInfo()).toBe(info);
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0])).toBe(5);
    await expect(initBackend("cpu")).rejects.toThrow(/already initialised as "wasm"/);
  });
});
