import type { Readable } from "node:stream";

/** What a driver knows about a stored object without reading it. */
export interface BlobInfo {
  size: number;
  /** Opaque validator; its shape differs between drivers (S3: content MD5 or multipart tag; fs: inode-size-mtime). */
  etag?: string;
  lastModified?: Date;
}

/** Inclusive byte range, already resolved against the blob's size by the caller. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /** Exact byte count when known. S3 picks its part size from it; both drivers reject a body of another length. */
  size?: number;
  contentType?: string;
}

export interface ListedBlob {
  key: string;
  size: number;
  lastModified: Date;
}

/** The key does not name a stored blob. */
export class BlobNotFound extends Error {
  override readonly name = "BlobNotFound";
  readonly key: string;
  constructor(key: string) {
    super(`blob not found: ${key}`);
    this.key = key;
  }
}

/** A key (or list prefix) that is not a safe `/`-separated relative path. */
export class InvalidBlobKey extends Error {
  override readonly name = "InvalidBlobKey";
  readonly key: string;
  constructor(key: string, reason = "not a safe relative path") {
    super(`invalid blob key ${JSON.stringify(key)}: ${reason}`);
    this.key = key;
  }
}

/**
 * Object storage as the rest of Wheelhouse sees it. Keys are `/`-separated
 * relative paths (`files/ab/cd/<sha256>/name-1.0-py3-none-any.whl`). Every
 * driver translates its vendor's errors at its own edge: callers only ever see
 * `BlobNotFound`, `InvalidBlobKey`, `BlobSizeMismatch`, `RangeError` for a malformed range, or an
 * unexpected infrastructure error.
 */
export interface BlobStore {
  /** Which driver: "fs" | "s3" (for logs). */
  readonly kind: string;
  /** Size and validators of a blob, or null when there is none. */
  head(key: string): Promise<BlobInfo | null>;
  /** Stream the bytes, or only an inclusive range. Throws BlobNotFound. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * Write from a stream. Atomic: readers see the old object or the whole new
   * one, never a part. If the source errors, is destroyed or delivers another
   * length than `opts.size`, nothing is left at `key` and the error is rethrown.
   */
  put(key: string, body: Readable, opts?: PutOptions): Promise<BlobInfo>;
  /** Move a blob to a new key, overwriting the destination. Throws BlobNotFound. */
  move(from: string, to: string): Promise<void>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every key starting with `prefix` (a plain string prefix, as in S3:
   * "files/a" matches "files/ab/…" and "files/a-1/…"), with lastModified for
   * garbage collection of orphans. Order is unspecified (fs and S3 give byte
   * order of keys; S3-compatible fakes may not).
   */
  list(prefix: string): AsyncIterable<ListedBlob>;
  /** A time-limited URL a client can GET directly, or null when the driver cannot (fs). */
  presign(key: string, expirySeconds: number): Promise<string | null>;
  /** Create the bucket / root directory if missing and check we can write. Called once at start. */
  ensureReady(): Promise<void>;
}

/** Throws RangeError unless `range` is a sane inclusive range of safe integers. */
export function checkByteRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}: need integers with 0 <= start <= end`);
  }
}

/** put() was told `opts.size` and the body delivered another number of bytes; nothing was stored. */
export class BlobSizeMismatch extends Error {
  override readonly name = "BlobSizeMismatch";
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    // A body found too long may be cut short: we stop reading once it passed the declared size.
    super(`blob ${key}: declared ${expected} bytes, the body had ${actual > expected ? `more (at least ${actual})` : actual}`);
  }
}
