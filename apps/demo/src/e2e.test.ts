/**
 * End to end: build the page, serve it on 127.0.0.1, drive it in headless Chromium,
 * and check that what it shows is what the packages compute in Node for the same
 * input (BP marginals, the U-Net's output, the generated sequence, forward-backward).
 * Writes a screenshot (apps/demo/screenshot.png with GHM_UPDATE_SCREENSHOT=1). Skips when Chromium is absent
 * (`apt-get install -y chromium`, or point GHM_CHROMIUM at a binary).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { runBP } from "@ghmkit/bp";
import { type Grammar, Rng, grammarToJson, parseGrammar, randomRhm, sample } from "@ghmkit/ghm";
import { bpDenoiser, generate } from "@ghmkit/diffusion";
import {
  buildModel,
  clippedEvidence,
  compileBPModel,
  configFromGrammar,
  evidenceToNetInput,
  MODEL_GRAMMAR_JSON,
  saveModel,
} from "@ghmkit/nets";
import { initBackend, tf } from "@ghmkit/tensor";
import { DEFAULT_SPEC, buildGrammar } from "./model/grammarSpec";
import { DEMO_SCHEDULE, type NoiseSetting, observe } from "./model/noise";
import { forwardBackwardOne, timeGrid } from "./model/forwardBackwardOne";
import { serveStatic, type StaticServer } from "./testing/staticServer";
import type { DemoHandle } from "./app/debugHandle";

const CHROMIUM = process.env.GHM_CHROMIUM ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const DEMO_DIR = path.resolve(__dirname, "..");
// The committed screenshot changes only on request; ordinary runs leave the tree clean.
const SCREENSHOT = process.env.GHM_UPDATE_SCREENSHOT
  ? path.join(DEMO_DIR, "screenshot.png")
  : path.join(tmpdir(), "ghm-demo-screenshot.png");

if (!HAVE_CHROMIUM) {
  console.warn(
    `demo e2e test SKIPPED: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) or set GHM_CHROMIUM.`,
  );
}
const describeE2E = HAVE_CHROMIUM ? describe : describe.skip;

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

describeE2E("demo page in headless Chromium", () => {
  let root: string;
  let profile: string;
  let server: StaticServer;
  let ctx: BrowserContext;
  let page: Page;
  let grammar: Grammar;
  let model: tf.LayersModel;
  const requests: string[] = [];
  const problems: string[] = [];

  const handle = (): Promise<DemoHandle> => page.evaluate(() => window.__ghmDemo as DemoHandle);

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "ghm-demo-e2e-"));
    profile = mkdtempSync(path.join(tmpdir(), "ghm-demo-chromium-"));
    execFileSync(
      process.execPath,
      [
        path.join(DEMO_DIR, "node_modules/vite/bin/vite.js"),
        "build",
        "--outDir",
        root,
        "--emptyOutDir",
        "--logLevel",
        "error",
      ],
      { cwd: DEMO_DIR, stdio: "pipe" },
    );
    // An untrained U-Net for the default grammar, saved exactly as the CLI saves models.
    await initBackend("cpu");
    grammar = buildGrammar(DEFAULT_SPEC);
    const config = configFromGrammar(grammar, { width: 8, seed: 0 });
    model = buildModel("unet", "denoiser", config);
    const { kind: _kind, p: _p, ...rhm } = DEFAULT_SPEC;
    await saveModel(model, path.join(root, "models/tiny"), {
      arch: "unet",
      task: "denoiser",
      config,
      extra: { grammar: { kind: "rhm", ...rhm } },
    });
    server = await serveStatic(root);
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    await page.goto(`${server.url}?backend=cpu`);
    await page.waitForSelector("body[data-ready='1']", { timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await server?.close();
    model?.dispose();
    for (const dir of [root, profile]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("draws the default grammar's tree and shows BP's exact numbers for the noisy leaves", async () => {
    await page.fill("#s-seed", "4");
    await page.fill("#n-seed", "7");
    await page.click("#s-sample");
    const before = await handle();
    expect(before.grammar).toEqual(JSON.parse(JSON.stringify(grammarToJson(grammar))));
    expect(before.tree).toEqual(sample(grammar, 1, new Rng(4), { tree: true }).tree!.map((l) => Array.from(l)));
    expect(await page.locator("#tree-svg g.node").count()).toBe(1 + 2 + 4 + 8);

    // Move the slider with the keyboard: 20 steps of 0.005 from u = 0.25.
    await page.focus("#n-level");
    for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowRight");
    const after = await handle();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.noise).toEqual({ kind: "vp", u: 0.35 });
    expect(after.root).not.toEqual(before.root);
    expect(await page.getAttribute("#tree-panel", "data-version")).toBe(String(after.version));
    await checkAgainstNode(after, { kind: "vp", u: 0.35 });

    await page.check('input[name="n-kind"][value="gaussian"]');
    await page.focus("#n-level");
    for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowLeft");
    await checkAgainstNode(await handle(), { kind: "gaussian", sigma: 0.7 });
  });

  async function checkAgainstNode(h: DemoHandle, noise: NoiseSetting): Promise<void> {
    expect(h.noise).toEqual(noise);
    const g = parseGrammar(h.grammar);
    const x = Int32Array.from(h.x);
    const S = g.vocab[g.depth];
    const obs = observe(x, S, noise, h.noiseSeed, DEMO_SCHEDULE);
    h.evidence.forEach((v, i) => expect(v).toBeCloseTo(obs.evidence.e[i], 9));
    const bp = runBP(g, { batch: 1, d: x.length, S, e: Float64Array.from(h.evidence) });
    bp.marginals!.forEach((m, l) => m.forEach((v, i) => expect(h.marginals[l][i]).toBeCloseTo(v, 12)));
    bp.root.forEach((v, c) => expect(h.root[c]).toBeCloseTo(v, 12));
    expect(h.logZ).toBeCloseTo(bp.logZ[0], 9);
    // The bars on screen carry the same root posterior.
    const bars = await page.$$eval("#root-bars li", (els) => els.map((e) => Number(e.getAttribute("data-p"))));
    bars.forEach((v, c) => expect(v).toBeCloseTo(bp.root[c], 9));
  }

  it("loads a U-Net saved by nets' saveModel and shows its output, equal to TensorFlow.js in Node", async () => {
    await page.fill("#m-url", "models/tiny");
    await page.click("#m-load");
    await page.waitForFunction(() => (window.__ghmDemo?.unet as { probs: unknown } | null)?.probs != null, undefined, {
      timeout: 20_000,
    });
    const h = await handle();
    expect(h.backend).toBe("cpu");
    expect(h.unet!.d).toBe(8);
    const x = Int32Array.from(h.x);
    const ev = { batch: 1, d: 8, S: 8, e: Float64Array.from(h.evidence) };
    const want = tf.tidy(() => tf.softmax(model.predict(evidenceToNetInput(ev)) as tf.Tensor, -1).dataSync());
    h.unet!.probs!.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
    const mseText = await page.getAttribute('#leaf-table tr[data-row="unet"] td[data-mse]', "data-mse");
    expect(Number(mseText)).toBeCloseTo(h.mse.unet!, 9);
    expect(x).toHaveLength(8);
    expect(await page.locator('#d-denoiser option[value="unet"]').isDisabled()).toBe(false);
  });

  it.each([
    ["exact (activation lse)", undefined],
    ["ReLU-approximated (activation lse-relu, W = 32)", 32],
  ])(
    "loads a BP-compiled U-Net (ghm compile's model directory), %s, and shows what it computes in Node",
    async (_name, approxWidth) => {
      // What `ghm compile` writes: nets' U-Net with BP's weights, saved by saveModel.
      const c = compileBPModel(grammar, "denoiser", approxWidth === undefined ? {} : { approxWidth });
      const dir = `models/compiled-${approxWidth ?? "lse"}`;
      try {
        await saveModel(c.model, path.join(root, dir), {
          arch: c.arch,
          task: c.task,
          config: c.config,
          extra: {
            grammar: { kind: "file", path: MODEL_GRAMMAR_JSON },
            compiled: { approxWidth: approxWidth ?? null },
          },
        });
        // The page's own grammar: loading it switches nothing.
        writeFileSync(path.join(root, dir, MODEL_GRAMMAR_JSON), JSON.stringify(grammarToJson(grammar)));
        await page.fill("#m-url", dir);
        await page.click("#m-load");
        await page
          .waitForFunction(
            (d) => {
              const u = window.__ghmDemo?.unet as { source: string; probs: unknown } | null;
              return u?.source.includes(d) && u.probs != null;
            },
            dir,
            { timeout: 20_000 },
          )
          .catch(async (e) => {
            throw new Error(`${e}; status: ${await page.textContent("#m-status")}; problems: ${problems.join(" | ")}`);
          });
        const h = await handle();
        const ev = { batch: 1, d: 8, S: 8, e: Float64Array.from(h.evidence) };
        const want = tf.tidy(() => tf.softmax(c.model.predict(evidenceToNetInput(ev)) as tf.Tensor, -1).dataSync());
        h.unet!.probs!.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
        // The exact one is BP on the evidence it sees (clipped at -20 per leaf): the page's U-Net row is BP's.
        const bp = runBP(grammar, clippedEvidence(ev)).marginals![grammar.depth];
        const err = Math.max(...h.unet!.probs!.map((v, i) => Math.abs(v - bp[i])));
        if (approxWidth === undefined) expect(err).toBeLessThan(1e-4);
        else expect(err).toBeGreaterThan(1e-4);
      } finally {
        c.model.dispose();
      }
    },
  );

  it("loads a BP-compiled U-Net of another grammar and switches the page to its grammar.json", async () => {
    // Another RHM of the page's shape (its own rules), as no form spec would draw it.
    const other = randomRhm({ S: 8, classes: 4, k: 3, arity: 2, depth: 3, seed: 5 });
    const c = compileBPModel(other, "denoiser");
    const dir = "models/compiled-other";
    try {
      await saveModel(c.model, path.join(root, dir), {
        arch: c.arch,
        task: c.task,
        config: c.config,
        extra: { grammar: { kind: "file", path: MODEL_GRAMMAR_JSON } },
      });
      writeFileSync(path.join(root, dir, MODEL_GRAMMAR_JSON), JSON.stringify(grammarToJson(other)));
      await page.fill("#m-url", dir);
      await page.click("#m-load");
      await page.waitForFunction(
        (d) => {
          const u = window.__ghmDemo?.unet as { source: string; probs: unknown } | null;
          return u?.source.includes(d) && u.probs != null;
        },
        dir,
        { timeout: 20_000 },
      );
      expect(await page.textContent("#m-status")).toContain("Switched to the grammar in its grammar.json");
      const h = await handle();
      expect(h.grammar).toEqual(JSON.parse(JSON.stringify(grammarToJson(other))));
      // The page's BP and the loaded U-Net now both work on that grammar: the exact U-Net is its BP.
      const ev = { batch: 1, d: 8, S: 8, e: Float64Array.from(h.evidence) };
      const bp = runBP(other, clippedEvidence(ev)).marginals![other.depth];
      expect(Math.max(...h.unet!.probs!.map((v, i) => Math.abs(v - bp[i])))).toBeLessThan(1e-4);
    } finally {
      c.model.dispose();
    }
  });

  it("loads the shipped example U-Net, which denoises better than each leaf alone", async () => {
    await page.click("#m-example");
    await page.waitForFunction(
      () => {
        const u = window.__ghmDemo?.unet as { source: string; probs: unknown } | null;
        return u?.source.includes("rhm-unet") && u.probs != null;
      },
      undefined,
      { timeout: 20_000 },
    );
    const h = await handle();
    expect(h.grammarSource).toContain("seed=1");
    console.log(`example U-Net at sigma 0.7: MSE ${h.mse.unet}, BP ${h.mse.bp}, each leaf alone ${h.mse.leafwise}`);
    expect(h.mse.unet!).toBeLessThan(h.mse.leafwise!);
    expect(h.mse.unet!).toBeGreaterThanOrEqual(h.mse.bp! * 0.5);
  });

  it("generates step by step, ending on the sequence generate() returns, with its validity", async () => {
    await page.selectOption("#d-denoiser", "bp");
    await page.fill("#d-steps", "12");
    await page.fill("#d-seed", "3");
    await page.dispatchEvent("#d-form", "change");
    await page.click("#d-step");
    expect(await page.textContent("#d-status")).toContain("Step 1 / 12");
    await page.click("#d-run");
    await page.waitForSelector("#d-result [data-valid]", { timeout: 20_000 });
    const s = (await handle()).sampler as { x: number[]; valid: boolean; logp: number; validityPerLevel: number[] };
    const ref = await generate({
      grammar,
      denoiser: bpDenoiser(grammar),
      process: "vp",
      sampler: "ddpm",
      steps: 12,
      n: 1,
      seed: 3,
      schedule: DEMO_SCHEDULE,
    });
    expect(s.x).toEqual(Array.from(ref.x));
    expect(s.valid).toBe(s.logp > -Infinity);
    expect(await page.getAttribute("#d-result [data-valid]", "data-valid")).toBe(String(s.valid));

    await page.selectOption("#d-denoiser", "unet");
    await page.fill("#d-steps", "4");
    await page.dispatchEvent("#d-form", "change");
    await page.click("#d-run");
    await page.waitForSelector("#d-result [data-valid]", { timeout: 20_000 });
    expect(((await handle()).sampler as { x: number[] }).x).toHaveLength(8);
  });

  it("runs forward-backward on the sample, as forwardBackwardOne does in Node", async () => {
    await page.fill("#fb-levels", "21");
    await page.fill("#fb-repeats", "32");
    await page.fill("#fb-seed", "5");
    await page.click("#fb-run");
    await page.waitForSelector("#fb-panel[data-flip]", { timeout: 20_000 });
    const h = await handle();
    const tree = h.tree.map((l) => Int32Array.from(l));
    const ref = forwardBackwardOne(grammar, tree, {
      times: timeGrid(21),
      repeats: 32,
      seed: 5,
      schedule: DEMO_SCHEDULE,
    });
    const fb = h.fb as typeof ref;
    expect(fb.flipU).toBe(ref.flipU);
    expect(fb.rows.map((r) => r.classCounts)).toEqual(ref.rows.map((r) => r.classCounts));
    expect(fb.rows.map((r) => r.levelAgreement)).toEqual(ref.rows.map((r) => r.levelAgreement));
    expect(await page.textContent("#fb-status")).toMatch(ref.flipU === null ? /never flips/ : /flips at u/);
  });

  it("requested nothing outside its own server, logged no errors, and leaves a screenshot", async () => {
    await page.selectOption("#d-denoiser", "bp");
    await page.fill("#d-steps", "30");
    await page.dispatchEvent("#d-form", "change");
    for (let i = 0; i < 18; i++) await page.click("#d-step");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const foreign = requests.filter(
      (u) => !u.startsWith(server.url) && !u.startsWith("data:") && !u.startsWith("blob:"),
    );
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
