// Shared by the worker e2e tests: a Wheelhouse upstream behind a counting (and optionally
// slow) proxy, uploads of small wheels, a mirror index in a database of its own, blob checks.
import { createHash } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db, Index } from "@wheelhouse/db";
import { createTestDatabase, type TestDatabase } from "@wheelhouse/db/testing";
import { Mirror } from "@wheelhouse/mirror";
import { createBlobStore, type BlobStore } from "@wheelhouse/storage";
import { pino } from "pino";
import { buildWheel, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";
import type { TestRegistry } from "../support/registry.ts";

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
  conditional: boolean;
}

export interface CountingProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Requests for project pages (/<index>/simple/<name>/), not the root. */
  pageRequests(): ProxiedRequest[];
  fileRequests(): ProxiedRequest[];
  close(): Promise<void>;
}

/** Forwards everything to `target` with the Host header kept (so absolute URLs point back here). */
export async function startCountingProxy(target: string, opts: { fileDelayMs?: number } = {}): Promise<CountingProxy> {
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const isFile = /\/files\/.*\.(whl|tar\.gz)$/.test(req.url ?? "");
    setTimeout(
      () => {
        const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (upRes) => {
          requests.push({
            method: req.method ?? "GET",
            path: req.url ?? "",
            status: upRes.statusCode ?? 0,
            conditional: req.headers["if-none-match"] !== undefined,
          });
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on("error", () => res.destroy());
        req.pipe(up);
      },
      isFile ? (opts.fileDelayMs ?? 0) : 0,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    pageRequests: () => requests.filter((r) => /\/simple\/[^/]+\/(\?.*)?$/.test(r.path)),
    fileRequests: () => requests.filter((r) => /\/files\//.test(r.path)),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `projects` × `versions` small wheels, uploaded to the upstream's main index. */
export async function uploadWheels(upstream: TestRegistry, projects: number, versions: number, padding = 2000): Promise<WheelSpec[]> {
  const { token } = await upstream.createUser(`uploader${Date.now()}`, { scope: "upload" });
  const specs: WheelSpec[] = [];
  for (let p = 0; p < projects; p++) {
    for (let v = 1; v <= versions; v++) {
      // Each project depends on the next: the sync follows the chain from the first.
      const requiresDist = p + 1 < projects ? [`proj${p + 1}>=1`] : [];
      specs.push({ name: `proj${p}`, version: `${v}.0`, requiresDist, padding: padding + p * 7 + v });
    }
  }
  // Parallel across projects, one project's versions in order (the first upload creates it).
  const byProject = new Map<string, WheelSpec[]>();
  for (const spec of specs) byProject.set(spec.name, [...(byProject.get(spec.name) ?? []), spec]);
  const queue = [...byProject.values()];
  const uploadOne = async (spec: WheelSpec) => {
    const wheel = buildWheel(spec);
    // As twine does, a 5xx is retried. (FsBlobStore can lose a race between concurrent puts into
    // incoming/ and a move pruning that directory: mkdir ENOENT, an intermittent 500.)
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${upstream.url}/`, {
        method: "POST",
        body: uploadForm(spec, wheel.filename, wheel.body),
        headers: { authorization: basicAuth("__token__", token) },
      });
      if (response.status === 200) return;
      const text = await response.text();
      if (response.status < 500 || attempt >= 3) throw new Error(`upload of ${wheel.filename}: ${response.status} ${text}`);
    }
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let project = queue.shift(); project; project = queue.shift()) for (const spec of project) await uploadOne(spec);
    }),
  );
  return specs;
}

export interface MirrorSide {
  database: TestDatabase;
  db: Db;
  store: BlobStore;
  dataDir: string;
  index: Index;
  /** The side's own Mirror object (running fetches and connections are not shared with another side). */
  mirror: Mirror;
  close(): Promise<void>;
}

/** A mirror index of `upstreamUrl` in a database and storage of its own, with its own Mirror. */
export async function createMirrorSide(upstreamUrl: string, selection: object): Promise<MirrorSide> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "wh-mirror-"));
  const store = createBlobStore({ driver: "fs", root: join(dataDir, "files") });
  await store.ensureReady();
  const index = await database.db.index.create({
    data: { name: "pypi", kind: "mirror", upstreamUrl, syncSelection: selection, pageTtlSeconds: 3600 },
  });
  const mirror = new Mirror({ db: database.db, store, log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) });
  return {
    database,
    db: database.db,
    store,
    dataDir,
    index,
    mirror,
    async close() {
      await mirror.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function sha256Of(store: BlobStore, key: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await store.get(key)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Every file row that points at a blob: the blob exists and has the row's sha256. */
export async function checkCachedBlobs(side: MirrorSide): Promise<{ cached: number; bad: string[] }> {
  const rows = await side.db.file.findMany({ where: { indexId: side.index.id, storageKey: { not: null } } });
  const bad: string[] = [];
  for (const row of rows) {
    const actual = await sha256Of(side.store, row.storageKey!).catch((err: Error) => `unreadable: ${err.message}`);
    if (actual !== row.sha256) bad.push(`${row.filename}: ${actual}`);
  }
  return { cached: rows.length, bad };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
