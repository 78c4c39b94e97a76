#!/usr/bin/env node
// `wheelhouse` from a checkout (npm link / npx / npm run wheelhouse): runs the TypeScript entry
// point through tsx (its documented `tsx/esm/api` register()), from any working directory.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// The repository's tsconfig when there is one, not whatever tsconfig the working directory has.
const tsconfig = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));
register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });

const { runAsProcess } = await import(new URL("../src/main.ts", import.meta.url).href);
await runAsProcess(process.argv.slice(2));
