// MirrorOps backed by @wheelhouse/mirror. The mirror's errors for bad upstream data become
// UnrecoverableJobError here, at the edge: retrying a hash mismatch, or a file URL the mirror
// refuses to fetch, cannot fix it.
import type { Db } from "@wheelhouse/db";
import { cacheMirrorFile, ensureMirrorMetadata, ensureMirrorProject, MirrorFileNotFound, UpstreamHashMismatch, UpstreamRefused } from "@wheelhouse/mirror";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "pino";
import { UnrecoverableJobError } from "../queue/job-queue.ts";
import type { MirrorOps } from "./mirror-ops.ts";

function permanent(err: unknown): never {
  if (err instanceof UpstreamHashMismatch || err instanceof MirrorFileNotFound || err instanceof UpstreamRefused) {
    throw new UnrecoverableJobError(err.message, { cause: err });
  }
  throw err;
}

export function realMirrorOps(deps: { db: Db; store: BlobStore; log: Logger }): MirrorOps {
  const mirrorDeps = { db: deps.db, store: deps.store, log: deps.log };
  return {
    ensureProject: (index, name, opts) => ensureMirrorProject(mirrorDeps, index, name, opts),
    cacheFile: (index, fileId) => cacheMirrorFile(mirrorDeps, index, fileId).catch(permanent),
    ensureMetadata: (index, fileId) => ensureMirrorMetadata(mirrorDeps, index, fileId).catch(permanent),
  };
}
