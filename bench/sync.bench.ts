// Mirror sync of 1,000 files from a local PyPI-shaped upstream (a static server of PEP 691
// pages and wheels), against a plain parallel download of the same files at the same
// concurrency, in the same run: files/s and MB/s, and the ratio.
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { buildWheel } from "@wheelhouse/testing";
import { pino } from "pino";
import { createTestDatabase } from "@wheelhouse/db/testing";
import { createBlobStore } from "@wheelhouse/storage";
import { Mirror } from "@wheelhouse/mirror";
import { createJobHandlers, InProcessJobQueue, jobDefinitions, triggerMirrorSync } from "../apps/registry/src/jobs/index.ts";
import { formatRatio } from "./support.ts";

const PROJECTS = 50;
const VERSIONS = Number(process.env.BENCH_SYNC_FILES ?? 1000) / PROJECTS;
const FILE_BYTES = 64 * 1024;
const CONCURRENCY = jobDefinitions["file-fetch"].concurrency;

interface StaticUpstream {
  url: string;
  files: { url: string; size: number }[];
  close(): Promise<void>;
}

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** PEP 691 pages with PEP 658 metadata, and the wheels themselves, from memory. */
async function startStaticUpstream(): Promise<StaticUpstream> {
  const routes = new Map<string, { body: Buffer; type: string }>();
  let base = "";
  const pages: { name: string; files: object[] }[] = [];
  const files: { path: string; size: number }[] = [];
  for (let p = 0; p < PROJECTS; p++) {
    const name = `bench-pkg${p}`;
    const page = { name, files: [] as object[] };
    for (let v = 1; v <= VERSIONS; v++) {
      // Random bytes (incompressible): the size on the wire is about the size we say.
      const built = buildWheel({ name, version: `${v}.0`, files: { [`bench_pkg${p}/data.bin`]: randomBytes(FILE_BYTES) } });
      const { body: wheel, metadata, filename } = built;
      routes.set(`/files/${filename}`, { body: wheel, type: "application/octet-stream" });
      routes.set(`/files/${filename}.metadata`, { body: Buffer.from(metadata), type: "application/octet-stream" });
      files.push({ path: `/files/${filename}`, size: wheel.length });
      page.files.push({
        filename,
        url: `../../files/${filename}`,
        hashes: { sha256: sha256(wheel) },
        size: wheel.length,
        "core-metadata": { sha256: sha256(metadata) },
        yanked: false,
      });
    }
    pages.push(page);
    routes.set(`/simple/${name}/`, {
      body: Buffer.from(JSON.stringify({ meta: { "api-version": "1.1", "_last-serial": p + 1 }, ...page })),
      type: "application/vnd.pypi.simple.v1+json",
    });
  }
  routes.set("/simple/", {
    body: Buffer.from(JSON.stringify({ meta: { "api-version": "1.1" }, projects: pages.map((p, i) => ({ name: p.name, "_last-serial": i + 1 })) })),
    type: "application/vnd.pypi.simple.v1+json",
  });
  const server: Server = createServer((req, res) => {
    const route = routes.get((req.url ?? "").split("?")[0]!);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": route.type, "content-length": route.body.length }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    files: files.map((f) => ({ url: `${base}${f.path}`, size: f.size })),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The reference: each file streamed to disk and hashed, `CONCURRENCY` at a time. */
async function plainDownload(files: { url: string }[], dir: string): Promise<void> {
  const queue = files.map((f, i) => ({ ...f, i }));
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const response = await fetch(f.url);
        // Hashed while written, as the mirror verifies every file.
        const hash = createHash("sha256");
        const body = Readable.fromWeb(response.body as never);
        body.on("data", (chunk: Buffer) => hash.update(chunk));
        await pipeline(body, createWriteStream(join(dir, String(f.i))));
        hash.digest("hex");
      }
    }),
  );
}

export async function benchSync(): Promise<void> {
  const upstream = await startStaticUpstream();
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "wh-bench-sync-"));
  const log = pino({ level: "warn" });
  const queue = new InProcessJobQueue({ log });
  try {
    const count = upstream.files.length;
    const bytes = upstream.files.reduce((n, f) => n + f.size, 0);
    const refDir = join(dataDir, "reference");
    await mkdir(refDir, { recursive: true });
    let started = performance.now();
    await plainDownload(upstream.files, refDir);
    const plainMs = performance.now() - started;

    const db = database.db;
    const store = createBlobStore({ driver: "fs", root: join(dataDir, "files") });
    await store.ensureReady();
    const names = Array.from({ length: PROJECTS }, (_, p) => `bench-pkg${p}`);
    const index = await db.index.create({
      data: { name: "bench-mirror", kind: "mirror", upstreamUrl: `${upstream.url}/simple/`, syncSelection: { allow: names } },
    });
    const mirror = new Mirror({ db, store, log });
    await queue.start(createJobHandlers({ db, store, log, dataDir, mirror }));
    started = performance.now();
    await triggerMirrorSync(queue, index.id);
    let selectedMs = 0;
    for (;;) {
      const run = await db.syncRun.findFirst({ where: { indexId: index.id }, orderBy: { id: "desc" } });
      if (!selectedMs && run && run.state !== "running") selectedMs = performance.now() - started;
      if (run && (run.state === "finished" || run.state === "failed")) {
        if (run.state === "failed" || run.filesDone !== count)
          throw new Error(`sync ended ${run.state} with ${run.filesDone}/${count} files: ${JSON.stringify(run.failures).slice(0, 500)}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const syncMs = performance.now() - started;

    const mb = bytes / 1e6;
    const line = (what: string, ms: number) =>
      `  ${what.padEnd(34)} ${(count / (ms / 1000)).toFixed(0).padStart(6)} files/s  ` +
      `${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s  (${(ms / 1000).toFixed(2)} s)`;
    console.log(`sync: ${count} files, ${mb.toFixed(1)} MB, ${CONCURRENCY} at a time, from a local static upstream`);
    console.log(line("plain parallel download (reference)", plainMs));
    console.log(line("mirror sync (pages, verify, store)", syncMs));
    console.log(`  (of which ${(selectedMs / 1000).toFixed(2)} s refreshing ${PROJECTS} pages, reading metadata and queueing)`);
    console.log(`  ratio (mirror sync / plain download throughput): ${formatRatio(plainMs / syncMs)}`);
  } finally {
    await queue.close();
    await upstream.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
