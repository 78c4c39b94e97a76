import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";

import { Client } from "minio";
import type { BucketItem } from "minio";

import { RESERVED_PREFIX, checkBlobKey, checkBlobPrefix } from "./blob-key.ts";
import { BlobNotFound, BlobSizeMismatch, checkByteRange } from "./blob-store.ts";
import type { BlobInfo, BlobStore, ByteRange, ListedBlob, PutOptions } from "./blob-store.ts";

const MiB = 1 << 20;
/** S3: every part but the last is at least 5 MiB; we use a little more. */
const MIN_PART_SIZE = 8 * MiB;
/** S3: at most 10,000 parts per multipart upload. */
const MAX_PARTS = 10_000;
/** S3: a single CopyObject copies at most 5 GiB. */
const MAX_COPY_OBJECT_SIZE = 5 * 1024 * MiB;
/** Parts uploading at once, per put(); memory per put() is about (this + 1) parts. */
const PART_CONCURRENCY = 2;
/** S3: a presigned URL lives at most a week. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

export interface S3BlobStoreOptions {
  /** Full URL of the S3 API, e.g. http://127.0.0.1:9000 (no path). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Bucket region; discovered from the server when absent. */
  region?: string;
  /** Path-style URLs (http://host/bucket/key). Default true: what MinIO and most S3-compatible servers need. */
  pathStyle?: boolean;
}

/** The vendor's "no such object": NoSuchKey from GET/copy, NotFound from HEAD (no body to carry a code). */
function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "NoSuchKey" || code === "NotFound";
}

/**
 * Part size for part `n` (1-based). With a known size, one size for all parts
 * that fits the object in MAX_PARTS. Without, start small and double every
 * 1,000 parts (S3 allows parts of different sizes): small uploads buffer
 * little, and the 10,000 parts still reach S3's 5 TiB object limit.
 */
function partSizer(knownSize: number | undefined): (n: number) => number {
  if (knownSize !== undefined) {
    const size = Math.max(MIN_PART_SIZE, Math.ceil(knownSize / MAX_PARTS / MiB) * MiB);
    return () => size;
  }
  return (n) => MIN_PART_SIZE * 2 ** Math.floor((n - 1) / 1000);
}

/**
 * Part buffers of one put(), reused once their upload is done: memory stays at
 * (PART_CONCURRENCY + 1) parts whatever the object's size, without waiting
 * for the garbage collector to free parts already sent.
 */
class PartBuffers {
  #free: Buffer[] = [];

  take(size: number): Buffer {
    this.#free = this.#free.filter((buffer) => buffer.length === size); // sizes only grow
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(size);
  }

  give(buffer: Buffer): void {
    this.#free.push(buffer);
  }
}

/**
 * Cut a stream into parts of exactly `sizeOf(n)` bytes (the last one shorter).
 * Yields one empty part for an empty stream. Parts are filled in place in
 * buffers from `buffers`; the stream is read only as fast as parts are taken.
 */
async function* parts(body: Readable, sizeOf: (n: number) => number, buffers: PartBuffers): AsyncGenerator<Buffer> {
  let n = 1;
  let part: Buffer | undefined;
  let filled = 0;
  for await (const raw of body) {
    const chunk: Buffer = typeof raw === "string" ? Buffer.from(raw) : (raw as Buffer);
    let offset = 0;
    while (offset < chunk.length) {
      part ??= buffers.take(sizeOf(n));
      const copied = chunk.copy(part, filled, offset);
      filled += copied;
      offset += copied;
      if (filled === part.length) {
        yield part;
        part = undefined;
        filled = 0;
        n += 1;
      }
    }
  }
  if (filled > 0 || n === 1) yield (part ?? Buffer.alloc(0)).subarray(0, filled);
}

/** Blobs as objects in one S3 bucket (AWS, MinIO, anything S3-compatible), through the `minio` client. */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3";
  readonly #client: Client;
  readonly #bucket: string;
  readonly #region: string | undefined;

  constructor(opts: S3BlobStoreOptions) {
    let url: URL;
    try {
      url = new URL(opts.endpoint);
    } catch {
      throw new Error(`S3 endpoint ${JSON.stringify(opts.endpoint)} is not a URL; expected e.g. http://127.0.0.1:9000`);
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/" || url.search || url.hash) {
      throw new Error(`S3 endpoint ${JSON.stringify(opts.endpoint)} must be http(s)://host[:port] with no path`);
    }
    const useSSL = url.protocol === "https:";
    this.#bucket = opts.bucket;
    this.#region = opts.region;
    this.#client = new Client({
      endPoint: url.hostname.replace(/^\[(.*)\]$/, "$1"), // IPv6 literal without brackets
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: opts.accessKey,
      secretKey: opts.secretKey,
      region: opts.region,
      pathStyle: opts.pathStyle ?? true,
    });
  }

  async head(key: string): Promise<BlobInfo | null> {
    checkBlobKey(key);
    try {
      const stat = await this.#client.statObject(this.#bucket, key);
      return { size: stat.size, etag: stat.etag, lastModified: stat.lastModified };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    checkBlobKey(key);
    if (range) checkByteRange(range);
    try {
      return range
        ? await this.#client.getPartialObject(this.#bucket, key, range.start, range.end - range.start + 1)
        : await this.#client.getObject(this.#bucket, key);
    } catch (error) {
      throw isNotFound(error) ? new BlobNotFound(key) : error;
    }
  }

  /**
   * One PUT when the body fits in one part, else a multipart upload of our
   * own (not minio's putObject, which buffers up to ~600 MiB per part for an
   * unknown size, hangs when the source errors, and resumes any other
   * in-progress upload of the same key). Either way S3 publishes the object
   * only when it is whole; on failure the multipart upload is aborted.
   */
  async put(key: string, body: Readable, opts: PutOptions = {}): Promise<BlobInfo> {
    checkBlobKey(key);
    const headers: Record<string, string> = {};
    if (opts.contentType) headers["Content-Type"] = opts.contentType;
    const buffers = new PartBuffers();
    const source = parts(body, partSizer(opts.size), buffers);
    let uploadId: string | undefined;
    const inflight = new Set<Promise<void>>();
    try {
      const first = (await source.next()).value as Buffer;
      let next = await source.next();
      if (next.done) {
        this.#checkSize(key, opts.size, first.length);
        const { etag } = await this.#client.putObject(this.#bucket, key, first, first.length, headers);
        return { size: first.length, etag };
      }

      uploadId = await this.#client.initiateNewMultipartUpload(this.#bucket, key, headers);
      const etags: { part: number; etag: string }[] = [];
      let size = 0;
      const upload = (part: number, data: Buffer) => {
        size += data.length;
        const task = this.#client
          .uploadPart({ bucketName: this.#bucket, objectName: key, uploadID: encodeURIComponent(uploadId!), partNumber: part, headers: {} }, data)
          .then(({ etag }) => {
            etags.push({ part, etag });
            buffers.give(data);
          })
          .finally(() => inflight.delete(task));
        task.catch(() => {}); // observed by race/all/allSettled below; never an unhandled rejection
        inflight.add(task);
      };
      upload(1, first);
      for (let part = 2; !next.done; part++) {
        upload(part, next.value);
        if (opts.size !== undefined && size > opts.size) throw new BlobSizeMismatch(key, opts.size, size);
        while (inflight.size >= PART_CONCURRENCY) await Promise.race(inflight);
        next = await source.next();
      }
      await Promise.all(inflight);
      this.#checkSize(key, opts.size, size);
      etags.sort((a, b) => a.part - b.part);
      const { etag } = await this.#client.completeMultipartUpload(this.#bucket, key, uploadId, etags);
      return { size, etag };
    } catch (error) {
      body.destroy();
      await source.return(undefined).catch(() => {});
      await Promise.allSettled(inflight);
      if (uploadId !== undefined) {
        // Best effort: S3's AbortIncompleteMultipartUpload lifecycle rule is the backstop.
        await this.#client.abortMultipartUpload(this.#bucket, key, encodeURIComponent(uploadId)).catch(() => {});
      }
      throw error;
    }
  }

  /**
   * Server-side copy, then delete the source. Above CopyObject's 5 GiB limit
   * the bytes are streamed through this process (get + put) instead of an
   * UploadPartCopy sequence: rare, and it reuses the tested put path.
   */
  async move(from: string, to: string): Promise<void> {
    checkBlobKey(from);
    checkBlobKey(to);
    const info = await this.head(from);
    if (info === null) throw new BlobNotFound(from);
    if (from === to) return;
    if (info.size > MAX_COPY_OBJECT_SIZE) {
      await this.put(to, await this.get(from), { size: info.size });
    } else {
      try {
        // The (bucket, key, "/bucket/source") form escapes the source fully ("+" → %2B), as S3 requires;
        // minio's CopySourceOptions form uses encodeURI, which leaves "+" (read by S3 as a space).
        await this.#client.copyObject(this.#bucket, to, `/${this.#bucket}/${from}`);
      } catch (error) {
        throw isNotFound(error) ? new BlobNotFound(from) : error;
      }
    }
    await this.delete(from);
  }

  async delete(key: string): Promise<void> {
    checkBlobKey(key);
    try {
      await this.#client.removeObject(this.#bucket, key);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedBlob> {
    checkBlobPrefix(prefix);
    const items = this.#client.listObjectsV2(this.#bucket, prefix, true);
    for await (const item of items as AsyncIterable<BucketItem>) {
      if (item.name === undefined || item.name.startsWith(RESERVED_PREFIX)) continue; // a write probe in flight
      yield { key: item.name, size: item.size, lastModified: item.lastModified };
    }
  }

  async presign(key: string, expirySeconds: number): Promise<string | null> {
    checkBlobKey(key);
    if (!Number.isInteger(expirySeconds) || expirySeconds < 1 || expirySeconds > MAX_PRESIGN_SECONDS) {
      throw new RangeError(`presign expiry must be 1..${MAX_PRESIGN_SECONDS} seconds, got ${expirySeconds}`);
    }
    return await this.#client.presignedGetObject(this.#bucket, key, expirySeconds);
  }

  async ensureReady(): Promise<void> {
    if (!(await this.#client.bucketExists(this.#bucket))) {
      try {
        await this.#client.makeBucket(this.#bucket, this.#region ?? "us-east-1");
      } catch (error) {
        // Another replica won the race.
        if ((error as { code?: unknown }).code !== "BucketAlreadyOwnedByYou") throw error;
      }
    }
    const probe = `${RESERVED_PREFIX}/ready-probe-${randomUUID()}`;
    await this.#client.putObject(this.#bucket, probe, Buffer.from("ok"));
    await this.#client.removeObject(this.#bucket, probe);
  }

  #checkSize(key: string, expected: number | undefined, actual: number): void {
    if (expected !== undefined && actual !== expected) throw new BlobSizeMismatch(key, expected, actual);
  }
}
