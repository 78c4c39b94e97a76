/**
 * Asks the target interpreter, once, what pip would ask it: markers, tags, install schemes.
 * The answer is cached per interpreter (path + mtime + size) since running Python costs ~30 ms.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile, open } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { parseTag, type MarkerEnvironment, type Tag } from "@wheelhouse/packaging";
import type { TargetEnvironment } from "../core-types.ts";
import { INSPECT_SCRIPT } from "./inspect-script.ts";

const execFileAsync = promisify(execFile);

/** Where packages go: pip's default (venv or system), `--user`, `--prefix DIR`, `--target DIR`. */
export type InstallScheme =
  | { kind: "default" }
  | { kind: "user" }
  | { kind: "prefix"; prefix: string }
  | { kind: "target"; target: string };

export type SchemePaths = TargetEnvironment["paths"];

/** What the interpreter reported, scheme-independent; cached as JSON. */
export interface InterpreterInfo {
  executable: string;
  version: string;
  versionInfo: [number, number, number];
  implementation: string;
  /** `sys.implementation.cache_tag`, e.g. "cpython-311" (names the .pyc files). */
  cacheTag: string | null;
  markers: MarkerEnvironment;
  tags: string[];
  /** Which code computed the tags: "pip" (its get_supported), "packaging.tags" or "builtin". */
  tagsSource: string;
  prefix: string;
  basePrefix: string;
  isVirtualEnv: boolean;
  /** sys.path without the script directory. */
  sysPath: string[];
  userSite: string | null;
  enableUserSite: boolean;
  stdlib: string[];
  /** The stand-in prefix the `prefix` and `home` schemes were computed for. */
  placeholder: string;
  schemes: {
    default: SchemePaths & { scheme: string };
    user: (SchemePaths & { scheme: string }) | null;
    prefix: SchemePaths & { scheme: string };
    home: SchemePaths & { scheme: string };
  };
}

/** A TargetEnvironment plus what the installer and the commands need to know about it. */
export interface InspectedEnvironment extends TargetEnvironment {
  scheme: InstallScheme;
  info: InterpreterInfo;
  /**
   * Directories searched for installed distributions, in sys.path order: what `pip list` sees
   * for the default scheme, the scheme's lib directories otherwise.
   */
  searchPaths: string[];
  /** The root nothing is removed outside of (pip's "outside environment" rule), or null. */
  environmentRoot: string | null;
}

export interface InspectOptions {
  /** Cache directory; the answer is stored under `<cacheDir>/interpreters/`. No caching when absent. */
  cacheDir?: string;
  scheme?: InstallScheme;
}

export class InterpreterError extends Error {
  override name = "InterpreterError";
}

// Bumped when the script's output changes shape, so stale cache entries are ignored.
const SCRIPT_HASH = createHash("sha256").update(INSPECT_SCRIPT).digest("hex").slice(0, 16);
const PLACEHOLDER = "/__wheelhouse_prefix__";
// Environment variables that change what the interpreter reports.
const RELEVANT_ENV = ["PYTHONPATH", "PYTHONHOME", "PYTHONNOUSERSITE", "PYTHONUSERBASE", "PYENV_VERSION", "VIRTUAL_ENV"];

/** Runs the interpreter once (or reads the cache) and answers for the given install scheme. */
export async function inspectPython(pythonPath: string, options: InspectOptions = {}): Promise<InspectedEnvironment> {
  const info = await interpreterInfo(pythonPath, options.cacheDir);
  return environmentFor(info, options.scheme ?? { kind: "default" });
}

/** Derives the environment for another scheme from an already inspected interpreter, without running it. */
export function environmentFor(info: InterpreterInfo, scheme: InstallScheme): InspectedEnvironment {
  const paths = schemePaths(info, scheme);
  const lib = unique([paths.purelib, paths.platlib]);
  let searchPaths: string[];
  let environmentRoot: string | null;
  switch (scheme.kind) {
    case "default":
      searchPaths = unique([...info.sysPath, ...lib]);
      environmentRoot = info.isVirtualEnv ? info.prefix : null;
      break;
    case "user":
      searchPaths = lib;
      environmentRoot = null;
      break;
    case "prefix":
      searchPaths = lib;
      environmentRoot = path.resolve(scheme.prefix);
      break;
    case "target":
      searchPaths = lib;
      environmentRoot = path.resolve(scheme.target);
      break;
  }
  return {
    python: info.executable,
    pythonFullVersion: info.markers.python_full_version,
    markers: info.markers,
    tags: info.tags.flatMap((t) => parseTag(t)) as Tag[],
    paths,
    isVirtualEnv: info.isVirtualEnv,
    scheme,
    info,
    searchPaths,
    environmentRoot,
  };
}

/** The sysconfig paths of a scheme; `--prefix` and `--target` substitute the directory into the templates. */
export function schemePaths(info: InterpreterInfo, scheme: InstallScheme): SchemePaths {
  const pick = (p: SchemePaths): SchemePaths => ({
    purelib: p.purelib,
    platlib: p.platlib,
    scripts: p.scripts,
    data: p.data,
    include: p.include,
  });
  const substitute = (p: SchemePaths, dir: string): SchemePaths => {
    const out = pick(p);
    for (const key of Object.keys(out) as (keyof SchemePaths)[]) {
      if (out[key].startsWith(info.placeholder)) out[key] = dir + out[key].slice(info.placeholder.length);
    }
    return out;
  };
  switch (scheme.kind) {
    case "default":
      return pick(info.schemes.default);
    case "user":
      if (!info.schemes.user) throw new InterpreterError("The user site-packages directory is not available for this interpreter.");
      return pick(info.schemes.user);
    case "prefix":
      return substitute(info.schemes.prefix, path.resolve(scheme.prefix));
    case "target": {
      // pip installs with the home scheme into a temporary directory, then moves the lib
      // directory's contents and the data directory's other entries (bin/, include/) into the target.
      const target = path.resolve(scheme.target);
      const home = substitute(info.schemes.home, target);
      return { purelib: target, platlib: target, scripts: home.scripts, data: target, include: home.include };
    }
  }
}

async function interpreterInfo(pythonPath: string, cacheDir: string | undefined): Promise<InterpreterInfo> {
  let st;
  try {
    st = await stat(pythonPath);
  } catch {
    throw new InterpreterError(`No Python interpreter at ${pythonPath}.`);
  }
  // A wrapper script (a pyenv shim) may run a different interpreter each time: never cached.
  const cacheable = cacheDir !== undefined && !(await startsWithShebang(pythonPath));
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        path.resolve(pythonPath),
        st.mtimeMs,
        st.size,
        SCRIPT_HASH,
        RELEVANT_ENV.map((k) => process.env[k] ?? null),
        process.env.WHEELHOUSE_INSPECT_BUILTIN_TAGS ?? null,
      ]),
    )
    .digest("hex");
  const cacheFile = cacheable ? path.join(cacheDir, "interpreters", `${key}.json`) : null;
  if (cacheFile) {
    try {
      return JSON.parse(await readFile(cacheFile, "utf8")) as InterpreterInfo;
    } catch {
      // Missing or unreadable: ask again.
    }
  }
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(pythonPath, ["-c", INSPECT_SCRIPT, PLACEHOLDER], {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, PYTHONIOENCODING: "utf-8" },
    }));
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new InterpreterError(`Could not inspect the interpreter ${pythonPath}: ${(err.stderr || err.message).trim()}`);
  }
  const info = JSON.parse(stdout) as InterpreterInfo;
  if (cacheFile) {
    await mkdir(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(info));
    await rename(tmp, cacheFile);
  }
  return info;
}

async function startsWithShebang(file: string): Promise<boolean> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(2);
    await fh.read(buf, 0, 2, 0);
    return buf.toString("latin1") === "#!";
  } finally {
    await fh.close();
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
