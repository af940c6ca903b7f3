import * as path from "node:path";
import { ghm, tempDir, randomGrammar } from "../testing/harness";
test("diffuse and forward-backward: -n beyond 2^28 output symbols is exit 2", async () => {
  const dir = tempDir();
  const G = path.join(dir, "g.json");
  await randomGrammar(G, "--kind rhm --vocab 8 --classes 8 --rules 2 --depth 6 --seed 1");
  let r = await ghm("diffuse", "--grammar", G, "-n", "10000000", "--steps", "2");
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/-n 10000000: n \* d = 10000000 \* 64 = 640000000 output symbols exceed 268435456/);
  r = await ghm("forward-backward", "--grammar", G, "-n", "10000000", "--abars", "0.5");
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/-n 10000000: .*exceeds 268435456/);
});
