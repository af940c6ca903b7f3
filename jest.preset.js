// Shared jest setup: tests run on the TypeScript sources (swc, no type-check; `pnpm
// typecheck` does that), and workspace imports resolve to sources so no build is needed.
const path = require("node:path");

module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  moduleNameMapper: {
    "^@ghmkit/([a-z-]+)$": path.join(__dirname, "packages/$1/src/index.ts"),
  },
  testMatch: ["<rootDir>/src/**/*.test.ts"],
  testTimeout: 60000,
};
