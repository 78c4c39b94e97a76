// Pull-through for files: stored copies are streamed from storage; the first request for an
// uncached file streams it from upstream while it is stored; concurrent requests wait for that
// one fetch and then read the stored copy.
import type { Readable } from "node:stream";
import type { File } from "@wheelhouse/db";
import { BlobNotFound, type ByteRange } from "@wheelhouse/storage";
import { runningDownload, startDownload } from "./fetch-mirror-file.ts";
import { loadMirrorFile } from "./load-mirror-file.ts";
import type { MirrorContext, MirrorIndexRow } from "./mirror-deps.ts";

/**
 * A readable for a mirrored file, and the file's whole size (also for a range: the caller
 * resolved the range against it). An uncached file's bytes arrive from upstream with the last
 * chunk held back until they are verified: the stream errors (UpstreamHashMismatch,
 * UpstreamUnavailable) rather than end on bytes that are not upstream's. Read the stream to its
 * end or destroy it. Throws UpstreamUnavailable when upstream does not answer with the file.
 */
export async function openMirrorFile(
  deps: MirrorContext,
  index: MirrorIndexRow,
  fileId: number,
  range?: ByteRange,
): Promise<{ stream: Readable; size: number }> {
  const file = await loadMirrorFile(deps, index, fileId);
  if (file.storageKey) {
    const stream = await readStored(deps, file, file.storageKey, range);
    if (stream) return { stream, size: Number(file.size) };
  }
  // No await between looking for a running download and starting one: one fetch per file.
  const running = runningDownload(deps, index.id, file.id);
  if (running || range) {
    // A range of an uncached file: fetch it whole first, then serve the range from storage.
    const stored = await (running ?? startDownload(deps, index, file, false)).done;
    return { stream: await deps.store.get(stored.storageKey, range), size: stored.size };
  }
  const download = startDownload(deps, index, file, true);
  const { size } = await download.started;
  if (size !== null) return { stream: download.live!, size };
  // Upstream sends no length and the page gave none: the caller needs one, so the file is fetched
  // whole first (dropping the live stream does not stop the fetch).
  download.live!.destroy();
  const stored = await download.done;
  return { stream: await deps.store.get(stored.storageKey), size: stored.size };
}

/** Fetch a mirrored file into storage without serving it (sync jobs). Idempotent; shares a running fetch. */
export async function cacheMirrorFile(deps: MirrorContext, index: MirrorIndexRow, fileId: number): Promise<"cached" | "already-cached"> {
  const file = await loadMirrorFile(deps, index, fileId);
  if (file.storageKey && (await deps.store.head(file.storageKey))) return "already-cached";
  const running = runningDownload(deps, index.id, file.id);
  await (running ?? startDownload(deps, index, file, false)).done;
  return "cached";
}

/** The stored bytes, or null when the blob has gone missing (then the file is fetched again). */
async function readStored(deps: MirrorContext, file: File, storageKey: string, range?: ByteRange): Promise<Readable | null> {
  try {
    return await deps.store.get(storageKey, range);
  } catch (err) {
    if (!(err instanceof BlobNotFound)) throw err;
    deps.log.warn({ file: file.filename, key: storageKey }, "mirror: cached blob is missing; fetching it again");
    return null;
  }
}
