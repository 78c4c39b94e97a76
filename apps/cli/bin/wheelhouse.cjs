#!/bin/sh
// 2>/dev/null; if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then WHEELHOUSE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export WHEELHOUSE_EXTRA_CA_CERTS
// 2>/dev/null; unset NODE_EXTRA_CA_CERTS; fi; exec node "$0" "$@"
//
// (The three lines above are a shell script that is also JavaScript, so that Node starts without
// NODE_EXTRA_CA_CERTS: Node 20 parses that file at start-up, ~50 ms on every command, HTTPS or
// not. The installer adds those certificates itself on its first TLS connection, see
// src/core/net/extra-ca.ts; here they go back into the environment for the processes it starts.)
//
// `wheelhouse` from a checkout (npm link / npx / npm run wheelhouse), from any working directory.
// Runs the built CLI (apps/cli/dist/bundle/, from scripts/build-cli.mjs) while it is newer than
// every file it was built from; when a source has changed since (or there is no build), runs the
// TypeScript entry point through tsx (its documented `tsx/esm/api` register()), as before.
//
// The bundle is one CommonJS script compiled through node:vm with a V8 code cache beside it, one
// per command (the functions a command ran are in its cache): Node 20 has no compile cache for
// modules, and compiling is a large part of a short command's time. A cache V8 rejects (another
// Node version, a new build) is written again at exit; a read-only checkout just runs uncached.
// (CommonJS itself: an ES module entry point costs Node's module loader some 7 ms more per run.)
"use strict";
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { Script } = require("node:vm");

const bundleDir = join(__dirname, "../dist/bundle/");
const bundle = `${bundleDir}wheelhouse.cjs`;

/** True when the build lists its inputs and none of them (nor their directories: a new file) changed after it started. */
function buildIsFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(`${bundleDir}inputs.json`, "utf8"));
    statSync(bundle);
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

/** The bundle's `runAsProcess`, compiled with the command's code cache (written at exit when missing or rejected). */
function loadBundle(argv) {
  const command = argv.find((arg) => !arg.startsWith("-"));
  // V8 checks a cache against its source's length only: the name carries the bundle's identity.
  const { mtimeMs, size } = statSync(bundle);
  const cachePath = `${bundleDir}code-cache/${command && /^[a-z]{1,20}$/.test(command) ? command : "other"}-${Math.trunc(mtimeMs)}-${size}.bin`;
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  // (ASCII, checked by the build: latin1 spares decoding UTF-8.)
  const script = new Script(Module.wrap(readFileSync(bundle, "latin1")), { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        mkdirSync(dirname(cachePath), { recursive: true });
        const temp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cachePath);
      } catch {
        // A cache that cannot be written only costs the next run its compile time.
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, bundleDir);
  return module.exports;
}

if (process.env.WHEELHOUSE_EXTRA_CA_CERTS && process.env.NODE_EXTRA_CA_CERTS === undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.WHEELHOUSE_EXTRA_CA_CERTS;
}
const argv = process.argv.slice(2);

async function fromSource() {
  const { register } = await import("tsx/esm/api");
  // The repository's tsconfig when there is one, not whatever tsconfig the working directory has.
  const tsconfig = join(__dirname, "../../../tsconfig.json");
  register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });
  return import(pathToFileURL(join(__dirname, "../src/main.ts")).href);
}

(async () => {
  const { runAsProcess } = process.env.WHEELHOUSE_FROM_SOURCE !== "1" && buildIsFresh() ? loadBundle(argv) : await fromSource();
  await runAsProcess(argv);
})();
