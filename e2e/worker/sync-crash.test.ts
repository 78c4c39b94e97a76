// The worker process (`npm run worker`, BullMQ on Redis) killed with SIGKILL in the middle of
// a sync of 200 files, then started again: no file row points at a missing or half-written
// blob at any time, and after the restart every file ends up cached and hash-correct.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { pino } from "pino";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { BullMqJobQueue, listSyncRuns, triggerMirrorSync } from "../../apps/registry/src/jobs/index.ts";
import { checkCachedBlobs, createMirrorSide, startCountingProxy, uploadWheels, waitFor, type CountingProxy, type MirrorSide } from "./support.ts";

const repoRoot = new URL("../..", import.meta.url).pathname;
const FILES = 200;
let upstream: TestRegistry;
let proxy: CountingProxy;
let side: MirrorSide;
let redisUrl: string;
let redis: Redis;
let producer: BullMqJobQueue;
const children: ChildProcess[] = [];

/** A Redis logical database nobody uses, so the worker's default key prefix is ours alone. */
async function emptyRedisDb(): Promise<number> {
  const probe = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  try {
    for (let db = 15; db >= 1; db--) {
      await probe.select(db);
      if ((await probe.dbsize()) === 0) return db;
    }
  } finally {
    probe.disconnect();
  }
  throw new Error("no empty Redis database for the test");
}

before(async () => {
  upstream = await startRegistry();
  await uploadWheels(upstream, 50, FILES / 50, 20_000);
  // Slow enough per file that a kill lands mid-sync (8 fetches at a time).
  proxy = await startCountingProxy(upstream.url, { fileDelayMs: 120 });
  side = await createMirrorSide(`${proxy.url}/main/simple/`, { allow: ["proj0"] });
  redisUrl = `redis://127.0.0.1:6379/${await emptyRedisDb()}`;
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  producer = new BullMqJobQueue({ connection: redisUrl, log: pino({ level: "silent" }) });
});

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await producer?.close();
  if (redis) {
    const keys = await redis.keys("wheelhouse:*");
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  await proxy?.close();
  await side?.close();
  await upstream?.stop();
});

async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/registry/src/worker-main.ts"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: side.database.url, DATA_DIR: side.dataDir, REDIS_URL: redisUrl, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("worker is running")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before starting:\n${out}`)));
  });
  return child;
}

const cachedCount = () => side.db.file.count({ where: { indexId: side.index.id, storageKey: { not: null } } });

test("SIGKILL mid-sync, restart: every cached file is whole and all end up cached", { timeout: 180_000 }, async (t) => {
  const t0 = Date.now();
  const first = await startWorker();
  await triggerMirrorSync(producer, side.index.id);
  await waitFor(async () => (await cachedCount()) >= 40, 60_000, "40 files cached");
  first.kill("SIGKILL");
  t.diagnostic(`killed after ${Date.now() - t0} ms`);
  await new Promise((resolve) => first.once("exit", resolve));

  const atKill = await checkCachedBlobs(side);
  assert.ok(atKill.cached < FILES, `the kill landed mid-sync (${atKill.cached} of ${FILES} cached)`);
  assert.deepEqual(atKill.bad, [], "no row points at a missing or partial blob");

  const second = await startWorker();
  const t1 = Date.now();
  // BullMQ hands the killed worker's jobs out again once their locks expire (worker-main.ts: 15 s).
  await waitFor(async () => (await cachedCount()) === FILES, 150_000, "every file cached");
  await waitFor(async () => (await listSyncRuns(side.db, side.index.id, 1))[0]?.state === "finished", 30_000, "the run to finish");
  t.diagnostic(`all cached ${Date.now() - t1} ms after the restart`);
  const end = await checkCachedBlobs(side);
  assert.equal(end.cached, FILES);
  assert.deepEqual(end.bad, []);
  // Killed while still walking dependencies, the sync job itself runs again under a new
  // SyncRun (the cut-short one is marked failed); either way the last run ends finished, clean.
  const runs = await listSyncRuns(side.db, side.index.id);
  assert.equal(runs[0]!.state, "finished");
  assert.deepEqual(runs[0]!.failures, []);
  for (const earlier of runs.slice(1)) assert.deepEqual(earlier.failures, [{ kind: "sync", error: "interrupted: the worker stopped while selecting" }]);

  // Graceful stop: SIGTERM closes the workers and exits 0.
  second.kill("SIGTERM");
  const code = await new Promise((resolve) => second.once("exit", (c) => resolve(c)));
  assert.equal(code, 0);
});
