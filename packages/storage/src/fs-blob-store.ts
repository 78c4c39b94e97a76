import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import type { Dirent, Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { mkdir, open, readdir, rename, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { RESERVED_PREFIX, checkBlobKey, checkBlobPrefix } from "./blob-key.ts";
import { BlobNotFound, BlobSizeMismatch, InvalidBlobKey, checkByteRange } from "./blob-store.ts";
import type { BlobInfo, BlobStore, ByteRange, ListedBlob, PutOptions } from "./blob-store.ts";

/** Temp files live here, directly under the root: same filesystem (so rename is atomic), never listed. */
const TEMP_DIR = `${RESERVED_PREFIX}-tmp`;
/** Big buffers: fewer syscalls; fs.WriteStream coalesces queued chunks into one writev. */
const HIGH_WATER_MARK = 1 << 20;
/** ensureReady() removes temp files this old: left by a crash, since a live put cleans its own. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
/** A concurrent delete may prune a directory between our mkdir and rename; try again this often. */
const RENAME_ATTEMPTS = 8;

export interface FsBlobStoreOptions {
  /**
   * fsync each new blob before it is renamed into place, so a crash can never
   * leave a committed key with missing bytes. Default true; off only for
   * throwaway stores (tests, benchmarks).
   */
  fsync?: boolean;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** The path, or one of its parents, does not exist as a directory/file. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

function infoOf(stats: Stats): BlobInfo {
  return {
    size: stats.size,
    etag: `${stats.ino.toString(16)}-${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`,
    lastModified: stats.mtime,
  };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Blobs as plain files under one root directory; a key is the file's relative path. */
export class FsBlobStore implements BlobStore {
  readonly kind = "fs";
  readonly #root: string;
  readonly #rootWithSep: string;
  readonly #tempDir: string;
  readonly #fsync: boolean;

  constructor(rootDir: string, options: FsBlobStoreOptions = {}) {
    this.#root = path.resolve(rootDir);
    this.#rootWithSep = this.#root.endsWith(path.sep) ? this.#root : this.#root + path.sep;
    this.#tempDir = path.join(this.#root, TEMP_DIR);
    this.#fsync = options.fsync ?? true;
  }

  async head(key: string): Promise<BlobInfo | null> {
    const file = this.#pathOf(key);
    try {
      const stats = await stat(file);
      return stats.isFile() ? infoOf(stats) : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.#pathOf(key);
    if (range) checkByteRange(range);
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      throw isMissing(error) ? new BlobNotFound(key) : error;
    }
    try {
      // open() succeeds on a directory ("files/ab" when "files/ab/…" exists): that is no blob.
      if (!(await handle.stat()).isFile()) throw new BlobNotFound(key);
    } catch (error) {
      await handle.close();
      throw error;
    }
    // autoClose (the default) closes the handle when the stream ends or is destroyed.
    return handle.createReadStream({ start: range?.start, end: range?.end, highWaterMark: HIGH_WATER_MARK });
  }

  async put(key: string, body: Readable, opts: PutOptions = {}): Promise<BlobInfo> {
    const destination = this.#pathOf(key);
    const temp = path.join(this.#tempDir, `${randomUUID()}.part`);
    // The body may fail before pipeline() below attaches to it (a client that hangs up while we
    // create the temp dir): pipeline still reports that error, but meanwhile an 'error' event
    // with no listener would end the process.
    const untilPiped = () => {};
    body.on("error", untilPiped);
    try {
      await mkdir(this.#tempDir, { recursive: true }); // one cheap syscall; survives a removed temp dir
      // flush: fsync before close, so a crash can never leave a committed key with missing bytes.
      const out = createWriteStream(temp, { flags: "wx", highWaterMark: HIGH_WATER_MARK, flush: this.#fsync });
      await pipeline(body, out);
      if (opts.size !== undefined && out.bytesWritten !== opts.size) {
        throw new BlobSizeMismatch(key, opts.size, out.bytesWritten);
      }
      const info = infoOf(await stat(temp));
      await this.#renameInto(temp, destination, () => new Error(`put ${key}: temp file ${temp} vanished`));
      return info;
    } catch (error) {
      body.destroy();
      await unlink(temp).catch(() => {});
      throw error;
    } finally {
      body.off("error", untilPiped);
    }
  }

  async move(from: string, to: string): Promise<void> {
    const source = this.#pathOf(from);
    const destination = this.#pathOf(to);
    if ((await this.head(from)) === null) throw new BlobNotFound(from);
    if (source === destination) return;
    await this.#renameInto(source, destination, () => new BlobNotFound(from));
    await this.#pruneEmptyParents(source);
  }

  async delete(key: string): Promise<void> {
    const file = this.#pathOf(key);
    try {
      await unlink(file);
    } catch (error) {
      if (isMissing(error)) return;
      // A directory at the key ("files/ab" while "files/ab/…" exists) is not a blob: nothing to delete.
      const code = errorCode(error);
      if ((code === "EISDIR" || code === "EPERM") && (await stat(file).catch(() => null))?.isDirectory()) return;
      throw error;
    }
    await this.#pruneEmptyParents(file);
  }

  async *list(prefix: string): AsyncIterable<ListedBlob> {
    checkBlobPrefix(prefix);
    // Walk only the deepest directory the prefix names, then filter by the whole prefix (S3 semantics).
    const slash = prefix.lastIndexOf("/");
    const dirKey = slash === -1 ? "" : prefix.slice(0, slash);
    if (dirKey.startsWith(RESERVED_PREFIX)) return; // our temp dir: never listed
    const dir = dirKey === "" ? this.#root : path.join(this.#root, ...dirKey.split("/"));
    yield* this.#walk(dir, dirKey, prefix);
  }

  async presign(key: string, expirySeconds: number): Promise<string | null> {
    checkBlobKey(key);
    void expirySeconds;
    return null;
  }

  async ensureReady(): Promise<void> {
    await mkdir(this.#tempDir, { recursive: true });
    const probe = path.join(this.#tempDir, `ready-${randomUUID()}`);
    await writeFile(probe, "ok");
    await unlink(probe);
    await this.#removeStaleTemps();
  }

  /** Absolute path for a key; throws InvalidBlobKey for anything that is not a safe relative path under the root. */
  #pathOf(key: string): string {
    checkBlobKey(key);
    const file = path.resolve(this.#root, ...key.split("/"));
    if (!file.startsWith(this.#rootWithSep)) throw new InvalidBlobKey(key, "resolves outside the storage root");
    return file;
  }

  /** rename(2), creating the destination's parents; retries when a concurrent delete prunes them. */
  async #renameInto(source: string, destination: string, sourceMissing: () => Error): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // mkdir -p itself can fail with ENOENT when a concurrent prune removes a parent it just made.
        await mkdir(path.dirname(destination), { recursive: true });
        await rename(source, destination);
        return;
      } catch (error) {
        if (!isMissing(error)) throw error;
        if ((await stat(source).catch(() => null)) === null) throw sourceMissing();
        if (attempt >= RENAME_ATTEMPTS) throw error;
      }
    }
  }

  /** Remove now-empty directories from the file's parent up to (not including) the root. */
  async #pruneEmptyParents(file: string): Promise<void> {
    for (let dir = path.dirname(file); dir.startsWith(this.#rootWithSep); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (the usual case), or gone already
      }
    }
  }

  async *#walk(dir: string, dirKey: string, prefix: string): AsyncGenerator<ListedBlob> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Sort directories as "name/" so the walk yields keys in S3's lexicographic byte order.
    const sorted = entries
      .filter((entry) => dirKey !== "" || !entry.name.startsWith(RESERVED_PREFIX))
      .map((entry) => ({ entry, order: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => byteOrder(a.order, b.order));
    for (const { entry } of sorted) {
      const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        const asDir = `${key}/`;
        if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) {
          yield* this.#walk(path.join(dir, entry.name), key, prefix);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const stats = await stat(path.join(dir, entry.name)).catch(() => null); // null: deleted meanwhile
        if (stats?.isFile()) yield { key, size: stats.size, lastModified: stats.mtime };
      }
    }
  }

  async #removeStaleTemps(): Promise<void> {
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await readdir(this.#tempDir)) {
      const file = path.join(this.#tempDir, name);
      const stats = await stat(file).catch(() => null);
      if (stats?.isFile() && stats.mtimeMs < cutoff) await unlink(file).catch(() => {});
    }
  }
}
