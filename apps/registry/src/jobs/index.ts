// The registry's background jobs: job definitions (definitions.ts), their handlers (handlers/),
// the queue drivers (queue/: BullMQ on Redis, or in-process in the embedded default), the
// schedules and what the admin API asks of them. The registry enqueues; the handlers run in
// `npm run worker` (worker-main.ts) with REDIS_URL, or inside the registry without it.
import type { Logger } from "pino";
import { createJobHandlers } from "./handlers/job-handlers.ts";
import type { JobDeps } from "./handlers/job-deps.ts";
import { BullMqJobQueue } from "./queue/bullmq-job-queue.ts";
import { InProcessJobQueue } from "./queue/in-process-job-queue.ts";
import type { JobQueue } from "./queue/job-queue.ts";

export type { JobDeps } from "./handlers/job-deps.ts";
export { jobDefinitions, jobIds, jobNames, InvalidJobPayload, type JobName, type PayloadOf } from "./definitions.ts";
export {
  UnrecoverableJobError,
  MissingJobHandler,
  type EnqueueOptions,
  type JobContext,
  type JobFailure,
  type JobHandler,
  type JobHandlers,
  type JobQueue,
  type JobStateCounts,
} from "./queue/job-queue.ts";
export { BullMqJobQueue, type BullMqJobQueueOptions } from "./queue/bullmq-job-queue.ts";
export { InProcessJobQueue, type InProcessJobQueueOptions } from "./queue/in-process-job-queue.ts";
export { createJobHandlers } from "./handlers/job-handlers.ts";
export { describeSyncRun, type SyncFailure } from "./sync-run-progress.ts";
export { syncMirrorSchedules, scheduleCleanup } from "./schedules.ts";
export { triggerMirrorSync, triggerCleanup, jobStatus, listSyncRuns, type JobStatus } from "./job-admin.ts";

/**
 * The queue for this configuration: BullMQ when REDIS_URL is set (handlers run in
 * `npm run worker`), otherwise in-process (the embedded default; call startJobHandlers too).
 */
export function createJobQueue(config: { redisUrl?: string | undefined }, deps: { log: Logger }): JobQueue {
  if (config.redisUrl) return new BullMqJobQueue({ connection: config.redisUrl, log: deps.log });
  return new InProcessJobQueue({ log: deps.log });
}

/** Runs the job handlers on this queue, in this process. Throws when a job has no handler. */
export async function startJobHandlers(queue: JobQueue, deps: JobDeps): Promise<void> {
  await queue.start(createJobHandlers(deps));
}
