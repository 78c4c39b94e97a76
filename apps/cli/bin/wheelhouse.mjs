#!/usr/bin/env node
// `wheelhouse` from a checkout (npm link / npx / npm run wheelhouse), from any working directory.
// Runs the built CLI (apps/cli/dist/split/, from scripts/build-cli.mjs) while it is newer than
// every file it was built from: loading it takes a fraction of compiling the TypeScript. When a
// source has changed since (or there is no build), runs the TypeScript entry point through tsx
// (its documented `tsx/esm/api` register()), as before.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/split/wheelhouse.mjs", import.meta.url);

/** True when the build lists its inputs and none of them (nor their directories: a new file) changed after it started. */
function buildIsFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL("../dist/split/inputs.json", import.meta.url), "utf8"));
    statSync(built);
  } catch {
    return false;
  }
  const { builtAt, inputs } = manifest;
  if (typeof builtAt !== "number" || !Array.isArray(inputs) || inputs.length === 0) return false;
  const checked = new Set();
  for (const input of inputs) {
    for (const path of [input, dirname(input)]) {
      if (checked.has(path)) continue;
      checked.add(path);
      const info = statSync(path, { throwIfNoEntry: false });
      if (!info || info.mtimeMs > builtAt) return false;
    }
  }
  return true;
}

let entry;
if (process.env.WHEELHOUSE_FROM_SOURCE !== "1" && buildIsFresh()) {
  entry = built.href;
} else {
  const { register } = await import("tsx/esm/api");
  // The repository's tsconfig when there is one, not whatever tsconfig the working directory has.
  const tsconfig = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));
  register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });
  entry = new URL("../src/main.ts", import.meta.url).href;
}
const { runAsProcess } = await import(entry);
await runAsProcess(process.argv.slice(2));
