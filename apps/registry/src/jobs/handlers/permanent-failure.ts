// The mirror's errors for bad upstream data become UnrecoverableJobError here, at the jobs'
// edge: retrying a hash mismatch, a file that is gone, or a URL the mirror refuses cannot fix it.
import { MirrorFileNotFound, UpstreamHashMismatch, UpstreamRefused } from "@wheelhouse/mirror";
import { UnrecoverableJobError } from "../queue/job-queue.ts";

export function rethrowPermanentAsUnrecoverable(err: unknown): never {
  if (err instanceof UpstreamHashMismatch || err instanceof MirrorFileNotFound || err instanceof UpstreamRefused) {
    throw new UnrecoverableJobError(err.message, { cause: err });
  }
  throw err;
}
