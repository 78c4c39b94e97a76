// Reading one member of a wheel through random access (HTTP ranges or a local file) without
// reading the rest: end of central directory → central directory → the member's local header.
import { open } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import { canonicalizeName } from "@wheelhouse/packaging";
import { InvalidWheel } from "./errors.ts";

/** Bytes of something whose size is known, read by ranges. */
export interface RandomAccess {
  readonly size: number;
  /** Bytes [start, end). */
  read(start: number, end: number): Promise<Buffer>;
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** The central directory of a zip. Throws InvalidWheel naming `filename`. */
export async function readCentralDirectory(source: RandomAccess, filename: string): Promise<ZipEntry[]> {
  const fail = (reason: string): never => {
    throw new InvalidWheel(filename, reason);
  };
  if (source.size < EOCD_SIZE) fail("it is too short to be a zip file");
  // The end record sits at the very end, after a comment of at most 64 KiB.
  const tailStart = Math.max(0, source.size - EOCD_SIZE - MAX_COMMENT);
  const tail = await source.read(tailStart, source.size);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      at = i;
      break;
    }
  }
  if (at < 0) fail("no end of central directory record (not a zip file)");
  let entries = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator just before the end record points at the ZIP64 end record.
    const locatorAt = tailStart + at - 20;
    if (locatorAt < 0) fail("a ZIP64 archive without its locator");
    const locator = await source.read(locatorAt, locatorAt + 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) fail("a ZIP64 archive without its locator");
    const recordAt = Number(locator.readBigUInt64LE(8));
    const record = await source.read(recordAt, recordAt + 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) fail("a broken ZIP64 end of central directory record");
    entries = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > source.size) fail("the central directory lies outside the file");
  const cd = await source.read(cdOffset, cdOffset + cdSize);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) fail("a broken central directory");
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString(flags & 0x800 ? "utf8" : "latin1", p + 46, p + 46 + nameLength);
    // ZIP64 extra field (0x0001): 8-byte values for the fields set to 0xffffffff, in order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const size = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === 0xffffffff && q + 8 <= e + 4 + size) (uncompressedSize = Number(cd.readBigUInt64LE(q))), (q += 8);
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + size) (compressedSize = Number(cd.readBigUInt64LE(q))), (q += 8);
        if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + size) localHeaderOffset = Number(cd.readBigUInt64LE(q));
      }
      e += 4 + size;
    }
    out.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return out;
}

/** The uncompressed bytes of one entry (stored or deflated). */
export async function readEntry(source: RandomAccess, entry: ZipEntry, filename: string): Promise<Buffer> {
  const fail = (reason: string): never => {
    throw new InvalidWheel(filename, reason);
  };
  if (entry.flags & 0x1) fail(`${entry.name} is encrypted`);
  // One read for header and data in the common case (a local extra field no longer than 256 bytes).
  const guess = 30 + Buffer.byteLength(entry.name) + 256 + entry.compressedSize;
  let chunk = await source.read(entry.localHeaderOffset, Math.min(source.size, entry.localHeaderOffset + guess));
  if (chunk.length < 30 || chunk.readUInt32LE(0) !== LOCAL_SIGNATURE) fail(`a broken local header for ${entry.name}`);
  const dataStart = 30 + chunk.readUInt16LE(26) + chunk.readUInt16LE(28);
  if (dataStart + entry.compressedSize > chunk.length) {
    chunk = await source.read(entry.localHeaderOffset, entry.localHeaderOffset + dataStart + entry.compressedSize);
  }
  const data = chunk.subarray(dataStart, dataStart + entry.compressedSize);
  if (data.length !== entry.compressedSize) fail(`${entry.name} is truncated`);
  let content: Buffer;
  if (entry.method === 0) content = data;
  else if (entry.method === 8) {
    try {
      content = inflateRawSync(data);
    } catch {
      return fail(`${entry.name} cannot be decompressed`);
    }
  } else return fail(`${entry.name} uses compression method ${entry.method}, which wheels do not use`);
  if (content.length !== entry.uncompressedSize) fail(`${entry.name} has the wrong size`);
  return content;
}

/**
 * The `{name}-{version}.dist-info/METADATA` entry of a wheel: at the top level, preferring the
 * dist-info directory whose name matches the project (PEP 427).
 */
export function findMetadataEntry(entries: readonly ZipEntry[], project: string | null): ZipEntry | null {
  const candidates = entries.filter((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
  if (candidates.length <= 1 || project === null) return candidates[0] ?? null;
  const wanted = canonicalizeName(project);
  return candidates.find((e) => canonicalizeName(e.name.split("-")[0]!) === wanted) ?? candidates[0]!;
}

/** The METADATA text of a wheel read through `source`. Throws InvalidWheel. */
export async function readWheelMetadata(source: RandomAccess, filename: string, project: string | null = null): Promise<string> {
  const entries = await readCentralDirectory(source, filename);
  const entry = findMetadataEntry(entries, project);
  if (!entry) throw new InvalidWheel(filename, "it has no .dist-info/METADATA");
  return (await readEntry(source, entry, filename)).toString("utf8");
}

/** Random access to a local file (closed by the callback's end). */
export async function withLocalFile<T>(path: string, use: (source: RandomAccess) => Promise<T>): Promise<T> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const source: RandomAccess = {
      size,
      async read(start, end) {
        const length = Math.max(0, Math.min(end, size) - start);
        const buffer = Buffer.alloc(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buffer, done, length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buffer.subarray(0, done);
      },
    };
    return await use(source);
  } finally {
    await handle.close();
  }
}
