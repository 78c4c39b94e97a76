// Test-only: a local PEP 691 index (the index tests' TestServer) holding real wheels with a
// RECORD and PEP 658 metadata, sdists built with an in-tree PEP 517 backend, fresh venvs, and
// `wheelhouse` run in-process through main() with no configuration of this machine.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { inspectPython } from "../environment/inspect-python.ts";
import { jsonPage, sha256, TestServer } from "../index/test-fixtures.ts";
import { PYTHON, makeVenv } from "../installer/test-support.ts";
import { main } from "../main.ts";

export interface Dist {
  name: string;
  version: string;
  filename: string;
  body: Buffer;
  /** METADATA (wheels); null for sdists. */
  metadata: string | null;
}

export interface WheelOptions {
  requires?: string[];
  extras?: string[];
  tag?: string;
  /** Archive path → content; default `<module>/__init__.py` with the version. */
  files?: Record<string, string>;
}

const b64 = (data: Uint8Array): string => createHash("sha256").update(data).digest("base64url");

/** A wheel with METADATA, WHEEL and a correct RECORD. */
export function makeTestWheel(name: string, version: string, options: WheelOptions = {}): Dist {
  const escaped = name.replace(/[-_.]+/g, "_");
  const tag = options.tag ?? "py3-none-any";
  const distInfo = `${escaped}-${version}.dist-info`;
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${name}`,
    `Version: ${version}`,
    ...(options.extras ?? []).map((e) => `Provides-Extra: ${e}`),
    ...(options.requires ?? []).map((r) => `Requires-Dist: ${r}`),
    "",
    "",
  ].join("\n");
  const members: Record<string, Uint8Array> = {};
  for (const [file, content] of Object.entries(options.files ?? { [`${escaped}/__init__.py`]: `VERSION = "${version}"\n` })) members[file] = strToU8(content);
  members[`${distInfo}/METADATA`] = strToU8(metadata);
  members[`${distInfo}/WHEEL`] = strToU8(`Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: ${tag}\n`);
  const record = Object.entries(members).map(([file, data]) => `${file},sha256=${b64(data)},${data.length}`);
  record.push(`${distInfo}/RECORD,,`);
  members[`${distInfo}/RECORD`] = strToU8(`${record.join("\n")}\n`);
  return { name, version, filename: `${escaped}-${version}-${tag}.whl`, body: Buffer.from(zipSync(members, { level: 6 })), metadata };
}

/**
 * An sdist built by an in-tree PEP 517 backend (offline): `requires` are its build requirements
 * (the backend imports each module in `imports` in both hooks, to prove they were installed),
 * `dependencies` its Requires-Dist; with `failBuild`, build_wheel fails (its metadata does not).
 */
export async function makeTestSdist(
  name: string,
  version: string,
  options: { requires?: string[]; imports?: string[]; dependencies?: string[]; failBuild?: boolean } = {},
): Promise<Dist> {
  const escaped = name.replace(/[-_.]+/g, "_");
  const dir = await mkdtemp(path.join(os.tmpdir(), "wh-sdist-"));
  try {
    const root = path.join(dir, `${escaped}-${version}`);
    await mkdir(path.join(root, escaped), { recursive: true });
    await writeFile(path.join(root, escaped, "__init__.py"), `VERSION = "${version}"\nBUILT = True\n`);
    const metadata = ["Metadata-Version: 2.1", `Name: ${name}`, `Version: ${version}`, ...(options.dependencies ?? []).map((d) => `Requires-Dist: ${d}`), ""].join("\n");
    const imports = (options.imports ?? []).map((m) => `    import ${m}\n`).join("");
    await writeFile(
      path.join(root, "backend.py"),
      String.raw`
import base64, hashlib, os, zipfile
DIST_INFO = "${escaped}-${version}.dist-info"
METADATA = ${JSON.stringify(metadata)}

def _check():
${imports || "    pass\n"}
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _check()
    os.makedirs(os.path.join(metadata_directory, DIST_INFO))
    with open(os.path.join(metadata_directory, DIST_INFO, "METADATA"), "w") as f:
        f.write(METADATA)
    return DIST_INFO

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _check()
${options.failBuild ? '    print("compiling the impossible")\n    raise RuntimeError("this build fails on purpose")\n' : ""}    name = "${escaped}-${version}-py3-none-any.whl"
    files = {"${escaped}/__init__.py": open("${escaped}/__init__.py", "rb").read(), DIST_INFO + "/METADATA": METADATA.encode(),
             DIST_INFO + "/WHEEL": b"Wheel-Version: 1.0\nGenerator: backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        for p, data in sorted(files.items()):
            z.writestr(p, data)
            record.append("%s,sha256=%s,%d" % (p, base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), len(data)))
        record.append(DIST_INFO + "/RECORD,,")
        z.writestr(DIST_INFO + "/RECORD", "\n".join(record) + "\n")
    return name
`,
    );
    await writeFile(path.join(root, "pyproject.toml"), `[build-system]\nrequires = ${JSON.stringify(options.requires ?? [])}\nbuild-backend = "backend"\nbackend-path = ["."]\n`);
    await writeFile(path.join(root, "PKG-INFO"), metadata);
    const archive = path.join(dir, `${escaped}-${version}.tar.gz`);
    const r = spawnSync(PYTHON, ["-c", "import sys, tarfile; t = tarfile.open(sys.argv[1], 'w:gz'); t.add(sys.argv[2], arcname=sys.argv[3]); t.close()", archive, root, path.basename(root)]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return { name, version, filename: path.basename(archive), body: await readFile(archive), metadata: null };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A PEP 691 index of the given distributions, files under /files/, PEP 658 metadata for wheels. */
export class TestIndex {
  readonly server = new TestServer();
  readonly #projects = new Map<string, Dist[]>();

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  get url(): string {
    return this.server.url("/simple/");
  }

  /** Adds distributions; `extraFiles` lists files only named on the page (other platforms). */
  publish(...dists: Dist[]): void {
    for (const dist of dists) {
      const project = dist.name.toLowerCase().replace(/[-_.]+/g, "-");
      const list = this.#projects.get(project) ?? [];
      list.push(dist);
      this.#projects.set(project, list);
      this.server.serve(`/files/${dist.filename}`, { body: dist.body, ranges: true });
      if (dist.metadata !== null) this.server.serve(`/files/${dist.filename}.metadata`, { body: Buffer.from(dist.metadata) });
      this.server.serve(
        `/simple/${project}/`,
        jsonPage(
          project,
          list.map((d) => ({
            filename: d.filename,
            url: `/files/${d.filename}`,
            hashes: { sha256: sha256(d.body) },
            ...(d.metadata !== null ? { "core-metadata": { sha256: sha256(d.metadata) } } : {}),
          })),
        ),
      );
    }
  }

  /** Requests for files (not pages or metadata) since `from`. */
  fileRequests(from = 0): string[] {
    return this.server.requests.slice(from).filter((r) => r.path.startsWith("/files/") && !r.path.endsWith(".metadata")).map((r) => r.path);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `wheelhouse <args>` in-process, seeing no pip configuration or PIP_* variable of this machine. */
export async function wheelhouse(args: string[], options: { cwd?: string; home: string }): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { PATH: process.env.PATH ?? "", HOME: options.home, PIP_CONFIG_FILE: "/dev/null" },
    cwd: options.cwd ?? options.home,
  });
  return { code, stdout, stderr };
}

/** A fresh venv (without pip); returns its interpreter and site-packages. */
export async function freshVenv(dir: string): Promise<{ python: string; site: string }> {
  const python = await makeVenv(dir);
  return { python, site: (await inspectPython(python)).paths.purelib };
}
