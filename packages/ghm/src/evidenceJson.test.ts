import { evidenceFromJson, evidenceToJson } from "./evidenceJson";
import { exactEvidence, maskedEvidence } from "./evidence";
import { GrammarError } from "./grammarError";
import { randomRhm } from "./randomRhm";

describe("evidenceFromJson / evidenceToJson", () => {
  const g = randomRhm({ S: 4, classes: 2, k: 2, arity: 2, depth: 2, seed: 1 });

  test("every kind builds the library's Evidence; logits round-trip, null = -Infinity", () => {
    const x = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
    ];
    expect(evidenceFromJson({ kind: "exact", x }, g).e).toEqual(exactEvidence(x.flat(), 2, 4, 4).e);
    expect(evidenceFromJson({ kind: "masked", x: [[0, -1, 2, -1]] }, g).e).toEqual(
      maskedEvidence([0, -1, 2, -1], 1, 4, 4).e,
    );
    const back = evidenceFromJson(JSON.parse(JSON.stringify(evidenceToJson(exactEvidence(x.flat(), 2, 4, 4)))), g);
    expect(back.e).toEqual(exactEvidence(x.flat(), 2, 4, 4).e);
    expect(evidenceFromJson({ kind: "uniform", keep: 0.5, x }, g)).toMatchObject({ batch: 2, d: 4, S: 4 });
    const z = [
      [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ],
    ];
    expect(evidenceFromJson({ kind: "gaussian", alpha: 1, sigma: 1, z }, g).batch).toBe(1);
  });

  test("refusals are GrammarErrors naming the field", () => {
    const err = (json: unknown): GrammarError => {
      try {
        evidenceFromJson(json, g);
      } catch (e) {
        return e as GrammarError;
      }
      throw new Error("accepted");
    };
    expect(err({ kind: "nope" }).message).toMatch(/kind must be "logits", "exact"/);
    expect(err({ kind: "exact", x: [] }).path).toBe("x");
    expect(err({ kind: "exact", x: [[0, 1]] }).message).toMatch(/^x\[0\]: has 2 leaves, the grammar has d = m\^L = 4/);
    expect(err({ kind: "logits", h: [[[0], [0], [0], [0]]] }).path).toBe("h[0][0]");
    expect(err({ kind: "exact", x: [[0, 1, 2, 9]] })).toBeInstanceOf(GrammarError);
  });
});
