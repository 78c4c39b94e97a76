// Shared by the benchmarks: a registry in its own process, a plain static server to compare
// against, and RSS sampling. Figures are ratios against a reference measured in the same run.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createReadStream } from "node:fs";
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

/** `npm start`'s entry point, against the given database, in a child process. */
export async function spawnRegistry(databaseUrl: string, env: Record<string, string> = {}): Promise<RegistryProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), "wh-bench-"));
  const adminPassword = "bench-admin-password";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "apps/registry/src/main.ts"], {
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
