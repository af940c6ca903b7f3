// The fault suite (`pnpm soak`): real processes killed, disks filled, files corrupted.
// Kept out of `pnpm test` (its files end in .soak.ts, not .test.ts); nightly CI runs it.
const preset = require("../../jest.preset.js");

module.exports = { ...preset, testMatch: ["<rootDir>/src/soak/**/*.soak.ts"], testTimeout: 300000 };
