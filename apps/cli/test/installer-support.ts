/**
 * Test helpers: wheels built on the fly (@wheelhouse/testing's, as setuptools and flit write
 * them), throwaway virtual environments, and an isolated pip to compare against.
 */
import { execFile } from "node:child_process";
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { buildWheel } from "@wheelhouse/testing";

const execFileAsync = promisify(execFile);

export const PYTHON = process.env.WHEELHOUSE_TEST_PYTHON ?? "python3";

export interface WheelSpec {
  name: string;
  version: string;
  /** Archive path → content; a `{ content, mode }` sets Unix mode bits. `{dist-info}` and `{data}` are expanded. */
  files?: Record<string, string | { content: string; mode: number }>;
  entryPoints?: string;
  requires?: string[];
  summary?: string;
  rootIsPurelib?: boolean;
  tag?: string;
  /** Rewrites RECORD text before it is written (to tamper with it). */
  record?: (text: string) => string;
}

/** Builds `{name}-{version}-{tag}.whl` in `dir` (@wheelhouse/testing's writer); returns its path. */
export async function makeWheel(dir: string, spec: WheelSpec): Promise<string> {
  const tag = spec.tag ?? "py3-none-any";
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Summary: ${spec.summary ?? `The ${spec.name} project`}`,
    `Home-page: https://example.org/${spec.name}`,
    "Author: A. Person",
    "Author-email: a@example.org",
    "License: MIT",
    ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`),
    "",
    "Long description.",
    "",
  ].join("\n");
  const built = buildWheel({
    name: spec.name,
    version: spec.version,
    tag,
    files: spec.files ?? {},
    metadata,
    wheelText: `Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: ${spec.rootIsPurelib ?? true}\nTag: ${tag}\n\n`,
    ...(spec.entryPoints ? { entryPoints: spec.entryPoints } : {}),
    ...(spec.record ? { record: spec.record } : {}),
  });
  const out = path.join(dir, built.filename);
  await writeFile(out, built.body);
  return out;
}

export async function tempDir(prefix = "wh-test-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A virtual environment; without pip unless asked (ensurepip takes seconds). */
export async function makeVenv(dir: string, options: { withPip?: boolean; python?: string } = {}): Promise<string> {
  await execFileAsync(options.python ?? PYTHON, ["-m", "venv", ...(options.withPip ? [] : ["--without-pip"]), dir]);
  return path.join(dir, "bin", "python");
}

/** The environment for a pip that reads no configuration of this machine. */
export function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("PIP_") && k !== "VIRTUAL_ENV" && k !== "PYTHONPATH") env[k] = v;
  env.PIP_CONFIG_FILE = "/dev/null";
  env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
  env.PIP_NO_INPUT = "1";
  return env;
}

/** Runs the base interpreter's pip against `targetPython` (`pip --python`), isolated. */
export async function pip(targetPython: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await execFileAsync(PYTHON, ["-m", "pip", "--python", targetPython, "--isolated", ...args], {
      env: isolatedEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? "", stderr: err.stderr ?? "", code: typeof err.code === "number" ? err.code : 1 };
  }
}

export async function run(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, { env: options.env ?? isolatedEnv(), cwd: options.cwd });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? "", stderr: err.stderr ?? "", code: typeof err.code === "number" ? err.code : 1 };
  }
}

/** Every path under `dir` (files with their content hash, directories, symlinks), sorted. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const names = await readdir(d).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const p = path.join(d, name);
      const st = await lstat(p);
      const rel = path.relative(dir, p);
      if (st.isDirectory()) {
        out.push(`${rel}/`);
        await walk(p);
      } else if (st.isSymbolicLink()) out.push(`${rel} -> link`);
      else out.push(`${rel} ${st.size} ${(st.mode & 0o777).toString(8)} ${(await readFile(p)).toString("base64").slice(0, 40)}`);
    }
  };
  await walk(dir);
  return out;
}
