// Builds the `wheelhouse` CLI twice from apps/cli/src/main.ts:
// - apps/cli/dist/wheelhouse.mjs: one ESM file that runs on a bare Node 20 with nothing
//   installed; the registry serves it at /cli/wheelhouse.mjs.
// - apps/cli/dist/bundle/wheelhouse.cjs: the same code as one CommonJS script, which
//   bin/wheelhouse.cjs runs through node:vm with a V8 code cache (Node 20 has no compile cache
//   for ES modules), while it is newer than every file it was built from, listed with the
//   build's start time in bundle/inputs.json. esbuild wraps each bundled module in a lazy
//   initializer, so a command still runs only the modules it imports.
// Plain .mjs so it runs from `postinstall` before anything else is built.
import { build } from "esbuild";
import { existsSync, realpathSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}apps/cli/dist`;
const started = Date.now();
const common = {
  entryPoints: { wheelhouse: `${root}apps/cli/src/main.ts` },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __whCreateRequire } from 'node:module';\nconst require = __whCreateRequire(import.meta.url);" },
  legalComments: "none",
  logLevel: "warning",
};
await rm(`${dist}/split`, { recursive: true, force: true }); // (an older build's layout)
await rm(`${dist}/bundle`, { recursive: true, force: true });
const [, bundle] = await Promise.all([
  build({ ...common, outfile: `${dist}/wheelhouse.mjs` }),
  build({
    ...common,
    format: "cjs",
    outfile: `${dist}/bundle/wheelhouse.cjs`,
    // CommonJS has no import.meta: main.ts reads its own URL (for --version) from this instead.
    define: { "import.meta.url": "__whModuleUrl" },
    // The checkout has node_modules: what only some commands load (the full page parsers'
    // schemas, BLAKE2) stays there, so that every command does not read it.
    external: ["zod", "hash-wasm"],
    // A script compiled through node:vm has no loader for import(): what the code imports on
    // first use (Node's own modules among them) becomes a require() behind a promise.
    supported: { "dynamic-import": false },
    // Whitespace and comments out (names stay, for stack traces): a third less to read at every
    // start, and ASCII only, which the launcher reads as latin1 (no UTF-8 decoding).
    minifyWhitespace: true,
    banner: { js: 'const __whModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    metafile: true,
  }),
]);
// The launcher reads the bundle as latin1, which is right for ASCII only (esbuild escapes
// everything else in code; comments, which could hold it, are gone).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, on purpose
if (/[^\x00-\x7f]/.test(await readFile(`${dist}/bundle/wheelhouse.cjs`, "latin1"))) throw new Error("apps/cli/dist/bundle/wheelhouse.cjs is not ASCII");
// What went into the bundle, as esbuild saw it: never a test, a test helper (apps/cli/test/) or a
// devDependency of the CLI (command-table.ts names each command module, so nothing else is pulled in).
const bundled = Object.keys(bundle.metafile.inputs).sort();
await writeFile(`${dist}/bundle/metafile-inputs.json`, `${JSON.stringify(bundled, null, 1)}\n`);
// Where each devDependency really lives, relative to the repository: a workspace package
// (@wheelhouse/testing) is a symlink, and esbuild names its files by their real path.
const devDependencies = Object.keys(JSON.parse(await readFile(`${root}apps/cli/package.json`, "utf8")).devDependencies ?? {});
const devDirs = devDependencies.map((name) => {
  const installed = [`${root}apps/cli/node_modules/${name}`, `${root}node_modules/${name}`].find((dir) => existsSync(dir));
  return installed ? `${relative(root, realpathSync(installed))}/` : `node_modules/${name}/`;
});
const unwanted = bundled.filter((path) => path.endsWith(".test.ts") || path.startsWith("apps/cli/test/") || devDirs.some((dir) => path.startsWith(dir)));
if (unwanted.length > 0) throw new Error(`the CLI bundle must not contain tests, test helpers or devDependencies: ${unwanted.join(", ")}`);
// Sources only: dependencies change with `npm install`, whose postinstall runs this build.
const inputs = bundled.filter((path) => !path.includes("node_modules/")).map((path) => fileURLToPath(new URL(path, `file://${root}`)));
inputs.push(fileURLToPath(import.meta.url));
await writeFile(`${dist}/bundle/inputs.json`, JSON.stringify({ builtAt: started, inputs }));
console.log(`built apps/cli/dist/wheelhouse.mjs and apps/cli/dist/bundle/ in ${Date.now() - started} ms`);
