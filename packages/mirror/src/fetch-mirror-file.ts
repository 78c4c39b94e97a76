// Fetching one mirrored file from upstream into storage, once per file in this process. The
// caller that starts a fetch may stream the bytes as they arrive; its last chunk is held back
// until the sha256 matched upstream's, so a corrupt file never reaches a client complete and is
// never kept. Everyone else waits for the stored copy.
import { randomUUID } from "node:crypto";
import { PassThrough, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { recordAuditEvent, type File } from "@wheelhouse/db";
import { DistributionHasher, type Digests } from "./distribution-hasher.ts";
import { MirrorFileNotFound, UpstreamHashMismatch } from "./errors.ts";
import type { Download, StoredFile } from "./download.ts";
import { upstreamHosts, upstreamRoot, type MirrorContext, type MirrorIndexRow } from "./mirror-deps.ts";
import { STAGING_PREFIX, storageKeyFor } from "./storage-key.ts";
import { displayUrl, headerValue, toUpstreamUnavailable, upstreamAuth } from "./upstream-http.ts";

/** A finished download stays joinable this long, for callers that read the row just before it was updated. */
const JOINABLE_AFTER_DONE_MS = 5_000;
const CHUNK_BUFFER = 1 << 20;

function keyOf(indexId: number, fileId: number): string {
  return `${indexId}:${fileId}`;
}

export function runningDownload(deps: MirrorContext, indexId: number, fileId: number): Download | undefined {
  return deps.downloads.get(keyOf(indexId, fileId));
}

/**
 * Starts fetching `file` (synchronously registered, so a caller that found no running download
 * and calls this without awaiting in between is the only one to start it). With `withLive`, the
 * returned `live` stream carries the bytes; whoever takes it must read it to the end or destroy it.
 */
export function startDownload(deps: MirrorContext, index: MirrorIndexRow, file: File, withLive: boolean): Download {
  const key = keyOf(index.id, file.id);
  const live = withLive ? new PassThrough({ highWaterMark: CHUNK_BUFFER }) : null;
  // A failure may come before the taker attached its handlers; it still sees it (the stream is
  // destroyed with the error), but the process must not crash on an unhandled 'error' event.
  live?.on("error", () => {});
  let announce!: (value: { size: number | null }) => void;
  let refuse!: (err: unknown) => void;
  const started = new Promise<{ size: number | null }>((resolve, reject) => {
    announce = resolve;
    refuse = reject;
  });
  const forget = () => {
    if (deps.downloads.get(key) === download) deps.downloads.delete(key);
  };
  const done = (async () => {
    try {
      const stored = await fetchIntoStorage(deps, index, file, live, announce);
      setTimeout(forget, JOINABLE_AFTER_DONE_MS).unref();
      return stored;
    } catch (err) {
      // Forgotten before anyone hears of the failure, so a retry starts a fresh download.
      forget();
      refuse(err);
      throw err;
    }
  })();
  const download: Download = { started, live, done };
  deps.downloads.set(key, download);
  // Whoever cares awaits these; nobody may be left with an unhandled rejection.
  started.catch(() => {});
  done.catch(() => {});
  return download;
}

async function fetchIntoStorage(
  deps: MirrorContext,
  index: MirrorIndexRow,
  file: File,
  live: PassThrough | null,
  announce: (value: { size: number | null }) => void,
): Promise<StoredFile> {
  const { store, log } = deps;
  if (!file.upstreamUrl) throw new Error(`File ${file.filename} of index '${index.name}' has no upstream URL.`);
  const timeouts = deps.http.timeouts;
  const shown = displayUrl(file.upstreamUrl);
  const hasher = await DistributionHasher.create();
  const auth = upstreamAuth(upstreamRoot(index), index.upstreamUsername, index.upstreamPassword);
  const response = await deps.http.getBytes({ url: file.upstreamUrl, shownUrl: shown, auth, allowed: upstreamHosts(index) });
  const length = Number(headerValue(response.headers["content-length"]) ?? Number.NaN);
  // A null size in the row means the page did not say (PEP 503 HTML has no sizes).
  const size = Number.isSafeInteger(length) && length >= 0 ? length : file.size !== null ? Number(file.size) : null;
  announce({ size });

  let upstreamError: unknown = null;
  response.body.once("error", (err: unknown) => {
    upstreamError = err;
  });
  let liveOpen = live !== null;
  live?.once("close", () => {
    // The client went away: the fetch goes on for storage (and whoever waits for it).
    liveOpen = false;
  });

  const writerId = randomUUID();
  const stagingKey = `${STAGING_PREFIX}${writerId}`;
  const staging = new PassThrough({ highWaterMark: CHUNK_BUFFER });
  // put() reports the failure; the event may fire before it attached its own listener.
  staging.on("error", () => {});
  let storeError: unknown = null;
  const put = store.put(stagingKey, staging);
  put.catch((err: unknown) => {
    storeError = err;
  });
  let held: Buffer | null = null;
  let verified = false;
  let released = false;
  // The held-back chunk goes out once the bytes are verified and kept: a client that has the whole
  // file knows the mirror has it too.
  const release = () => {
    released = true;
    if (live && liveOpen) {
      if (held) live.write(held);
      live.end();
    }
  };
  try {
    await pipeline(response.body, hasher, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        if (storeError) throw storeError;
        await writeChunk(staging, chunk);
        if (live && liveOpen) {
          if (held) await writeChunk(live, held);
          held = chunk;
        }
      }
    });
    const digests = hasher.digests();
    // PEP 503 pages may omit hashes: then the first fetch defines the sha256.
    if (file.sha256 !== "" && digests.sha256 !== file.sha256) throw new UpstreamHashMismatch(file.filename);
    verified = true;
    staging.end();
    await put;
    const ourKey = storageKeyFor(digests.sha256, writerId, file.filename);
    await store.move(stagingKey, ourKey);
    const storageKey = await commit(deps, index, file, ourKey, digests);
    release();
    log.info({ index: index.name, file: file.filename, size: digests.size }, "mirror: file cached");
    return { storageKey, size: digests.size, sha256: digests.sha256 };
  } catch (caught) {
    const err = upstreamError !== null && !(caught instanceof UpstreamHashMismatch) ? toUpstreamUnavailable(upstreamError, shown, timeouts) : caught;
    const error = err instanceof Error ? err : new Error(String(err));
    staging.destroy(error);
    await put.catch(() => {});
    await store.delete(stagingKey).catch((e: unknown) => log.warn({ err: e, key: stagingKey }, "mirror: could not remove a staged file"));
    // Verified bytes still reach the client when only keeping them failed; unverified ones never do.
    if (!released) {
      if (verified) release();
      else live?.destroy(error);
    }
    if (error instanceof UpstreamHashMismatch)
      log.warn({ index: index.name, file: file.filename, url: shown }, "mirror: upstream file does not match its sha256; not kept");
    else log.warn({ index: index.name, file: file.filename, err: error.message }, "mirror: file fetch failed");
    throw error;
  }
}

/**
 * Points the File row at the stored bytes and returns the key it now names. The key is this
 * fetch's own (it carries the writer id): when another process committed the same file first,
 * its copy wins and ours is removed, as it is when the row went away meanwhile.
 */
async function commit(deps: MirrorContext, index: MirrorIndexRow, file: File, storageKey: string, digests: Digests): Promise<string> {
  // What the page did not say (PEP 503 HTML may give no size, no hash) is learnt now; the page
  // then states it, so it gets a new serial (and cached renderings of it are rebuilt).
  const learnt = file.size === null || file.sha256 === "";
  let updated: { count: number };
  try {
    updated = await deps.db.$transaction(async (tx) => {
      const result = await tx.file.updateMany({
        // Only over what we saw: no key, or the key whose blob had gone missing.
        where: { id: file.id, indexId: index.id, storageKey: file.storageKey },
        data: {
          storageKey,
          md5: digests.md5,
          blake2b256: digests.blake2b256,
          size: BigInt(digests.size),
          ...(file.sha256 === "" ? { sha256: digests.sha256 } : {}),
        },
      });
      if (result.count === 1 && learnt) {
        const project = await tx.project.findUniqueOrThrow({ where: { id: file.projectId }, select: { name: true } });
        await recordAuditEvent(
          tx,
          {
            actor: null,
            action: "mirror.learn",
            indexName: index.name,
            projectName: project.name,
            filename: file.filename,
            details: { size: digests.size, sha256: digests.sha256 },
          },
          file.projectId,
        );
      }
      return result;
    });
  } catch (err) {
    await deps.store.delete(storageKey).catch(() => {});
    throw err;
  }
  if (updated.count === 1) return storageKey;
  await deps.store.delete(storageKey);
  const winner = await deps.db.file.findUnique({ where: { id: file.id }, select: { storageKey: true } });
  if (winner?.storageKey) return winner.storageKey;
  // The row went away while we fetched (the file left upstream's page).
  throw new MirrorFileNotFound(index.name, file.id);
}

/** Writes one chunk, waiting while the stream's buffer is full; a closed stream takes nothing. */
function writeChunk(stream: Writable, chunk: Buffer): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  if (stream.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const go = () => {
      stream.off("drain", go);
      stream.off("close", go);
      resolve();
    };
    stream.on("drain", go);
    stream.on("close", go);
  });
}
