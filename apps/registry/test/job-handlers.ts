// Handlers for queue tests: every job name answered by one recording function.
import { jobNames, type JobName } from "../src/jobs/definitions.ts";
import type { JobContext, JobHandlers } from "../src/jobs/queue/job-queue.ts";

export type Call = { name: JobName; payload: unknown; ctx: JobContext };

export function handlersFrom(fn: (call: Call) => Promise<unknown>): JobHandlers {
  return Object.fromEntries(jobNames.map((name) => [name, (payload: unknown, ctx: JobContext) => fn({ name, payload, ctx })])) as unknown as JobHandlers;
}

export function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
