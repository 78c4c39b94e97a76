// metadata-extract: PEP 658 metadata for a cached wheel upstream served without it.
import type { JobContext } from "../queue/job-queue.ts";
import type { PayloadOf } from "./definitions.ts";
import { realOrGiven } from "./mirror-of.ts";
import type { WorkerDeps } from "./worker-deps.ts";

export async function runMetadataExtract(deps: WorkerDeps, payload: PayloadOf<"metadata-extract">, _ctx: JobContext) {
  const index = await deps.db.index.findUnique({ where: { id: payload.indexId } });
  if (!index) return "index-gone";
  const text = await (await realOrGiven(deps)).ensureMetadata(index, payload.fileId);
  return text === null ? "no-metadata" : "extracted";
}
