// What the registry's admin API calls: trigger a sync, read job counts and failures, list runs.
import type { Db } from "@wheelhouse/db";
import { jobIds, type JobName } from "./definitions.ts";
import { describeSyncRun } from "./sync-run-progress.ts";
import type { JobFailure, JobQueue, JobStateCounts } from "./queue/job-queue.ts";

/** Queues a manual sync of a mirror index. false: one is already waiting or running. */
export function triggerMirrorSync(queue: JobQueue, indexId: number): Promise<boolean> {
  return queue.enqueue("mirror-sync", { indexId, trigger: "manual" }, { jobId: jobIds.sync(indexId) });
}

/** Queues a garbage collection (the cleanup job). */
export function triggerCleanup(queue: JobQueue, graceSeconds = 3600): Promise<boolean> {
  return queue.enqueue("cleanup", { graceSeconds }, { jobId: "cleanup-manual" });
}

export interface JobStatus {
  queue: string;
  counts: Record<JobName, JobStateCounts>;
  failures: (Omit<JobFailure, "at"> & { at: string })[];
}

export async function jobStatus(queue: JobQueue, failureLimit = 20): Promise<JobStatus> {
  const [counts, failures] = await Promise.all([queue.counts(), queue.recentFailures(failureLimit)]);
  return { queue: queue.kind, counts, failures: failures.map((f) => ({ ...f, at: f.at.toISOString() })) };
}

/** The newest sync runs of an index, JSON-ready. */
export async function listSyncRuns(db: Db, indexId: number, limit = 20) {
  const runs = await db.syncRun.findMany({ where: { indexId }, orderBy: { id: "desc" }, take: limit });
  return runs.map(describeSyncRun);
}
