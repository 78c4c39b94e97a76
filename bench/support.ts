// Shared by the benchmarks: a registry in its own process, a plain static server to compare
// against, and RSS sampling. Figures are ratios against a reference measured in the same run.
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import type { Db } from "@wheelhouse/db";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createReadStream, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repoRoot = new URL("..", import.meta.url).pathname;

export interface RegistryProcess {
  url: string;
  pid: number;
  dataDir: string;
  adminPassword: string;
  stop(): Promise<void>;
}

/** `npm start`'s command line (node and its flags, then the entry point). */
function startArguments(): string[] {
  const script = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const [node, ...args] = script.split(/\s+/);
  if (node !== "node") throw new Error(`npm start is not a node command line: ${script}`);
  return args;
}

/** `npm start`'s entry point and flags, against the given database, in a child process. */
export async function spawnRegistry(databaseUrl: string, env: Record<string, string> = {}): Promise<RegistryProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), "wh-bench-"));
  const adminPassword = "bench-admin-password";
  const child: ChildProcess = spawn(process.execPath, startArguments(), {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn", WHEELHOUSE_ADMIN_PASSWORD: adminPassword, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /running at (http:\/\/[^/\s]+)\//.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`registry exited with ${code} before listening:\n${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    dataDir,
    adminPassword,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The reference: a plain node static file server streaming one file from disk per request. */
export async function startStaticServer(path: string, contentType: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": contentType });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Samples a process's resident set size; `stop()` returns the peak in bytes. */
export function sampleRss(pid: number, everyMs = 20): { baseline: Promise<number>; stop(): Promise<number> } {
  const read = async () => {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  };
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await read().catch(() => 0));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    baseline: read(),
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

export function formatRatio(value: number): string {
  return value.toFixed(2);
}

export const FILES = 2000;
export const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** A hosted project of FILES wheels (10 per release), written straight to the database. */
export async function seedProject(db: Db): Promise<void> {
  const index = await db.index.upsert({ where: { name: "main" }, create: { name: "main" }, update: {} });
  const project = await db.project.create({ data: { indexId: index.id, name: "big-project", displayName: "big-project", lastSerial: 1 } });
  const releases = FILES / 10;
  for (let r = 0; r < releases; r++) {
    const version = `1.${r}.0`;
    const release = await db.release.create({ data: { projectId: project.id, version, canonicalVersion: `1.${r}`, info: {}, requiresPython: ">=3.8" } });
    await db.file.createMany({
      data: Array.from({ length: 10 }, (_, f) => {
        const hex = (r * 10 + f).toString(16).padStart(64, "0");
        return {
          releaseId: release.id,
          projectId: project.id,
          indexId: index.id,
          filename: `big_project-${version}-cp3${f}-cp3${f}-manylinux_2_17_x86_64.whl`,
          packageType: "bdist_wheel",
          pythonVersion: `cp3${f}`,
          size: BigInt(100_000 + f),
          sha256: hex,
          md5: hex.slice(0, 32),
          blake2b256: hex,
          requiresPython: ">=3.8",
          coreMetadata: "Metadata-Version: 2.1\nName: big-project\n",
          metadataSha256: hex,
          storageKey: `files/${hex}`,
        };
      }),
    });
  }
}

/** Mean requests per second at CONNECTIONS connections; any non-2xx answer fails the run. */
export async function rps(url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}
