/**
 * Renders Vega-Lite specs to SVG (vega View, renderer "none", toSVG) and PNG (resvg).
 * vega and vega-lite 6 are ES modules with top-level await, which CommonJS cannot
 * require (and jest's module sandbox cannot import), so the rendering runs in a
 * worker thread: a plain Node context where `import()` works in both the built CLI
 * and the tests. One worker renders a whole batch of figures.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { writeFileAtomic } from "../io";

/** A Vega-Lite specification (top-level object; validated by vega-lite when compiled). */
export type VegaLiteSpec = Record<string, unknown>;

export interface Figure {
  /** File stem: figures/<name>.svg and .png. */
  name: string;
  /** Caption in the report. */
  title: string;
  spec: VegaLiteSpec;
}

export interface RenderedFigure {
  name: string;
  title: string;
  svg: string;
  png: string;
}

/** Text is set in DejaVu Sans (Debian's fonts-dejavu-core); resvg falls back to any system font. */
export const FONT_FAMILY = "DejaVu Sans";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const { pathToFileURL } = require("node:url");
(async () => {
  const req = createRequire(workerData.base);
  const vega = await import(pathToFileURL(req.resolve("vega")).href);
  const vl = await import(pathToFileURL(req.resolve("vega-lite")).href);
  const { Resvg } = req("@resvg/resvg-js");
  const out = [];
  for (const spec of workerData.specs) {
    const compiled = vl.compile(spec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none" });
    const svg = await view.toSVG();
    view.finalize();
    const png = new Resvg(svg, {
      background: "white",
      fitTo: { mode: "zoom", value: 2 },
      font: { loadSystemFonts: true, defaultFontFamily: workerData.font },
    }).render().asPng();
    out.push({ svg, png });
  }
  parentPort.postMessage({ out });
})().catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
`;

/** Adds the shared look (font, white background) without overriding a spec's own settings. */
function withTheme(spec: VegaLiteSpec): VegaLiteSpec {
  const config = (spec.config ?? {}) as Record<string, unknown>;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    padding: 8,
    ...spec,
    config: { font: FONT_FAMILY, ...config },
  };
}

/** SVG and PNG bytes of each spec, in order. */
export function renderSpecs(specs: VegaLiteSpec[]): Promise<{ svg: string; png: Uint8Array }[]> {
  if (specs.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { base: __filename, specs: specs.map(withTheme), font: FONT_FAMILY },
    });
    let settled = false;
    worker.once("message", (m: { out?: { svg: string; png: Uint8Array }[]; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (m.error !== undefined) reject(new Error(`figure rendering failed: ${m.error}`));
      else resolve(m.out!);
    });
    worker.once("error", (err) => {
      settled = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`figure renderer exited with code ${code} before answering`));
    });
  });
}

/** Renders figures into `dir` (created if missing) as <name>.svg and <name>.png, atomically. */
export async function renderFigures(figures: Figure[], dir: string): Promise<RenderedFigure[]> {
  fs.mkdirSync(dir, { recursive: true });
  const out = await renderSpecs(figures.map((f) => f.spec));
  return figures.map((f, i) => {
    const svg = path.join(dir, `${f.name}.svg`);
    const png = path.join(dir, `${f.name}.png`);
    writeFileAtomic(svg, out[i].svg);
    writeFileAtomic(png, out[i].png);
    return { name: f.name, title: f.title, svg, png };
  });
}

/** True when the system has fonts resvg can load (text would be missing from PNGs otherwise). */
export function systemFontsPresent(): boolean {
  const roots = ["/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", "C:\\Windows\\Fonts"];
  return roots.some((r) => fs.existsSync(r) && hasFontFile(r, 3));
}

function hasFontFile(dir: string, depth: number): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.isFile() && /\.(ttf|otf|ttc)$/i.test(e.name)) return true;
    if (e.isDirectory() && depth > 0 && hasFontFile(path.join(dir, e.name), depth - 1)) return true;
  }
  return false;
}
