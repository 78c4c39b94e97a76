// The job queue as the rest of Wheelhouse sees it. Two drivers: BullMQ on Redis (production,
// workers in their own process) and in-process (the embedded default). Handlers are the same.
import type { JobName, PayloadOf } from "../definitions.ts";
import { jobNames } from "../definitions.ts";

export interface EnqueueOptions {
  /** Deterministic id: while a job with this id is waiting, delayed or running, enqueueing again is a no-op. No ':'. */
  jobId?: string;
  delayMs?: number;
}

export interface JobStateCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

export interface JobFailure {
  name: JobName;
  jobId: string;
  payload: unknown;
  error: string;
  attempts: number;
  at: Date;
}

/** What a handler knows about the run it is in. */
export interface JobContext {
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** For handlers that queue follow-up work. */
  queue: Pick<JobQueue, "enqueue">;
}

export type JobHandler<N extends JobName> = (payload: PayloadOf<N>, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export interface JobQueue {
  /** "bullmq" | "in-process" (for logs and the admin API). */
  readonly kind: string;
  /**
   * Validates the payload against the job's schema and queues it. Resolves true when a job was
   * added, false when one with the same jobId was already waiting, delayed or running.
   */
  enqueue<N extends JobName>(name: N, payload: PayloadOf<N>, opts?: EnqueueOptions): Promise<boolean>;
  /** Runs `name` every `everyMs`; scheduling the same id again replaces it. */
  schedule<N extends JobName>(name: N, payload: PayloadOf<N>, everyMs: number, scheduleId: string): Promise<void>;
  unschedule(scheduleId: string): Promise<void>;
  /** Ids of the current schedules. */
  scheduleIds(): Promise<string[]>;
  counts(): Promise<Record<JobName, JobStateCounts>>;
  /** The newest jobs that failed for good (retries exhausted or unrecoverable), newest first. */
  recentFailures(limit: number): Promise<JobFailure[]>;
  /** Starts processing with these handlers. Throws MissingJobHandler when one is missing. */
  start(handlers: JobHandlers): Promise<void>;
  /** Stops taking jobs, lets running ones finish, releases timers and connections. */
  close(): Promise<void>;
}

/** Thrown by a handler when retrying cannot help (bad upstream data, a payload naming nothing). */
export class UnrecoverableJobError extends Error {
  override name = "UnrecoverableJobError";
}

export class MissingJobHandler extends Error {
  override name = "MissingJobHandler";
}

/** The worker refuses to start when a job has no handler. */
export function checkHandlers(handlers: Partial<Record<string, unknown>>): asserts handlers is JobHandlers {
  const missing = jobNames.filter((n) => typeof handlers[n] !== "function");
  if (missing.length > 0) throw new MissingJobHandler(`no handler for job${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
}

export function emptyCounts(): Record<JobName, JobStateCounts> {
  return Object.fromEntries(jobNames.map((n) => [n, { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 }])) as Record<JobName, JobStateCounts>;
}

/** Exponential backoff: base, 2×base, 4×base, … */
export function backoffDelay(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}

export function checkJobId(jobId: string): void {
  // BullMQ uses ':' as its key separator; a custom id must not contain one.
  if (jobId.includes(":")) throw new Error(`invalid job id ${JSON.stringify(jobId)}: ':' is not allowed`);
  if (/^\d+$/.test(jobId)) throw new Error(`invalid job id ${JSON.stringify(jobId)}: an integer id would clash with BullMQ's own`);
}
