// The embedded default: the same handlers, run in this process with a concurrency limit per job,
// retries with exponential backoff and dedup by jobId. Nothing survives a restart: a sync that
// was cut short is simply run again by its schedule or the next manual trigger.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { jobDefinitions, jobNames, parsePayload, type JobName, type PayloadOf } from "../definitions.ts";
import {
  backoffDelay,
  checkHandlers,
  checkJobId,
  emptyCounts,
  UnrecoverableJobError,
  type EnqueueOptions,
  type JobFailure,
  type JobHandlers,
  type JobQueue,
  type JobStateCounts,
} from "./job-queue.ts";

export interface InProcessJobQueueOptions {
  log?: Logger;
  attempts?: number;
  backoffMs?: number;
  concurrency?: Partial<Record<JobName, number>>;
  /** How many failures recentFailures() remembers. */
  keepFailures?: number;
}

interface Entry {
  name: JobName;
  jobId: string;
  payload: unknown;
  attempt: number;
  state: "waiting" | "delayed" | "active";
  timer?: NodeJS.Timeout;
}

export class InProcessJobQueue implements JobQueue {
  readonly kind = "in-process";
  readonly #log: Logger | undefined;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #concurrency: Record<JobName, number>;
  readonly #keepFailures: number;
  readonly #entries = new Map<string, Entry>();
  readonly #waiting = new Map<JobName, Entry[]>(jobNames.map((n) => [n, []]));
  readonly #active = new Map<JobName, number>(jobNames.map((n) => [n, 0]));
  readonly #done = new Map<JobName, { completed: number; failed: number }>(jobNames.map((n) => [n, { completed: 0, failed: 0 }]));
  readonly #failures: JobFailure[] = [];
  readonly #schedules = new Map<string, NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #handlers: JobHandlers | null = null;
  #closed = false;

  constructor(opts: InProcessJobQueueOptions = {}) {
    this.#log = opts.log;
    this.#attempts = opts.attempts ?? 5;
    this.#backoffMs = opts.backoffMs ?? 1000;
    this.#keepFailures = opts.keepFailures ?? 100;
    this.#concurrency = Object.fromEntries(jobNames.map((n) => [n, opts.concurrency?.[n] ?? jobDefinitions[n].concurrency])) as Record<JobName, number>;
  }

  async enqueue<N extends JobName>(name: N, payload: PayloadOf<N>, opts: EnqueueOptions = {}): Promise<boolean> {
    if (this.#closed) throw new Error("the job queue is closed");
    const data = parsePayload(name, payload);
    if (opts.jobId !== undefined) checkJobId(opts.jobId);
    const jobId = opts.jobId ?? `${name}-${randomUUID()}`;
    if (this.#entries.has(jobId)) return false;
    const entry: Entry = { name, jobId, payload: data, attempt: 1, state: "waiting" };
    this.#entries.set(jobId, entry);
    if (opts.delayMs && opts.delayMs > 0) this.#delay(entry, opts.delayMs);
    else this.#push(entry);
    return true;
  }

  async schedule<N extends JobName>(name: N, payload: PayloadOf<N>, everyMs: number, scheduleId: string): Promise<void> {
    parsePayload(name, payload);
    checkJobId(scheduleId);
    await this.unschedule(scheduleId);
    const timer = setInterval(() => {
      this.enqueue(name, payload).catch((err: unknown) => this.#log?.error({ err, scheduleId }, "scheduled job not queued"));
    }, everyMs);
    timer.unref();
    this.#schedules.set(scheduleId, timer);
  }

  async unschedule(scheduleId: string): Promise<void> {
    const timer = this.#schedules.get(scheduleId);
    if (timer) clearInterval(timer);
    this.#schedules.delete(scheduleId);
  }

  async scheduleIds(): Promise<string[]> {
    return [...this.#schedules.keys()];
  }

  async counts(): Promise<Record<JobName, JobStateCounts>> {
    const out = emptyCounts();
    for (const e of this.#entries.values()) out[e.name][e.state]++;
    for (const [name, d] of this.#done) {
      out[name].completed = d.completed;
      out[name].failed = d.failed;
    }
    return out;
  }

  async recentFailures(limit: number): Promise<JobFailure[]> {
    return this.#failures.slice(0, limit);
  }

  async start(handlers: JobHandlers): Promise<void> {
    checkHandlers(handlers);
    this.#handlers = handlers;
    for (const name of jobNames) this.#pump(name);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#schedules.values()) clearInterval(timer);
    this.#schedules.clear();
    for (const e of this.#entries.values()) if (e.timer) clearTimeout(e.timer);
    for (const list of this.#waiting.values()) list.length = 0;
    // Graceful: jobs already running finish (their follow-ups are refused).
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    this.#entries.clear();
  }

  #push(entry: Entry): void {
    entry.state = "waiting";
    this.#waiting.get(entry.name)!.push(entry);
    this.#pump(entry.name);
  }

  #delay(entry: Entry, ms: number): void {
    entry.state = "delayed";
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!this.#closed) this.#push(entry);
    }, ms);
    entry.timer.unref();
  }

  #pump(name: JobName): void {
    if (!this.#handlers || this.#closed) return;
    const waiting = this.#waiting.get(name)!;
    while (waiting.length > 0 && this.#active.get(name)! < this.#concurrency[name]) {
      const entry = waiting.shift()!;
      this.#active.set(name, this.#active.get(name)! + 1);
      entry.state = "active";
      const run = this.#run(entry).finally(() => {
        this.#running.delete(run);
        this.#active.set(name, this.#active.get(name)! - 1);
        this.#pump(name);
      });
      this.#running.add(run);
    }
  }

  async #run(entry: Entry): Promise<void> {
    const handler = this.#handlers![entry.name] as (payload: unknown, ctx: Parameters<JobHandlers[JobName]>[1]) => Promise<unknown>;
    try {
      await handler(entry.payload, { jobId: entry.jobId, attempt: entry.attempt, maxAttempts: this.#attempts, queue: this });
      this.#entries.delete(entry.jobId);
      this.#done.get(entry.name)!.completed++;
    } catch (err) {
      const final = err instanceof UnrecoverableJobError || entry.attempt >= this.#attempts || this.#closed;
      this.#log?.warn({ err, job: entry.name, jobId: entry.jobId, attempt: entry.attempt, final }, "job failed");
      if (!final) {
        entry.attempt++;
        this.#delay(entry, backoffDelay(entry.attempt - 1, this.#backoffMs));
        return;
      }
      this.#entries.delete(entry.jobId);
      this.#done.get(entry.name)!.failed++;
      this.#failures.unshift({
        name: entry.name,
        jobId: entry.jobId,
        payload: entry.payload,
        error: err instanceof Error ? err.message : String(err),
        attempts: entry.attempt,
        at: new Date(),
      });
      this.#failures.length = Math.min(this.#failures.length, this.#keepFailures);
    }
  }
}
