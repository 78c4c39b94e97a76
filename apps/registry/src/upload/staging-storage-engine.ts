// A Multer storage engine that never buffers the file: the multipart stream is hashed and
// written at once to a local temp file (so the archive can be inspected with random access)
// and to object storage under a temporary `incoming/` key (so committing is a cheap move).
// Nothing staged is visible to readers; the upload service commits it or removes it.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { IncomingMessage } from "node:http";
import type { Writable } from "node:stream";
import type { Request } from "express";
import type multer from "multer";
import type { BlobStore } from "@wheelhouse/storage";
import { DistributionHasher, STAGING_PREFIX, type Digests } from "@wheelhouse/mirror";

export interface StagedFile extends Digests {
  /** The client's filename, unchecked. */
  originalname: string;
  tmpPath: string;
  blobKey: string;
}

/** Local temp files of uploads in progress, under the data directory (same disk as fs storage). */
export function uploadTmpDir(dataDir: string): string {
  return join(dataDir, "tmp", "uploads");
}

export class StagingStorageEngine implements multer.StorageEngine {
  constructor(
    private readonly store: BlobStore,
    private readonly tmpDir: string,
  ) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<StagedFile>) => void): void {
    stageStream(this.store, this.tmpDir, file.stream, file.originalname).then(
      (staged) => callback(null, staged),
      (err: unknown) => callback(err),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<StagedFile>, callback: (error: Error | null) => void): void {
    discardStaged(this.store, file).then(
      () => callback(null),
      (err: unknown) => callback(err as Error),
    );
  }
}

/** busboy's parser state that `feedMultipart` looks at (busboy 1.x). */
interface MultipartParser extends Writable {
  _fileStream?: Readable | null;
  _final(callback: (error?: Error | null) => void): void;
}

/**
 * Multer's `streamHandler`: feeds the body to busboy as multer would, with one correction.
 * busboy stops parsing after the close delimiter only from the next chunk on, so parts glued after
 * it in the same chunk (`--B--B\r\n...`) are still parsed; a file part opened there is never ended,
 * busboy waits for it forever, and so do multer, the staging stream and the client. Once the whole
 * body has been parsed, a file part still open can only be such a part: the form fails with
 * "Unexpected end of form", which destroys the part, so the staged file is removed and the
 * request answered with a 400.
 */
export function feedMultipart(req: IncomingMessage, busboy: Writable): void {
  const parser = busboy as MultipartParser;
  const final = parser._final.bind(parser);
  parser._final = (callback) => {
    if (parser._fileStream) callback(new Error("Unexpected end of form"));
    else final(callback);
  };
  req.pipe(busboy);
}

export async function stageStream(store: BlobStore, tmpDir: string, source: Readable, originalname: string): Promise<StagedFile> {
  await mkdir(tmpDir, { recursive: true });
  const id = randomUUID();
  const tmpPath = join(tmpDir, id);
  const blobKey = `${STAGING_PREFIX}${id}`;
  const hasher = await DistributionHasher.create();
  const toBlob = new PassThrough({ highWaterMark: 1 << 20 });
  // Every failure is reported once, through `written` below. Without a listener of its own, an
  // error on this tee (the client's body ending early, while store.put has not attached yet, or
  // after it gave up) is an unhandled 'error' event that ends the whole process.
  toBlob.on("error", () => {});
  hasher.on("error", () => {});
  hasher.pipe(toBlob);

  const written = [pipeline(source, hasher, createWriteStream(tmpPath, { highWaterMark: 1 << 20 })), store.put(blobKey, toBlob)];
  // On the first failure stop both sides, wait for both to settle, then remove what exists.
  const failFast = written.map((p) =>
    p.catch((err: unknown) => {
      source.destroy();
      hasher.destroy();
      toBlob.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }),
  );
  const outcomes = await Promise.allSettled(failFast);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failure) {
    await discardStaged(store, { tmpPath, blobKey });
    throw failure.reason;
  }
  return { originalname, tmpPath, blobKey, ...hasher.digests() };
}

export async function discardStaged(store: BlobStore, staged: Partial<Pick<StagedFile, "tmpPath" | "blobKey">>): Promise<void> {
  if (staged.tmpPath) await rm(staged.tmpPath, { force: true });
  if (staged.blobKey) await store.delete(staged.blobKey);
}
