// Bundles page.mjs for the browser with esbuild (platform browser: the `browser` export
// conditions and package.json browser fields) and fails if anything would pull a Node
// built-in in, or if a @ghmkit package's Node (CommonJS) entry got into the bundle.
import { builtinModules } from "node:module";
import * as esbuild from "esbuild";

const BUILTIN = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, "\\/")).join("|")})$`);
const fromGhmkit = [];

const watchBuiltins = {
  name: "no-node-builtins-from-ghmkit",
  setup(build) {
    // A @ghmkit file that imports a built-in is a broken browser entry, whatever a bundler
    // would make of it. Elsewhere esbuild decides: a browser-field `false` (tfjs maps `util`
    // and `crypto` away) is fine, an unresolved built-in fails the build.
    build.onResolve({ filter: BUILTIN }, (args) => {
      if (/[\\/]@ghmkit[\\/]/.test(args.importer)) fromGhmkit.push(`${args.importer} imports ${args.path}`);
      return undefined;
    });
  },
};

const result = await esbuild.build({
  entryPoints: ["page.mjs"],
  bundle: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  outfile: "www/bundle.js",
  metafile: true,
  logLevel: "error",
  plugins: [watchBuiltins],
});
const inputs = Object.keys(result.metafile.inputs);
const cjsEntries = inputs.filter((f) => /@ghmkit\/[a-z]+\/dist\//.test(f) && !/\/dist\/esm\//.test(f));
const problems = [
  ...fromGhmkit.map((s) => `Node built-in: ${s}`),
  ...cjsEntries.map((f) => `a Node (CommonJS) file in the browser bundle: ${f}`),
];
if (problems.length > 0) {
  console.error(`pack-check (bundle): ${problems.join("\n  ")}`);
  process.exit(1);
}
const bytes = result.metafile.outputs["www/bundle.js"].bytes;
const ours = inputs.filter((f) => f.includes("@ghmkit/")).length;
console.log(
  `bundle: ${(bytes / 1024).toFixed(0)} KiB, ${inputs.length} modules (${ours} from @ghmkit, all ES modules), no Node built-in`,
);
