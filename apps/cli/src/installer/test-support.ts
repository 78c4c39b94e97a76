/**
 * Test helpers: wheels built on the fly (with Python's zipfile, so they are what setuptools and
 * flit would write), throwaway virtual environments, and an isolated pip to compare against.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, lstat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

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

const WHEEL_SCRIPT = String.raw`
import base64, hashlib, json, sys, zipfile
spec = json.load(sys.stdin)
out = spec["out"]
record = []
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, content, mode in spec["files"]:
        data = content.encode("utf-8")
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = (mode & 0xFFFF) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
    record.append(spec["recordName"] + ",,")
    text = "\n".join(record) + "\n"
    for old, new in spec["replace"]:
        text = text.replace(old, new)
    z.writestr(spec["recordName"], text)
`;

/** Builds `{name}-{version}-py3-none-any.whl` in `dir`; returns its path. */
export async function makeWheel(dir: string, spec: WheelSpec): Promise<string> {
  const dist = spec.name.replace(/[-_.]+/g, "_");
  const infoDir = `${dist}-${spec.version}.dist-info`;
  const dataDir = `${dist}-${spec.version}.data`;
  const tag = spec.tag ?? "py3-none-any";
  const files: [string, string, number][] = [];
  for (const [name, value] of Object.entries(spec.files ?? {})) {
    const real = name.replace("{dist-info}", infoDir).replace("{data}", dataDir);
    if (typeof value === "string") files.push([real, value, 0o100644]);
    else files.push([real, value.content, 0o100000 | value.mode]);
  }
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Summary: ${spec.summary ?? `The ${spec.name} project`}`,
    "Home-page: https://example.org/" + spec.name,
    "Author: A. Person",
    "Author-email: a@example.org",
    "License: MIT",
    ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`),
    "",
    "Long description.",
    "",
  ].join("\n");
  files.push([`${infoDir}/METADATA`, metadata, 0o100644]);
  files.push([`${infoDir}/WHEEL`, `Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: ${spec.rootIsPurelib ?? true}\nTag: ${tag}\n\n`, 0o100644]);
  if (spec.entryPoints) files.push([`${infoDir}/entry_points.txt`, spec.entryPoints, 0o100644]);
  const out = path.join(dir, `${dist}-${spec.version}-${tag}.whl`);
  const replace: [string, string][] = [];
  const input = JSON.stringify({ out, files, recordName: `${infoDir}/RECORD`, replace });
  const r = spawnSync(PYTHON, ["-c", WHEEL_SCRIPT], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  if (spec.record) {
    // Rewrite RECORD inside the built zip.
    const fix = String.raw`
import sys, zipfile, json
spec = json.load(sys.stdin)
src = spec["out"]
with zipfile.ZipFile(src) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
    for info, data in items:
        if info.filename == spec["recordName"]:
            data = spec["record"].encode()
        z.writestr(info, data)
`;
    const current = spawnSync(PYTHON, ["-c", `import zipfile,sys; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())`, out, `${infoDir}/RECORD`], { encoding: "utf8" }).stdout;
    const r2 = spawnSync(PYTHON, ["-c", fix], { input: JSON.stringify({ out, recordName: `${infoDir}/RECORD`, record: spec.record(current) }), encoding: "utf8" });
    if (r2.status !== 0) throw new Error(r2.stderr);
  }
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
    const { stdout, stderr } = await execFileAsync(PYTHON, ["-m", "pip", "--python", targetPython, "--isolated", ...args], { env: isolatedEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? "", stderr: err.stderr ?? "", code: typeof err.code === "number" ? err.code : 1 };
  }
}

export async function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
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
