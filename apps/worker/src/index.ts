// @wheelhouse/worker: the mirror's background jobs, their queue (BullMQ on Redis, or in-process
// in the embedded default), and the sync selection.
import type { Logger } from "pino";
import { createJobHandlers } from "./jobs/handlers.ts";
import type { WorkerDeps } from "./jobs/worker-deps.ts";
import { BullMqJobQueue } from "./queue/bullmq-job-queue.ts";
import { InProcessJobQueue } from "./queue/in-process-job-queue.ts";
import type { JobQueue } from "./queue/job-queue.ts";

export type { WorkerDeps } from "./jobs/worker-deps.ts";
export type { MirrorOps } from "./mirror/mirror-ops.ts";
export { jobDefinitions, jobIds, jobNames, InvalidJobPayload, type JobName, type PayloadOf } from "./jobs/definitions.ts";
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
export { createJobHandlers } from "./jobs/handlers.ts";
export { describeSyncRun, type SyncFailure } from "./jobs/sync-run-progress.ts";
export { syncMirrorSchedules, scheduleCleanup } from "./schedules.ts";
export { triggerMirrorSync, triggerCleanup, jobStatus, listSyncRuns, type JobStatus } from "./admin.ts";
export {
  syncSelectionSchema,
  parseSyncSelection,
  InvalidSyncSelection,
  type SyncSelection,
  type SyncSelectionInput,
} from "./selection/sync-selection.ts";
export { selectMirrorFiles, type FileRow, type MirrorSelection, type SelectOptions, type SelectionDeps } from "./selection/select-mirror-files.ts";

/**
 * The queue for this configuration: BullMQ when REDIS_URL is set (workers run in
 * `npm run worker`), otherwise in-process (the embedded default; call startJobHandlers too).
 */
export function createJobQueue(config: { redisUrl?: string | undefined }, deps: { log: Logger }): JobQueue {
  if (config.redisUrl) return new BullMqJobQueue({ connection: config.redisUrl, log: deps.log });
  return new InProcessJobQueue({ log: deps.log });
}

/** Runs the job handlers on this queue, in this process. Throws when a job has no handler. */
export async function startJobHandlers(queue: JobQueue, deps: WorkerDeps): Promise<void> {
  await queue.start(createJobHandlers(deps));
}
