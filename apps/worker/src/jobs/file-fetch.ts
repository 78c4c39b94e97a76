// file-fetch: one mirrored file into storage (the mirror verifies its sha256 before the row
// points at it). Idempotent: a retry after a crash finds the file cached or fetches it whole.
import { UnrecoverableJobError, type JobContext } from "../queue/job-queue.ts";
import { realOrGiven } from "./mirror-of.ts";
import { jobIds, type PayloadOf } from "./definitions.ts";
import { recordFileDone, recordFileFailure } from "./sync-run-progress.ts";
import type { WorkerDeps } from "./worker-deps.ts";

export async function runFileFetch(deps: WorkerDeps, payload: PayloadOf<"file-fetch">, ctx: JobContext) {
  const { db } = deps;
  const { indexId, fileId, syncRunId } = payload;
  const index = await db.index.findUnique({ where: { id: indexId } });
  if (!index) return "index-gone";
  const mirror = await realOrGiven(deps);
  let outcome: "cached" | "already-cached";
  try {
    outcome = await mirror.cacheFile(index, fileId);
  } catch (err) {
    const final = err instanceof UnrecoverableJobError || ctx.attempt >= ctx.maxAttempts;
    if (final && syncRunId !== undefined) {
      const file = await db.file.findUnique({ where: { id: fileId }, select: { filename: true } });
      await recordFileFailure(db, syncRunId, { kind: "file", fileId, filename: file?.filename ?? null, error: err instanceof Error ? err.message : String(err) });
    }
    throw err;
  }
  const file = await db.file.findUnique({ where: { id: fileId }, select: { filename: true, size: true, packageType: true, coreMetadata: true } });
  if (file && file.filename.endsWith(".whl") && !file.coreMetadata) {
    await ctx.queue.enqueue("metadata-extract", { indexId, fileId }, { jobId: jobIds.metadata(fileId) });
  }
  if (syncRunId !== undefined) await recordFileDone(db, syncRunId, file?.size ?? 0n);
  return outcome;
}
