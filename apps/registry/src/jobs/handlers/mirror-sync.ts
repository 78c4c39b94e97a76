// mirror-sync: one SyncRun per run; refresh the selected pages (conditional requests, or none
// when upstream's serial says a page did not change), queue a file-fetch for every selected
// file not cached yet. The file jobs finish the run (sync-run-progress.ts).
import { UnrecoverableJobError, type JobContext } from "../queue/job-queue.ts";
import { InvalidSyncSelection, parseSyncSelection, selectMirrorFiles, type FileRow, type SyncSelection } from "@wheelhouse/mirror";
import { jobIds, type PayloadOf } from "../definitions.ts";
import { finishIfDone, type SyncFailure } from "../sync-run-progress.ts";
import type { JobDeps } from "./job-deps.ts";

export async function runMirrorSync(deps: JobDeps, payload: PayloadOf<"mirror-sync">, ctx: JobContext) {
  const { db, log } = deps;
  const { indexId, trigger } = payload;
  // Scheduled runs arrive under the scheduler's ids: route them through the deterministic id,
  // so a sync of one index never runs twice at once.
  const wanted = jobIds.sync(indexId);
  if (ctx.jobId !== wanted) {
    const queued = await ctx.queue.enqueue("mirror-sync", payload, { jobId: wanted });
    return { requeued: queued };
  }
  const index = await db.index.findUnique({ where: { id: indexId } });
  if (!index) return { skipped: "the index no longer exists" };
  if (index.kind !== "mirror" || !index.upstreamUrl) throw new UnrecoverableJobError(`index '${index.name}' is not a mirror with an upstream URL`);

  // Only one sync per index runs (the job id); a run still selecting was cut short by a crash.
  const interrupted: SyncFailure[] = [{ kind: "sync", error: "interrupted: the worker stopped while selecting" }];
  await db.syncRun.updateMany({ where: { indexId, state: "running" }, data: { state: "failed", finishedAt: new Date(), failures: interrupted } });
  const run = await db.syncRun.create({ data: { indexId, trigger } });
  try {
    let selection: SyncSelection;
    try {
      selection = parseSyncSelection(index.syncSelection);
    } catch (err) {
      if (!(err instanceof InvalidSyncSelection)) throw err;
      await db.syncRun.update({ where: { id: run.id }, data: { state: "failed", finishedAt: new Date(), failures: [{ kind: "sync", error: err.message }] } });
      return { syncRunId: run.id, state: "failed", error: err.message };
    }
    // File fetches start while the dependency walk goes on: filesQueued grows before each
    // enqueue, and the run can only finish once it is "fetching" (the walk is over).
    let queued = 0;
    const enqueueFetches = async (files: FileRow[]) => {
      const pending = files.filter((f) => f.storageKey === null);
      if (pending.length === 0) return;
      await db.syncRun.update({ where: { id: run.id }, data: { filesQueued: { increment: pending.length } } });
      let alreadyQueued = 0;
      for (const file of pending) {
        const added = await ctx.queue.enqueue("file-fetch", { indexId, fileId: file.id, syncRunId: run.id }, { jobId: jobIds.fetch(file.id) });
        // A fetch of this file is already pending (another run, or a client's request): not this run's to count.
        if (!added) alreadyQueued++;
      }
      if (alreadyQueued > 0) await db.syncRun.update({ where: { id: run.id }, data: { filesQueued: { decrement: alreadyQueued } } });
      queued += pending.length - alreadyQueued;
    };
    const result = await selectMirrorFiles(deps, index, selection, { force: true, onSelected: enqueueFetches });
    const problems: SyncFailure[] = result.problems.map((problem) => ({ kind: "selection", problem }));
    // File failures recorded meanwhile stay; the selection's problems go first.
    await db.$executeRaw`UPDATE "SyncRun" SET "projects" = ${result.projects.length}, "state" = 'fetching',
      "failures" = ${JSON.stringify(problems)}::jsonb || "failures" WHERE "id" = ${run.id}`;
    await finishIfDone(db, run.id);
    log.info(
      {
        index: index.name,
        syncRunId: run.id,
        projects: result.projects.length,
        files: result.files.length,
        queued,
        ...result.stats,
        problems: result.problems.length,
      },
      "mirror sync: files queued",
    );
    return { syncRunId: run.id, selected: result.files.length, queued, ...result.stats };
  } catch (err) {
    const failure: SyncFailure = { kind: "sync", error: err instanceof Error ? err.message : String(err) };
    await db.syncRun.update({ where: { id: run.id }, data: { state: "failed", finishedAt: new Date(), failures: [failure] } }).catch(() => {});
    throw err;
  }
}
