import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidJobPayload } from "../definitions.ts";
import { InProcessJobQueue } from "./in-process-job-queue.ts";
import { MissingJobHandler, UnrecoverableJobError } from "./job-queue.ts";
import { deferred, handlersFrom, waitFor, type Call } from "../../../test/job-handlers.ts";

describe("InProcessJobQueue", () => {
  it("refuses to start when a job has no handler", async () => {
    const queue = new InProcessJobQueue();
    const handlers = handlersFrom(async () => {}) as unknown as Record<string, unknown>;
    delete handlers["metadata-extract"];
    await assert.rejects(
      queue.start(handlers as never),
      (err: unknown) => err instanceof MissingJobHandler && err.message === "no handler for job metadata-extract",
    );
    await queue.close();
  });

  it("validates payloads against the job's schema, naming the field", async () => {
    const queue = new InProcessJobQueue();
    await assert.rejects(
      queue.enqueue("file-fetch", { indexId: 1, fileId: -3 } as never),
      (err: unknown) => err instanceof InvalidJobPayload && err.message.startsWith("file-fetch: fileId: "),
    );
    await assert.rejects(queue.enqueue("cleanup", { graceSeconds: 1 }, { jobId: "a:b" }), /':' is not allowed/);
    await queue.close();
  });

  it("runs queued jobs once started, and counts them", async () => {
    const queue = new InProcessJobQueue();
    const seen: Call[] = [];
    await queue.enqueue("cleanup", { graceSeconds: 5 });
    await queue.enqueue("file-fetch", { indexId: 1, fileId: 2 }, { jobId: "fetch-2" });
    assert.equal((await queue.counts())["file-fetch"].waiting, 1);
    await queue.start(handlersFrom(async (c) => void seen.push(c)));
    await waitFor(() => seen.length === 2);
    assert.deepEqual(seen.map((c) => [c.name, c.payload, c.ctx.attempt]).sort(), [
      ["cleanup", { graceSeconds: 5 }, 1],
      ["file-fetch", { indexId: 1, fileId: 2 }, 1],
    ]);
    await waitFor(async () => (await queue.counts())["file-fetch"].completed === 1);
    assert.deepEqual((await queue.counts())["file-fetch"], { waiting: 0, active: 0, completed: 1, failed: 0, delayed: 0 });
    await queue.close();
  });

  it("dedups by jobId while a job is queued or running, not after", async () => {
    const queue = new InProcessJobQueue();
    const gate = deferred();
    let runs = 0;
    await queue.start(
      handlersFrom(async () => {
        runs++;
        await gate.promise;
      }),
    );
    assert.equal(await queue.enqueue("file-fetch", { indexId: 1, fileId: 7 }, { jobId: "fetch-7" }), true);
    assert.equal(await queue.enqueue("file-fetch", { indexId: 1, fileId: 7 }, { jobId: "fetch-7" }), false);
    await waitFor(() => runs === 1);
    assert.equal(await queue.enqueue("file-fetch", { indexId: 1, fileId: 7 }, { jobId: "fetch-7" }), false, "running");
    gate.resolve();
    await waitFor(async () => (await queue.counts())["file-fetch"].completed === 1);
    assert.equal(await queue.enqueue("file-fetch", { indexId: 1, fileId: 7 }, { jobId: "fetch-7" }), true, "finished: room for a new run");
    await waitFor(() => runs === 2);
    await queue.close();
  });

  it("keeps to each job's concurrency", async () => {
    const queue = new InProcessJobQueue({ concurrency: { "file-fetch": 3 } });
    let active = 0;
    let peak = 0;
    let done = 0;
    await queue.start(
      handlersFrom(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        done++;
      }),
    );
    for (let i = 1; i <= 20; i++) await queue.enqueue("file-fetch", { indexId: 1, fileId: i }, { jobId: `fetch-${i}` });
    await waitFor(() => done === 20);
    assert.equal(peak, 3);
    await queue.close();
  });

  it("retries with exponential backoff, then records the failure", async () => {
    const queue = new InProcessJobQueue({ attempts: 4, backoffMs: 20 });
    const at: number[] = [];
    await queue.start(
      handlersFrom(async (c) => {
        at.push(Date.now());
        if (c.ctx.attempt < 3) throw new Error(`flaky ${c.ctx.attempt}`);
      }),
    );
    await queue.enqueue("metadata-extract", { indexId: 1, fileId: 1 }, { jobId: "metadata-1" });
    await waitFor(async () => (await queue.counts())["metadata-extract"].completed === 1);
    assert.equal(at.length, 3);
    assert.ok(at[1]! - at[0]! >= 18, `first retry after ~20 ms (${at[1]! - at[0]!})`);
    assert.ok(at[2]! - at[1]! >= 38, `second retry after ~40 ms (${at[2]! - at[1]!})`);

    const failing = new InProcessJobQueue({ attempts: 3, backoffMs: 1 });
    let tries = 0;
    await failing.start(
      handlersFrom(async () => {
        tries++;
        throw new Error("upstream is down");
      }),
    );
    await failing.enqueue("file-fetch", { indexId: 1, fileId: 9 }, { jobId: "fetch-9" });
    await waitFor(async () => (await failing.counts())["file-fetch"].failed === 1);
    assert.equal(tries, 3);
    const [failure] = await failing.recentFailures(10);
    assert.deepEqual(
      { ...failure, at: undefined },
      { name: "file-fetch", jobId: "fetch-9", payload: { indexId: 1, fileId: 9 }, error: "upstream is down", attempts: 3, at: undefined },
    );
    await failing.close();
    await queue.close();
  });

  it("does not retry an UnrecoverableJobError", async () => {
    const queue = new InProcessJobQueue({ attempts: 5, backoffMs: 1 });
    let tries = 0;
    await queue.start(
      handlersFrom(async () => {
        tries++;
        throw new UnrecoverableJobError("hash mismatch");
      }),
    );
    await queue.enqueue("file-fetch", { indexId: 1, fileId: 3 }, { jobId: "fetch-3" });
    await waitFor(async () => (await queue.counts())["file-fetch"].failed === 1);
    assert.equal(tries, 1);
    assert.equal((await queue.recentFailures(1))[0]?.attempts, 1);
    await queue.close();
  });

  it("delays, schedules on an interval, and close() waits for running jobs", async () => {
    const queue = new InProcessJobQueue();
    const ran: string[] = [];
    const slow = deferred();
    await queue.start(
      handlersFrom(async (c) => {
        ran.push(c.name);
        if (c.name === "metadata-extract") await slow.promise;
      }),
    );
    const t0 = Date.now();
    await queue.enqueue("cleanup", { graceSeconds: 0 }, { delayMs: 50 });
    assert.equal((await queue.counts()).cleanup.delayed, 1);
    await waitFor(() => ran.includes("cleanup"));
    assert.ok(Date.now() - t0 >= 45);

    await queue.schedule("mirror-sync", { indexId: 4, trigger: "scheduled" }, 20, "sync-schedule-4");
    assert.deepEqual(await queue.scheduleIds(), ["sync-schedule-4"]);
    await waitFor(() => ran.filter((n) => n === "mirror-sync").length >= 2);
    await queue.unschedule("sync-schedule-4");
    assert.deepEqual(await queue.scheduleIds(), []);

    await queue.enqueue("metadata-extract", { indexId: 1, fileId: 1 });
    await waitFor(() => ran.includes("metadata-extract"));
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(closed, false, "close waits for the running job");
    slow.resolve();
    await closing;
    await assert.rejects(queue.enqueue("cleanup", { graceSeconds: 0 }), /closed/);
  });
});
