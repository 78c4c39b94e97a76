/**
 * Reading members of a zip (a wheel) by ranges, without reading the rest: the CLI over HTTP
 * ranges or a local file, the mirror over storage or upstream ranges. yauzl parses the zip; the
 * bytes come from a RandomAccess the caller gives (no I/O here). Reads of the source are kept
 * as few as the zip's layout allows, for remote sources where each read is a request:
 * - one read of the tail (the end records, and for nearly every wheel the central directory and
 *   the .dist-info files, which wheel builders write last);
 * - when the central directory starts before the tail, one read of the rest of it;
 * - per member outside what was read: one read of its local header and data together.
 * Every zip defect is an InvalidZip whose reason is a phrase for "<file> is not a valid wheel: …";
 * errors of the source itself (network, storage) pass through unchanged.
 */
import { Readable } from "node:stream";
import yauzl from "yauzl";
import { canonicalizeName } from "./names.ts";

/** Bytes of something whose size is known, read by ranges. */
export interface RandomAccess {
  readonly size: number;
  /** Bytes [start, end); fewer only at the end of the source. */
  read(start: number, end: number): Promise<Buffer>;
}

/**
 * yauzl's first read: the end of central directory record (22 bytes), the longest comment
 * (65,535) and a ZIP64 locator (20). A source that fetches the tail ahead (a suffix range)
 * should fetch at least this many bytes, so that opening a zip is one read.
 */
export const ZIP_TAIL_BYTES = 20 + 22 + 0xffff;
/** Beyond the tail, the largest central directory read (real wheels: a few MB at most). */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** METADATA is a few KB; anything past this is not a real one. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
/** Local extra fields are short; read this much past the name with the header, to read the data along. */
const LOCAL_EXTRA_GUESS = 256;
const LOCAL_HEADER_SIZE = 30;
const EOCD_SIZE = 22;

export class InvalidZip extends Error {
  override name = "InvalidZip";
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

export interface OpenZipOptions {
  /** Bytes read from the end in the first read; at least ZIP_TAIL_BYTES (the default). */
  tailBytes?: number;
  /** The largest central directory read outside the tail (default 64 MiB). */
  maxCentralDirectoryBytes?: number;
}

export interface ReadEntryOptions {
  /** Refuse an entry that declares, or inflates to, more than this many bytes. */
  maxBytes?: number;
}

export interface ZipReader {
  readonly entries: readonly ZipEntry[];
  /** The uncompressed bytes of one entry (stored or deflated). Throws InvalidZip. */
  read(entry: ZipEntry, options?: ReadEntryOptions): Promise<Buffer>;
  close(): void;
}

/** A RandomAccess over bytes in memory. */
export function bufferSource(bytes: Uint8Array): RandomAccess {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { size: buffer.length, read: async (start, end) => buffer.subarray(start, Math.min(end, buffer.length)) };
}

/** Opens the zip in `source`: its tail in one read, then its central directory. Throws InvalidZip. */
export async function openZip(source: RandomAccess, options: OpenZipOptions = {}): Promise<ZipReader> {
  if (source.size < EOCD_SIZE) throw new InvalidZip("it is too short to be a zip file");
  const cache = new CachedSource(source);
  const tailStart = Math.max(0, source.size - Math.max(options.tailBytes ?? ZIP_TAIL_BYTES, ZIP_TAIL_BYTES));
  const tail = await cache.fetch(tailStart, source.size);
  const reader = new CachedReader(cache);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, zipEnd(tail, tailStart, source.size), {
      lazyEntries: true,
      autoClose: false,
      // Names are decoded below without yauzl's path checks: a member named `../x` must not hide METADATA.
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (err) {
    throw cache.translate(err, (message) => openReason(message));
  }
  try {
    // While listing, a read before the tail takes everything up to it: the central directory in one read.
    cache.readahead = { until: tailStart, limit: options.maxCentralDirectoryBytes ?? MAX_CENTRAL_DIRECTORY_BYTES };
    const raw = await listEntries(zip, source.size, cache);
    cache.readahead = null;
    return new OpenZip(zip, cache, raw);
  } catch (err) {
    zip.close();
    throw err;
  }
}

class OpenZip implements ZipReader {
  readonly entries: readonly ZipEntry[];

  constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly cache: CachedSource,
    /** yauzl's entry behind each of ours. */
    private readonly raw: ReadonlyMap<ZipEntry, yauzl.Entry>,
  ) {
    this.entries = [...raw.keys()];
  }

  async read(entry: ZipEntry, options: ReadEntryOptions = {}): Promise<Buffer> {
    const raw = this.raw.get(entry);
    if (!raw) throw new Error(`${entry.name} is not an entry of this zip`);
    const limit = options.maxBytes ?? Infinity;
    if (entry.uncompressedSize > limit) throw new InvalidZip(`${entry.name} is larger than ${limit} bytes`);
    if (entry.flags & 0x1) throw new InvalidZip(`${entry.name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) {
      throw new InvalidZip(`${entry.name} uses compression method ${entry.method}, which wheels do not use`);
    }
    // Header and data in one read (as far as the file goes), unless already read.
    const guessEnd = entry.localHeaderOffset + LOCAL_HEADER_SIZE + Buffer.byteLength(entry.name) + LOCAL_EXTRA_GUESS + entry.compressedSize;
    const end = Math.min(this.cache.size, guessEnd);
    if (entry.localHeaderOffset < end && !this.cache.covers(entry.localHeaderOffset, end)) {
      await this.cache.fetch(entry.localHeaderOffset, end).catch((err) => {
        throw this.cache.translate(err, () => `${entry.name} is truncated`);
      });
    }
    try {
      const stream = await new Promise<Readable>((resolve, reject) => this.zip.openReadStream(raw, (err, s) => (err ? reject(err) : resolve(s))));
      return await readAll(stream, limit, entry.name);
    } catch (err) {
      throw this.cache.translate(err, (message) => entryReason(entry.name, message));
    }
  }

  close(): void {
    this.zip.close();
  }
}

async function listEntries(zip: yauzl.ZipFile, size: number, cache: CachedSource): Promise<Map<ZipEntry, yauzl.Entry>> {
  // yauzl keeps the central directory's offset as its read cursor.
  const cdOffset = (zip as unknown as { readEntryCursor: number }).readEntryCursor;
  if (zip.entryCount > 0 && cdOffset >= size) throw new InvalidZip("the central directory lies outside the file");
  const raw = new Map<ZipEntry, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, true);
      const ours: ZipEntry = {
        name,
        method: entry.compressionMethod,
        flags: entry.generalPurposeBitFlag,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
        isDirectory: name.endsWith("/"),
      };
      raw.set(ours, entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve());
    zip.once("error", (err: unknown) => reject(cache.translate(err, (message) => listReason(message))));
    zip.readEntry();
  });
  return raw;
}

/**
 * The `{name}-{version}.dist-info/<file>` entry at the top level. With several .dist-info
 * directories, the one whose name canonicalizes to `project` (PEP 427), else the first. A name
 * the archive holds twice is its LAST member, as Python's zipfile (and so pip's installer) reads
 * it: taking the first would let a wheel show us other metadata than pip installs with.
 */
export function findDistInfoEntry(entries: readonly ZipEntry[], file: string, project: string | null): ZipEntry | null {
  const byName = new Map<string, ZipEntry>();
  for (const entry of entries) byName.set(entry.name, entry);
  const candidates = [...byName.values()].filter((e) => {
    const slash = e.name.indexOf("/");
    return slash > 0 && e.name.slice(0, slash).endsWith(".dist-info") && e.name.slice(slash + 1) === file;
  });
  if (candidates.length <= 1 || project === null) return candidates[0] ?? null;
  const wanted = canonicalizeName(project);
  return candidates.find((e) => canonicalizeName(e.name.split("-")[0]!) === wanted) ?? candidates[0]!;
}

/** The `.dist-info/METADATA` entry (findDistInfoEntry's rules). */
export function findMetadataEntry(entries: readonly ZipEntry[], project: string | null): ZipEntry | null {
  return findDistInfoEntry(entries, "METADATA", project);
}

export interface ReadWheelMetadataOptions extends OpenZipOptions {
  /** Prefer the .dist-info directory of this project when a wheel has several. */
  project?: string | null;
  /** Default 16 MiB. */
  maxBytes?: number;
}

/** The METADATA text (UTF-8) of the wheel in `source`. Throws InvalidZip. */
export async function readWheelMetadata(source: RandomAccess, options: ReadWheelMetadataOptions = {}): Promise<string> {
  const zip = await openZip(source, options);
  try {
    const entry = findMetadataEntry(zip.entries, options.project ?? null);
    if (!entry) throw new InvalidZip("it has no .dist-info/METADATA");
    return (await zip.read(entry, { maxBytes: options.maxBytes ?? MAX_METADATA_BYTES })).toString("utf8");
  } finally {
    zip.close();
  }
}

// ------------------------------------------------------------------------------------------
// The source, cached: yauzl reads in small pieces; each piece is served from what was read.

class CachedSource {
  readonly #segments: { start: number; bytes: Buffer }[] = [];
  /** Errors thrown by the source: passed through, never called a zip defect. */
  readonly #sourceErrors = new WeakSet<object>();
  /** While listing: a miss before `until` reads up to `until` (at most `limit` bytes). */
  readahead: { until: number; limit: number } | null = null;

  constructor(private readonly source: RandomAccess) {}

  get size(): number {
    return this.source.size;
  }

  covers(start: number, end: number): boolean {
    return this.#find(start, end) !== null;
  }

  /** Bytes [start, end) (fewer at the end of the source). */
  async fetch(start: number, end: number): Promise<Buffer> {
    end = Math.min(end, this.size);
    if (end <= start) return Buffer.alloc(0);
    const cached = this.#find(start, end);
    if (cached) return cached;
    const until = this.readahead?.until ?? 0;
    if (this.readahead && start < until) {
      // Listing: everything up to what was read already, in one read (a record may straddle the tail).
      if (until - start > this.readahead.limit) throw new InvalidZip(`the central directory is larger than ${this.readahead.limit} bytes`);
      await this.#read(start, until);
      return this.#find(start, end) ?? (await this.#read(start, end));
    }
    return this.#read(start, end);
  }

  async #read(start: number, end: number): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await this.source.read(start, end);
    } catch (err) {
      if (typeof err === "object" && err !== null) this.#sourceErrors.add(err);
      throw err;
    }
    this.#segments.push({ start, bytes });
    return bytes;
  }

  /** A source error unchanged; a zip defect as InvalidZip (yauzl's message turned into our reason). */
  translate(err: unknown, reason: (message: string) => string): unknown {
    if (err instanceof InvalidZip) return err;
    if (typeof err === "object" && err !== null && this.#sourceErrors.has(err)) return err;
    return new InvalidZip(reason(err instanceof Error ? err.message : String(err)));
  }

  /** [start, end) from one segment, or pieced together from adjacent ones; null when some byte was not read. */
  #find(start: number, end: number): Buffer | null {
    const pieces: Buffer[] = [];
    let at = start;
    while (at < end) {
      const segment = this.#segments.find((s) => s.start <= at && at < s.start + s.bytes.length);
      if (!segment) return null;
      const piece = segment.bytes.subarray(at - segment.start, Math.min(end, segment.start + segment.bytes.length) - segment.start);
      pieces.push(piece);
      at += piece.length;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }
}

class CachedReader extends yauzl.RandomAccessReader {
  constructor(private readonly cache: CachedSource) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    this.cache.fetch(position, position + length).then(
      (bytes) => {
        bytes.copy(buffer, offset);
        callback(null, bytes.length);
      },
      (err: Error) => callback(err),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const cache = this.cache;
    return Readable.from(
      (async function* () {
        const bytes = await cache.fetch(start, end);
        if (bytes.length > 0) yield bytes;
      })(),
    );
  }
}

async function readAll(stream: Readable, limit: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      throw new InvalidZip(`${name} is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Where the zip ends, found as Python's zipfile (which pip installs with) finds its end record:
 * the last 22 bytes when they are one with no comment, otherwise the LAST end-record signature in
 * the tail. yauzl wants the record's comment to end the file; zipfile (and the CLI's earlier
 * reader) accept bytes after it, so yauzl is given the zip's own length. Taking the last
 * signature, never an earlier "better fitting" one, keeps us reading the central directory pip
 * reads: a record whose comment runs past the file is refused rather than skipped for another.
 */
function zipEnd(tail: Buffer, tailStart: number, size: number): number {
  const SIGNATURE = 0x06054b50;
  const last = tail.length - EOCD_SIZE;
  if (last >= 0 && tail.readUInt32LE(last) === SIGNATURE && tail.readUInt16LE(last + 20) === 0) return size;
  for (let at = last; at >= 0; at--) {
    if (tail.readUInt32LE(at) !== SIGNATURE) continue;
    const end = tailStart + at + EOCD_SIZE + tail.readUInt16LE(at + 20);
    if (end > size) throw new InvalidZip("the end of central directory record's comment runs past the end of the file");
    return end;
  }
  return size;
}

// yauzl's messages, as reasons a person reads after "<file> is not a valid wheel: ".

function openReason(message: string): string {
  if (message.startsWith("End of central directory record signature not found")) return "no end of central directory record (not a zip file)";
  if (message.startsWith("Invalid comment length")) return "bytes after the end of central directory record";
  if (/zip64/i.test(message) || message === "unexpected EOF") return "a broken ZIP64 end of central directory record";
  return message;
}

function listReason(message: string): string {
  if (message.startsWith("invalid central directory file header signature") || message === "unexpected EOF") return "a broken central directory";
  return `a broken central directory (${message})`;
}

function entryReason(name: string, message: string): string {
  if (message.startsWith("invalid local file header signature")) return `a broken local header for ${name}`;
  if (message.startsWith("file data overflows file bounds") || message === "unexpected EOF") return `${name} is truncated`;
  if (message.startsWith("too many bytes in the stream") || message.startsWith("not enough bytes in the stream")) return `${name} has the wrong size`;
  if (message.startsWith("entry is encrypted")) return `${name} is encrypted`;
  if (message.startsWith("unsupported compression method")) return `${name} uses compression method ${message.split(": ")[1]}, which wheels do not use`;
  // zlib: invalid block type, incorrect header check, unexpected end of file, …
  return `${name} cannot be decompressed`;
}
