/**
 * Test helper (child process, with swcRegister.cjs): loads a plugin the way the CLI does
 * (register(nets, tf)), builds ARCH for the grammar and saves it untrained to DIR.
 * Usage: node -r swcRegister.cjs savePluginModel.cjs PLUGIN ARCH GRAMMAR DIR
 */
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const { readGrammarFile } = require("@ghmkit/ghm");
const nets = require("@ghmkit/nets");
const { initBackend, tf } = require("@ghmkit/tensor");

const [plugin, arch, grammarFile, dir] = process.argv.slice(2);
const importModule = new Function("url", "return import(url)");

(async () => {
  await initBackend("cpu");
  const mod = await importModule(pathToFileURL(path.resolve(plugin)).href);
  await nets.registeringFrom(plugin, () => mod.register(nets, tf));
  const g = readGrammarFile(grammarFile);
  const config = nets.configFromGrammar(g, { width: 8, seed: 1 });
  const model = nets.buildModel(arch, "denoiser", config);
  await nets.saveModel(model, dir, { arch, task: "denoiser", config });
})().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
