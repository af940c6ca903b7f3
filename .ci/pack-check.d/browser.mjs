// Serves www/ (index.html + the bundle) on 127.0.0.1, runs it in headless Chromium through
// playwright-core, and compares what the page computed with node.json (the same computation
// in Node): the grammar, samples and diffusion samples exactly, BP's log-likelihoods to 1e-12
// (Chromium's V8 and Node's may round Math.exp/log differently in the last bit), the U-Net's
// output to float32 rounding (cpu backend in the page, wasm in Node).
import * as fs from "node:fs";
import * as http from "node:http";
import { createRequire } from "node:module";
import * as path from "node:path";

const [playwrightFrom, nodeJson] = process.argv.slice(2);
const { chromium } = createRequire(playwrightFrom)("playwright-core");
const node = JSON.parse(fs.readFileSync(nodeJson, "utf8"));
const CHROMIUM = process.env.GHM_CHROMIUM ?? "/usr/bin/chromium";

const www = path.resolve("www");
fs.writeFileSync(
  path.join(www, "index.html"),
  '<!doctype html><meta charset="utf-8"><title>pack-check</title><script type="module" src="bundle.js"></script>\n',
);
const TYPES = { ".html": "text/html", ".js": "text/javascript" };
const server = http.createServer((req, res) => {
  const file = path.join(www, path.normalize(new URL(req.url, "http://x").pathname).replace(/^\/$/, "/index.html"));
  if (!file.startsWith(www) || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
  res.end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
let page;
try {
  page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.__packCheck !== undefined, null, { timeout: 60_000 });
  const web = await page.evaluate(() => window.__packCheck);
  if (!web.ok || errors.length > 0) throw new Error(`the page failed: ${web.error ?? ""} ${errors.join("; ")}`);
  const problems = [];
  const same = (what, a, b) =>
    JSON.stringify(a) === JSON.stringify(b) ||
    problems.push(`${what}: browser ${JSON.stringify(a)} vs node ${JSON.stringify(b)}`);
  same("backend", web.backend, "cpu");
  same("grammar fingerprint", web.fingerprint, node.fingerprint);
  same("samples", web.x, node.x);
  const relDiff = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));
  const bpDiff = Math.max(...web.logZ.map((v, i) => relDiff(v, node.logZ[i])));
  if (web.logZ.length !== node.logZ.length || !(bpDiff <= 1e-12))
    problems.push(`BP log-likelihoods: browser ${JSON.stringify(web.logZ)} vs node ${JSON.stringify(node.logZ)}`);
  same("generated sequences", web.generated, node.generated);
  same("validity", web.validity, node.validity);
  same("U-Net parameters", web.params, node.params);
  if (!(relDiff(web.netOutSum, node.netOutSum) < 1e-4))
    problems.push(`U-Net output sum: browser ${web.netOutSum} vs node ${node.netOutSum}`);
  if (problems.length > 0) throw new Error(problems.join("\n  "));
  console.log(
    `browser: BP log p(evidence) of ${web.logZ.length} sequences equal to Node's within ${bpDiff.toExponential(1)} ` +
      `(relative), samples and generated sequences identical, U-Net output sum ${web.netOutSum.toFixed(6)} ` +
      `(Node, wasm: ${node.netOutSum.toFixed(6)})`,
  );
} finally {
  await browser.close();
  server.close();
}
