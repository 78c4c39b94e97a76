// metadata-extract: PEP 658 metadata for a cached wheel upstream served without it.
import type { JobContext } from "../queue/job-queue.ts";
import type { PayloadOf } from "../definitions.ts";
import type { JobDeps } from "./job-deps.ts";
import { rethrowPermanentAsUnrecoverable } from "./permanent-failure.ts";

export async function runMetadataExtract(deps: JobDeps, payload: PayloadOf<"metadata-extract">, _ctx: JobContext) {
  const index = await deps.db.index.findUnique({ where: { id: payload.indexId } });
  if (!index) return "index-gone";
  const text = await deps.mirror.ensureMetadata(index, payload.fileId).catch(rethrowPermanentAsUnrecoverable);
  return text === null ? "no-metadata" : "extracted";
}
