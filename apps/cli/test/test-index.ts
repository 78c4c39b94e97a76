import { backendProjectFiles, buildSdist, buildWheel, distName } from "@wheelhouse/testing";
import { inspectPython } from "../src/core/environment/inspect-python.ts";
import { jsonPage, sha256, TestServer } from "./index-fixtures.ts";
import { makeVenv } from "./installer-support.ts";
import { main } from "../src/main.ts";

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

/** A wheel with METADATA, WHEEL and a correct RECORD (@wheelhouse/testing's). */
export function makeTestWheel(name: string, version: string, options: WheelOptions = {}): Dist {
  const built = buildWheel({
    name,
    version,
    providesExtra: options.extras ?? [],
    requiresDist: options.requires ?? [],
    ...(options.tag ? { tag: options.tag } : {}),
    ...(options.files ? { files: options.files } : {}),
  });
  return { name, version, filename: built.filename, body: built.body, metadata: built.metadata };
}

/**
 * An sdist built by an in-tree PEP 517 backend (offline; @wheelhouse/testing's): `requires` are
 * its build requirements (the backend imports each module in `imports` in every hook, to prove
 * they were installed), `dependencies` its Requires-Dist; with `failBuild`, build_wheel fails
 * (its metadata does not).
 */
export async function makeTestSdist(
  name: string,
  version: string,
  options: { requires?: string[]; imports?: string[]; dependencies?: string[]; failBuild?: boolean } = {},
): Promise<Dist> {
  const files = backendProjectFiles(name, version, {
    dependencies: options.dependencies ?? [],
    buildRequires: options.requires ?? [],
    imports: options.imports ?? [],
    failBuild: options.failBuild ?? false,
    module: distName(name),
    moduleSource: `VERSION = "${version}"\nBUILT = True\n`,
  });
  const built = buildSdist({ name, version, requiresDist: options.dependencies ?? [], files });
  return { name, version, filename: built.filename, body: built.body, metadata: null };
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
    return this.server.requests
      .slice(from)
      .filter((r) => r.path.startsWith("/files/") && !r.path.endsWith(".metadata"))
      .map((r) => r.path);
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
