import { toCsv, toJsonl } from "./tables";

test("CSV quotes commas and quotes, leaves nulls and infinities empty, unions the columns", () => {
  const csv = toCsv([
    { a: 1, b: 'x,"y"' },
    { a: null, c: -Infinity },
  ]);
  expect(csv).toBe('a,b,c\n1,"x,""y""",\n,,\n');
});

test("JSONL writes one row per line and no infinities", () => {
  expect(toJsonl([{ a: Infinity }, { a: 2 }])).toBe('{"a":null}\n{"a":2}\n');
});
