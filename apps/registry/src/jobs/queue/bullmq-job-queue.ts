// The production driver: one BullMQ queue per job name on Redis; workers only in the process
// that calls start(). Retries with exponential backoff; UnrecoverableJobError becomes BullMQ's
// UnrecoverableError at this edge, so nothing above knows which driver runs.
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { jobDefinitions, jobNames, InvalidJobPayload, parsePayload, type JobName, type PayloadOf } from "../definitions.ts";
import {
  checkHandlers,
  checkJobId,
  emptyCounts,
  UnrecoverableJobError,
  type EnqueueOptions,
  type JobContext,
  type JobFailure,
  type JobHandlers,
  type JobQueue,
  type JobStateCounts,
} from "./job-queue.ts";

export interface BullMqJobQueueOptions {
  /** A redis:// URL, or a connection this queue shares (and does not close). */
  connection: string | Redis;
  /** Namespace of every Redis key (BullMQ's `prefix`). */
  prefix?: string;
  log?: Logger;
  attempts?: number;
  backoffMs?: number;
  concurrency?: Partial<Record<JobName, number>>;
  /** Finished jobs kept per queue, for counts and recentFailures(). */
  keepCompleted?: number;
  keepFailed?: number;
  /** BullMQ's lock duration: a job whose worker died is picked up again after about this long. */
  lockDurationMs?: number;
}

export class BullMqJobQueue implements JobQueue {
  readonly kind = "bullmq";
  readonly #connection: Redis;
  readonly #ownsConnection: boolean;
  readonly #prefix: string;
  readonly #log: Logger | undefined;
  readonly #opts: BullMqJobQueueOptions;
  readonly #jobOptions: JobsOptions;
  readonly #queues: Record<JobName, Queue>;
  readonly #workers: Worker[] = [];
  #closing: Promise<void> | null = null;

  constructor(opts: BullMqJobQueueOptions) {
    this.#opts = opts;
    this.#ownsConnection = typeof opts.connection === "string";
    // BullMQ's workers block on Redis: their connection must retry commands forever.
    this.#connection = typeof opts.connection === "string" ? new Redis(opts.connection, { maxRetriesPerRequest: null }) : opts.connection;
    this.#prefix = opts.prefix ?? "wheelhouse";
    this.#log = opts.log;
    this.#jobOptions = {
      attempts: opts.attempts ?? 5,
      backoff: { type: "exponential", delay: opts.backoffMs ?? 1000 },
      removeOnComplete: { count: opts.keepCompleted ?? 1000 },
      removeOnFail: { count: opts.keepFailed ?? 1000 },
    };
    this.#queues = Object.fromEntries(
      jobNames.map((name) => {
        const queue = new Queue(name, { connection: this.#connection, prefix: this.#prefix, defaultJobOptions: this.#jobOptions });
        queue.on("error", (err) => this.#log?.error({ err, queue: name }, "job queue error"));
        return [name, queue];
      }),
    ) as Record<JobName, Queue>;
  }

  async enqueue<N extends JobName>(name: N, payload: PayloadOf<N>, opts: EnqueueOptions = {}): Promise<boolean> {
    const data = parsePayload(name, payload);
    const queue = this.#queues[name];
    if (opts.jobId !== undefined) {
      checkJobId(opts.jobId);
      // BullMQ ignores an add whose id is still stored, finished or not; ours dedups only while
      // the job is pending, so a finished one makes room for the new run.
      const existing = await queue.getJob(opts.jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== "completed" && state !== "failed" && state !== "unknown") return false;
        await existing.remove().catch(() => {});
      }
    }
    await queue.add(name, data, { ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}), ...(opts.delayMs ? { delay: opts.delayMs } : {}) });
    return true;
  }

  async schedule<N extends JobName>(name: N, payload: PayloadOf<N>, everyMs: number, scheduleId: string): Promise<void> {
    const data = parsePayload(name, payload);
    checkJobId(scheduleId);
    for (const other of jobNames) if (other !== name) await this.#queues[other].removeJobScheduler(scheduleId);
    await this.#queues[name].upsertJobScheduler(scheduleId, { every: everyMs }, { name, data, opts: this.#jobOptions as never });
  }

  async unschedule(scheduleId: string): Promise<void> {
    for (const name of jobNames) await this.#queues[name].removeJobScheduler(scheduleId);
  }

  async scheduleIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const name of jobNames) for (const s of await this.#queues[name].getJobSchedulers()) ids.push(s.id ?? s.key);
    return ids;
  }

  async counts(): Promise<Record<JobName, JobStateCounts>> {
    const out = emptyCounts();
    for (const name of jobNames) {
      const c = await this.#queues[name].getJobCounts("waiting", "prioritized", "active", "completed", "failed", "delayed");
      out[name] = {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        delayed: c.delayed ?? 0,
      };
    }
    return out;
  }

  async recentFailures(limit: number): Promise<JobFailure[]> {
    const all: JobFailure[] = [];
    for (const name of jobNames) {
      for (const job of await this.#queues[name].getFailed(0, Math.max(0, limit - 1))) {
        if (!job) continue;
        all.push({
          name,
          jobId: String(job.id),
          payload: job.data,
          error: job.failedReason,
          attempts: job.attemptsMade,
          at: new Date(job.finishedOn ?? job.timestamp),
        });
      }
    }
    return all.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }

  async start(handlers: JobHandlers): Promise<void> {
    checkHandlers(handlers);
    if (this.#workers.length > 0) throw new Error("the job queue's workers are already started");
    for (const name of jobNames) {
      const handler = handlers[name] as (payload: unknown, ctx: JobContext) => Promise<unknown>;
      const worker = new Worker(name, (job: Job) => this.#process(name, handler, job), {
        connection: this.#connection,
        prefix: this.#prefix,
        concurrency: this.#opts.concurrency?.[name] ?? jobDefinitions[name].concurrency,
        ...(this.#opts.lockDurationMs ? { lockDuration: this.#opts.lockDurationMs, stalledInterval: this.#opts.lockDurationMs } : {}),
      });
      worker.on("error", (err) => this.#log?.error({ err, queue: name }, "job worker error"));
      worker.on("failed", (job, err) => this.#log?.warn({ err, job: name, jobId: job?.id, attempt: job?.attemptsMade }, "job failed"));
      this.#workers.push(worker);
    }
    await Promise.all(this.#workers.map((w) => w.waitUntilReady()));
  }

  async #process(name: JobName, handler: (payload: unknown, ctx: JobContext) => Promise<unknown>, job: Job): Promise<unknown> {
    let payload: unknown;
    try {
      payload = parsePayload(name, job.data);
    } catch (err) {
      if (err instanceof InvalidJobPayload) throw new UnrecoverableError(err.message);
      throw err;
    }
    try {
      return await handler(payload, {
        jobId: String(job.id),
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
        queue: this,
      });
    } catch (err) {
      if (err instanceof UnrecoverableJobError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  /** Graceful: workers finish their running jobs (worker.close()), then the connections go. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled(this.#workers.map((w) => w.close()));
      await Promise.allSettled(jobNames.map((n) => this.#queues[n].close()));
      if (this.#ownsConnection) await this.#connection.quit().catch(() => this.#connection.disconnect());
    })();
    return this.#closing;
  }

  /** Removes every key of this queue's prefix (tests only). */
  async obliterate(): Promise<void> {
    for (const name of jobNames) await this.#queues[name].obliterate({ force: true });
  }
}
