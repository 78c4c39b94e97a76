// Bundles the `wheelhouse` CLI into one file, apps/cli/dist/wheelhouse.mjs, that runs on a bare
// Node 20 with nothing installed: the registry serves it at /cli/wheelhouse.mjs.
// Plain .mjs so it runs from `postinstall` before anything else is built.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const started = Date.now();
await build({
  entryPoints: [`${root}apps/cli/src/main.ts`],
  outfile: `${root}apps/cli/dist/wheelhouse.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __whCreateRequire } from 'node:module';\nconst require = __whCreateRequire(import.meta.url);" },
  legalComments: "none",
  // main.ts loads commands with import(`./commands/${name}.ts`), which esbuild turns into every
  // file that pattern matches; the tests beside the commands are never loaded, so ship them empty.
  plugins: [{ name: "skip-tests", setup: (b) => b.onLoad({ filter: /\.test\.ts$/ }, () => ({ contents: "", loader: "ts" })) }],
  logLevel: "warning",
});
console.log(`built apps/cli/dist/wheelhouse.mjs in ${Date.now() - started} ms`);
