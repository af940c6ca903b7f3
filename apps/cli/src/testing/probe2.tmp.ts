import { runBP, naiveBP } from "@ghmkit/bp";
import { fuzzModel } from "../../../../packages/bp/src/fuzz/models";
const { g, ev, scale } = fuzzModel(18);
console.log(JSON.stringify({ vocab: g.vocab, m: g.arity, kinds: g.levels.map(k => k.kind), root: Array.from(g.root) }), scale);
console.log(Array.from(ev.e));
const f = runBP(g, ev); const s = naiveBP(g, ev);
console.log("fast", Array.from(f.logZ), Array.from(f.impossible), Array.from(f.root), "up0", Array.from(f.up[0]));
console.log("slow", Array.from(s.logZ));
