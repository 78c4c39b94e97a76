import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describeRun, run, type RunResult } from "./run.ts";
import { isolatedPipEnv } from "./isolated-env.ts";
import { makeTempDir } from "./temp-dir.ts";

export { run, type RunResult } from "./run.ts";
export { isolatedPipEnv } from "./isolated-env.ts";
export { twineUpload } from "./twine.ts";

/** The interpreter used to build fixtures and create venvs (Python 3.11 here). */
export const PYTHON = process.env.WHEELHOUSE_E2E_PYTHON ?? "python3";

const MAKE_DIST = fileURLToPath(new URL("../fixtures/make_dist.py", import.meta.url));

/** What `e2e/fixtures/make_dist.py` builds; see that script for the details. */
export interface DistSpec {
  name: string;
  version: string;
  summary?: string;
  description?: string;
  requires_dist?: string[];
  /** Provides-Extra lines (pip ignores an extra a distribution does not declare). */
  provides_extra?: string[];
  requires_python?: string;
  console_scripts?: Record<string, string>;
  /** Path inside the wheel (and the sdist's top directory) → file content. */
  modules?: Record<string, string>;
  wheel?: boolean;
  sdist?: boolean;
  /** How the sdist builds: setuptools (default), or a stdlib-only PEP 517 backend inside the sdist (builds offline). */
  backend?: "setuptools" | "in-tree";
  /** Only with `broken: "name-mismatch"`: what METADATA says instead. */
  metadata_name?: string;
  metadata_version?: string;
}

export type BrokenKind = "no-metadata" | "not-a-wheel" | "name-mismatch";

/**
 * Builds the distributions a spec describes into a fresh temp dir and returns
 * their paths (wheel first, then sdist). The same spec gives byte-identical files.
 */
export async function makeDist(spec: DistSpec, options: { broken?: BrokenKind; outDir?: string } = {}): Promise<string[]> {
  const out = options.outDir ?? (await makeTempDir("wheelhouse-e2e-dist-"));
  const args = [MAKE_DIST, "--out", out, "--spec", JSON.stringify(spec)];
  if (options.broken) args.push("--broken", options.broken);
  const result = await run(PYTHON, args, { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(describeRun("make_dist.py", result));
  return JSON.parse(result.stdout) as string[];
}

export interface Venv {
  dir: string;
  /** The venv's interpreter. */
  python: string;
  /** The venv's scripts directory (console scripts land here). */
  bin: string;
}

/** `python3 -m venv DIR`: offline, with the pip that ensurepip bundles. */
export async function createVenv(dir: string): Promise<Venv> {
  const result = await run(PYTHON, ["-m", "venv", dir], { env: isolatedPipEnv(), timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(describeRun("python3 -m venv", result));
  const bin = join(dir, "bin");
  return { dir, python: join(bin, "python"), bin };
}

/**
 * Flags that keep pip to the index a test names: no config, no env, no
 * cache, no prompts, no keyring, no retries against a local server.
 */
export const PIP_ISOLATION_FLAGS = [
  "--isolated",
  "--no-cache-dir",
  "--disable-pip-version-check",
  "--no-input",
  "--keyring-provider",
  "disabled",
  "--retries",
  "0",
  "--timeout",
  "30",
] as const;

/**
 * Runs `<venv python> -m pip <subcommand> <isolation flags> <args>` in an
 * isolated environment (`env` defaults to a fresh `isolatedPipEnv()`).
 */
export function pip(venv: Venv, subcommand: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return run(venv.python, ["-m", "pip", subcommand, ...PIP_ISOLATION_FLAGS, ...args], {
    env: options.env ?? isolatedPipEnv(),
    cwd: options.cwd,
    timeoutMs: 120_000,
  });
}
