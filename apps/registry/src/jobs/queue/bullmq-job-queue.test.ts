// Against the machine's Redis (REDIS_URL or redis://127.0.0.1:6379): each test uses its own
// key prefix and deletes its keys afterwards.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { BullMqJobQueue } from "./bullmq-job-queue.ts";
import { MissingJobHandler, UnrecoverableJobError } from "./job-queue.ts";
import { deferred, handlersFrom, waitFor } from "../../../test/job-handlers.ts";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const admin = new Redis(redisUrl, { maxRetriesPerRequest: null });
const prefixes: string[] = [];

function newQueue(opts: Partial<ConstructorParameters<typeof BullMqJobQueue>[0]> = {}): BullMqJobQueue {
  const prefix = `wh-test-${randomBytes(4).toString("hex")}`;
  prefixes.push(prefix);
  return new BullMqJobQueue({ connection: redisUrl, prefix, backoffMs: 20, ...opts });
}

after(async () => {
  for (const prefix of prefixes) {
    let cursor = "0";
    do {
      const [next, keys] = await admin.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== "0");
  }
  await admin.quit();
});

describe("BullMqJobQueue", () => {
  it("refuses to start when a job has no handler", async () => {
    const queue = newQueue();
    const handlers = handlersFrom(async () => {}) as unknown as Record<string, unknown>;
    delete handlers.cleanup;
    await assert.rejects(queue.start(handlers as never), MissingJobHandler);
    await queue.close();
  });

  it("runs jobs in workers, with deterministic ids deduplicated while pending", async () => {
    const producer = newQueue();
    assert.equal(await producer.enqueue("file-fetch", { indexId: 1, fileId: 5 }, { jobId: "fetch-5" }), true);
    assert.equal(await producer.enqueue("file-fetch", { indexId: 1, fileId: 5 }, { jobId: "fetch-5" }), false);
    assert.equal((await producer.counts())["file-fetch"].waiting, 1);

    // The worker side: another instance on the same prefix, as `npm run worker` would be.
    const worker = new BullMqJobQueue({ connection: redisUrl, prefix: prefixes.at(-1)!, backoffMs: 20 });
    const seen: unknown[] = [];
    await worker.start(handlersFrom(async (c) => void seen.push([c.name, c.payload, c.ctx.jobId, c.ctx.attempt, c.ctx.maxAttempts])));
    await waitFor(() => seen.length === 1);
    assert.deepEqual(seen, [["file-fetch", { indexId: 1, fileId: 5 }, "fetch-5", 1, 5]]);
    await waitFor(async () => (await producer.counts())["file-fetch"].completed === 1);
    assert.equal(await producer.enqueue("file-fetch", { indexId: 1, fileId: 5 }, { jobId: "fetch-5" }), true, "a finished job makes room for a new run");
    await waitFor(() => seen.length === 2);
    await worker.close();
    await producer.close();
  });

  it("retries with backoff, stops at UnrecoverableError, and reports failures", async () => {
    const queue = newQueue({ attempts: 3 });
    const tries = new Map<string, number>();
    await queue.start(
      handlersFrom(async (c) => {
        tries.set(c.ctx.jobId, (tries.get(c.ctx.jobId) ?? 0) + 1);
        if (c.ctx.jobId === "fetch-1" && c.ctx.attempt < 3) throw new Error("flaky");
        if (c.ctx.jobId === "fetch-2") throw new Error("always down");
        if (c.ctx.jobId === "fetch-3") throw new UnrecoverableJobError("sha256 mismatch");
      }),
    );
    for (const id of [1, 2, 3]) await queue.enqueue("file-fetch", { indexId: 1, fileId: id }, { jobId: `fetch-${id}` });
    await waitFor(
      async () => {
        const c = (await queue.counts())["file-fetch"];
        return c.completed === 1 && c.failed === 2;
      },
      15_000,
      "two failures and one success",
    );
    assert.deepEqual(Object.fromEntries(tries), { "fetch-1": 3, "fetch-2": 3, "fetch-3": 1 });
    const failures = await queue.recentFailures(10);
    assert.deepEqual(failures.map((f) => [f.name, f.jobId, f.error, f.attempts]).sort(), [
      ["file-fetch", "fetch-2", "always down", 3],
      ["file-fetch", "fetch-3", "sha256 mismatch", 1],
    ]);
    assert.deepEqual(failures[0]!.payload, { indexId: 1, fileId: failures[0]!.jobId === "fetch-2" ? 2 : 3 });
    await queue.close();
  });

  it("schedules, lists and removes job schedulers", async () => {
    const queue = newQueue();
    const runs = deferred();
    let n = 0;
    await queue.start(
      handlersFrom(async (c) => {
        if (c.name === "mirror-sync" && ++n === 2) runs.resolve();
      }),
    );
    await queue.schedule("mirror-sync", { indexId: 9, trigger: "scheduled" }, 100, "sync-schedule-9");
    assert.deepEqual(await queue.scheduleIds(), ["sync-schedule-9"]);
    await runs.promise;
    await queue.unschedule("sync-schedule-9");
    assert.deepEqual(await queue.scheduleIds(), []);
    await queue.close();
  });

  it("close() lets running jobs finish (graceful shutdown)", async () => {
    const queue = newQueue();
    const started = deferred();
    let finished = false;
    await queue.start(
      handlersFrom(async () => {
        started.resolve();
        await new Promise((r) => setTimeout(r, 200));
        finished = true;
      }),
    );
    await queue.enqueue("cleanup", { graceSeconds: 0 }, { jobId: "cleanup-1" });
    await started.promise;
    await queue.close();
    assert.equal(finished, true);
  });
});
