import { probColor, divergingColor } from "./colors";
import { CELL, treeLayout } from "./layout";

describe("tree layout", () => {
  it.each([
    [3, 2, [8, 8, 8, 8]],
    [2, 4, [3, 5, 2]],
    [4, 2, [2, 3, 4, 5, 6]],
  ])("depth %i arity %i: parents centred over their children, leaves apart, inside the box", (depth, m, vocab) => {
    const lay = treeLayout(depth, m, vocab);
    lay.levels.forEach((row, l) => {
      expect(row).toHaveLength(m ** l);
      row.forEach((b) => {
        expect(b.width).toBe(vocab[l] * CELL.w);
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(lay.width);
        expect(b.y + b.height).toBeLessThanOrEqual(lay.height);
      });
      if (l === 0) return;
      lay.levels[l - 1].forEach((p, i) => {
        const kids = row.filter((b) => b.parent === i);
        expect(kids).toHaveLength(m);
        const mid = (kids[0].x + kids[0].width / 2 + kids[m - 1].x + kids[m - 1].width / 2) / 2;
        expect(p.x + p.width / 2).toBeCloseTo(mid, 9);
      });
    });
    const leaves = lay.levels[depth];
    for (let i = 1; i < leaves.length; i++)
      expect(leaves[i].x).toBeGreaterThanOrEqual(leaves[i - 1].x + leaves[i - 1].width + CELL.gap - 1e-9);
  });

  it("refuses a vocab of the wrong length", () => {
    expect(() => treeLayout(2, 2, [3, 3])).toThrow(/depth \+ 1 = 3/);
  });

  it("colour scales: white at 0, dark at 1, clamped; diverging signs", () => {
    expect(probColor(0)).toBe("rgb(247, 251, 255)");
    expect(probColor(1)).toBe("rgb(8, 48, 107)");
    expect(probColor(7)).toBe(probColor(1));
    expect(divergingColor(-5)).toBe("rgb(178, 24, 43)");
    expect(divergingColor(0)).toBe(probColor(0));
  });
});
