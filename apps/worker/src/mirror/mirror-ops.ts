// What the worker needs from @wheelhouse/mirror, as an interface: the jobs and the selection
// receive it, so tests can hand them a fake upstream.
import type { Index } from "@wheelhouse/db";
import type { NormalizedName } from "@wheelhouse/packaging";

export interface MirrorOps {
  /** Refresh one project page into Project/Release/File rows; null when upstream has no such project. */
  ensureProject(index: Index, name: NormalizedName, opts?: { force?: boolean }): Promise<{ projectId: number } | null>;
  /**
   * Fetch one file into storage, verified by sha256. Throws UnrecoverableJobError when retrying
   * cannot help (hash mismatch, no such file), anything else when it may.
   */
  cacheFile(index: Index, fileId: number): Promise<"cached" | "already-cached">;
  /** PEP 658 metadata text of a file, from upstream or from the cached wheel. */
  ensureMetadata(index: Index, fileId: number): Promise<string | null>;
}
