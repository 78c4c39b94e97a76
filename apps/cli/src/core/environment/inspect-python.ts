/**
 * Asks the target interpreter, once, what pip would ask it: markers, tags, install schemes.
 * The answer is cached since running Python costs 30–60 ms: per interpreter (path + mtime +
 * size), and for a virtual environment per base interpreter and venv configuration, with the
 * paths inside the environment stored relative to it — so a fresh venv of a known interpreter
 * needs no Python run either.
 */
import { CliError } from "../cli-error.ts";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, rename, stat, writeFile, open } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { MarkerEnvironment } from "@wheelhouse/packaging";
import type { TargetEnvironment } from "../types.ts";
import { INSPECT_SCRIPT } from "./inspect-script.ts";

const execFileAsync = promisify(execFile);

/** Where packages go: pip's default (venv or system), `--user`, `--prefix DIR`, `--target DIR`. */
export type InstallScheme = { kind: "default" } | { kind: "user" } | { kind: "prefix"; prefix: string } | { kind: "target"; target: string };

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

export class InterpreterError extends CliError {
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
    tags: info.tags,
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
  const venv = cacheDir === undefined ? null : await venvKey(pythonPath, st);
  const key = createHash("sha256")
    .update(
      JSON.stringify(
        venv?.key ?? [
          path.resolve(pythonPath),
          st.mtimeMs,
          st.size,
          SCRIPT_HASH,
          RELEVANT_ENV.map((k) => process.env[k] ?? null),
          process.env.WHEELHOUSE_INSPECT_TAGS ?? null,
        ],
      ),
    )
    .digest("hex");
  const cacheFile = cacheDir === undefined ? null : path.join(cacheDir, "interpreters", `${key}.json`);
  if (cacheFile) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, "utf8")) as InterpreterInfo;
      return venv ? relocate(cached, VENV_PLACEHOLDER, venv.root) : cached;
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
    const unsupported = await unsupportedPython(pythonPath);
    if (unsupported !== null) throw new InterpreterError(unsupported);
    const err = e as { stderr?: string; message: string };
    throw new InterpreterError(`Could not inspect the interpreter ${pythonPath}: ${(err.stderr || err.message).trim()}`);
  }
  const info = JSON.parse(stdout) as InterpreterInfo;
  // A wrapper script (a pyenv shim) may run a different interpreter each time: never cached.
  // A venv whose interpreter does not report the environment as we located it is not either.
  if (cacheFile && !(await startsWithShebang(pythonPath)) && (!venv || (info.prefix === venv.root && info.executable === path.resolve(pythonPath)))) {
    await mkdir(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(venv ? relocate(info, venv.root, VENV_PLACEHOLDER) : info));
    await rename(tmp, cacheFile);
  }
  return info;
}

/** The oldest Python the inspection script (inspect-script.ts) and the installer run on. */
const MINIMUM_PYTHON: readonly [number, number] = [3, 6];

/**
 * Why the interpreter is too old for wheelhouse, in one sentence; null when it is not (or does not
 * say). Asked only after the inspection failed: the inspection script is Python 3 and a Python 2
 * cannot even compile it, so the version is read with a program every Python runs.
 */
async function unsupportedPython(pythonPath: string): Promise<string | null> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(pythonPath, ["-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"], { timeout: 30_000 }));
  } catch {
    return null;
  }
  const m = /^(\d+)\.(\d+)\.(\d+)\s*$/.exec(stdout);
  if (!m) return null;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const [minMajor, minMinor] = MINIMUM_PYTHON;
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return null;
  return (
    `Python ${m[1]}.${m[2]}.${m[3]} at ${pythonPath} is not supported: ` +
    `wheelhouse installs into Python ${minMajor}.${minMinor} or later (give one with --python).`
  );
}

const VENV_PLACEHOLDER = "/__wheelhouse_venv__";

/**
 * For an interpreter of a virtual environment (PEP 405: `pyvenv.cfg` one directory above it)
 * that does not see the system site-packages, what its answer depends on apart from where the
 * environment is: the base interpreter, the venv's configuration, and which pip and packaging
 * it can import (they compute the tags). Null for anything else.
 */
async function venvKey(pythonPath: string, st: { mtimeMs: number; size: number }): Promise<{ key: unknown[]; root: string } | null> {
  const executable = path.resolve(pythonPath);
  const root = path.dirname(path.dirname(executable));
  if (root === path.dirname(root)) return null;
  const cfg = await readFile(path.join(root, "pyvenv.cfg"), "utf8").catch(() => null);
  if (cfg === null) return null;
  const settings = new Map(
    cfg
      .split(/\r?\n/)
      .map((line) => /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!.toLowerCase(), m[2]!]),
  );
  if ((settings.get("include-system-site-packages") ?? "false").toLowerCase() !== "false") return null;
  const version = /^(\d+)\.(\d+)/.exec(settings.get("version") ?? settings.get("version_info") ?? "");
  if (!version || process.platform === "win32") return null;
  const sitePackages = path.join(root, "lib", `python${version[1]}.${version[2]}`, "site-packages");
  const names = await readdir(sitePackages).catch(() => null);
  if (names === null) return null;
  const relative = (value: string | null): string | null => (value === null ? null : relocateString(value, root, VENV_PLACEHOLDER));
  return {
    root,
    key: [
      "venv",
      relative(executable),
      st.mtimeMs,
      st.size,
      relative(cfg),
      names.filter((n) => /^(pip|packaging)-.*\.(dist-info|egg-info)$/i.test(n)).sort(),
      SCRIPT_HASH,
      RELEVANT_ENV.map((k) => relative(process.env[k] ?? null)),
      process.env.WHEELHOUSE_INSPECT_TAGS ?? null,
    ],
  };
}

/** Every path (string) equal to or under `from` rewritten to be under `to` instead. */
function relocate<T>(value: T, from: string, to: string): T {
  if (typeof value === "string") return relocateString(value, from, to) as T;
  if (Array.isArray(value)) return value.map((v) => relocate(v, from, to)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relocate(v, from, to)])) as T;
  }
  return value;
}

function relocateString(value: string, from: string, to: string): string {
  // Anywhere in the text (pyvenv.cfg names the venv in its `command` line), at a path boundary.
  let out = "";
  let at = 0;
  for (let i = value.indexOf(from); i >= 0; i = value.indexOf(from, i + from.length)) {
    const before = i === 0 ? undefined : value[i - 1]!;
    const next = value[i + from.length];
    if (before !== undefined && !/[\s=:'"]/.test(before)) continue;
    if (next !== undefined && next !== "/" && next !== path.sep && !/[\s:'"]/.test(next)) continue;
    out += value.slice(at, i) + to;
    at = i + from.length;
  }
  return out + value.slice(at);
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
