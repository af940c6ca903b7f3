import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { runGhm } from "../testing/childCli";
import { ghm, tempDir } from "../testing/harness";

// A plug-in architecture end to end, in real processes (the CLI imports the plugin module):
// the example plugin's model diffuses with --plugin, and without it is refused naming the plugin.
const ROOT = path.resolve(__dirname, "../../../..");
const PLUGIN = path.join(ROOT, "examples/custom-architecture/my-unet.mjs");
const env = { GHM_BACKEND: "cpu" };

test("--plugin: a model of a plug-in architecture diffuses; without the plugin it is exit 2 naming it", async () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");
  const grammar = ["grammar", "random", "--kind", "rhm", "--vocab", "4", "--classes", "4", "--rules", "2"];
  expect((await ghm(...grammar, "--depth", "2", "--seed", "1", "--out", G)).code).toBe(0);
  const model = path.join(dir, "model");
  const saved = spawnSync(
    process.execPath,
    [
      "-r",
      path.join(__dirname, "../testing/swcRegister.cjs"),
      path.join(__dirname, "../testing/savePluginModel.cjs"),
    ].concat([PLUGIN, "my-unet", G, model]),
    { encoding: "utf8" },
  );
  expect(saved.stderr).toBe("");
  expect(JSON.parse(fs.readFileSync(path.join(model, "ghm-model.json"), "utf8")).plugin).toBe(PLUGIN);

  const diffuse = ["diffuse", "--denoiser", model, "--grammar", G, "-n", "4", "--steps", "3", "--json"];
  const ok = await runGhm([...diffuse, "--plugin", PLUGIN], env);
  expect(ok.err).not.toMatch(/internal error/);
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.out).config.denoiser).toBe("my-unet");

  const missing = await runGhm(diffuse, env);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain(`uses architecture my-unet from plugin ${PLUGIN} (pass --plugin ${PLUGIN};`);

  const bad = path.join(dir, "bad.mjs");
  fs.writeFileSync(bad, "export const nothing = 1;\n");
  const refused = await runGhm([...diffuse, "--plugin", bad], env);
  expect(refused.code).toBe(2);
  expect(refused.err).toMatch(/--plugin .*bad\.mjs: the module exports no register function/);
  const absent = await runGhm([...diffuse, "--plugin", path.join(dir, "none.mjs")], env);
  expect(absent.code).toBe(2);
  expect(absent.err).toMatch(/none\.mjs: no such file/);
}, 120_000);
