import fc from "fast-check";
import * as fs from "node:fs";
import { parseGrammar, grammarToJson, GhmV1Json } from "../format";
import { randomProductGrammar } from "../randomProduct";
import { randomDenseGrammar } from "../randomDense";
import { randomRhm } from "../randomRhm";
test("probe", () => {
  const validDoc = fc
  .record({ kind: fc.constantFrom("product", "rules", "dense"), depth: fc.integer({ min: 1, max: 3 }), arity: fc.integer({ min: 2, max: 3 }), S: fc.integer({ min: 1, max: 3 }), seed: fc.integer() })
  .map(({ kind, depth, arity, S, seed }): GhmV1Json => {
    if (kind === "product") return grammarToJson(randomProductGrammar({ depth, arity, vocab: S, seed }));
    if (kind === "dense") return grammarToJson(randomDenseGrammar({ depth: Math.min(depth, 2), arity: 2, vocab: S, seed }));
    return grammarToJson(randomRhm({ S: 3, classes: 2, k: 2, arity, depth, seed }));
  });
  const EXTREMES: unknown[] = [NaN, Infinity, -Infinity, -0, 5e-324, 1 - 1e-16, 1 + 1e-16, 2 ** 53, 2 ** 31 - 1, 2 ** 31, -1, 0, 1, 1.5, 1e308, "1", true, null, [], {}, [0.5, 0.5], { constructor: 1 }];
  const paths = (v: any, at: any[] = [], out: any[][] = []): any[][] => { out.push(at); if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out)); else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out); return out; };
  const samples = fc.sample(fc.tuple(validDoc, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 })), { numRuns: 20000, seed: 42 });
  samples.forEach(([doc, picks], n) => {
    const copy = structuredClone(doc) as any;
    const all = paths(copy).filter((p) => p.length > 0);
    const desc: string[] = [];
    for (const [p, v] of picks) { const path = all[p % all.length]; const parent = path.slice(0, -1).reduce((o: any, k: any) => (o === null || typeof o !== "object" ? undefined : o[k]), copy); if (parent !== null && typeof parent === "object") { parent[path[path.length - 1]] = structuredClone(EXTREMES[v % EXTREMES.length]); desc.push(JSON.stringify(path) + "=" + String(EXTREMES[v % EXTREMES.length])); } }
    fs.writeFileSync("/tmp/probe/last.txt", n + " " + desc.join(" ") + "\n" + JSON.stringify({ ...copy, levels: undefined }));
    const t0 = Date.now();
    try { parseGrammar(copy); } catch {}
    if (Date.now() - t0 > 100) fs.appendFileSync("/tmp/probe/slow.txt", n + " " + (Date.now() - t0) + " " + desc.join(" ") + "\n");
  });
});
