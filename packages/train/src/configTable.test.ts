import * as fs from "node:fs";
import * as path from "node:path";
import { trainConfigTable } from "./configTable";

test("the README's TrainConfig table is the one generated from the schema (fix: paste trainConfigTable())", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const start = readme.indexOf("<!-- config-table -->");
  const end = readme.indexOf("<!-- /config-table -->");
  expect(start).toBeGreaterThan(0);
  expect(readme.slice(start + "<!-- config-table -->".length, end).trim()).toBe(trainConfigTable());
});
