// file-fetch: one mirrored file into storage (the mirror verifies its sha256 before the row
// points at it). Idempotent: a retry after a crash finds the file cached or fetches it whole.
import type { CachedFile } from "@wheelhouse/mirror";
import { UnrecoverableJobError, type JobContext } from "../queue/job-queue.ts";
import { jobIds, type PayloadOf } from "../definitions.ts";
import type { JobDeps } from "./job-deps.ts";
import { rethrowPermanentAsUnrecoverable } from "./permanent-failure.ts";
import { recordFileDone, recordFileFailure } from "../sync-run-progress.ts";

export async function runFileFetch(deps: JobDeps, payload: PayloadOf<"file-fetch">, ctx: JobContext) {
  const { db } = deps;
  const { indexId, fileId, syncRunId } = payload;
  const index = await db.index.findUnique({ where: { id: indexId } });
  if (!index) return "index-gone";
  let cached: CachedFile;
  try {
    cached = await deps.mirror.cacheFile(index, fileId).catch(rethrowPermanentAsUnrecoverable);
  } catch (err) {
    const final = err instanceof UnrecoverableJobError || ctx.attempt >= ctx.maxAttempts;
    if (final && syncRunId !== undefined) {
      const row = await db.file.findUnique({ where: { id: fileId }, select: { filename: true } });
      const error = err instanceof Error ? err.message : String(err);
      await recordFileFailure(db, syncRunId, { kind: "file", fileId, filename: row?.filename ?? null, error });
    }
    throw err;
  }
  const { file, outcome } = cached;
  if (file.filename.endsWith(".whl") && !file.coreMetadata) {
    await ctx.queue.enqueue("metadata-extract", { indexId, fileId }, { jobId: jobIds.metadata(fileId) });
  }
  if (syncRunId !== undefined) await recordFileDone(db, syncRunId, file.size ?? 0n);
  return outcome;
}
