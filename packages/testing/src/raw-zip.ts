// A byte-level zip writer for hostile tests: every field under the test's control, including
// ones no real writer produces (names that differ between headers, hidden members, ZIP64 end
// records, lying sizes). Valid wheels come from wheel.ts; this writes what they cannot.
import { crc32, createDeflateRaw, deflateRawSync, type ZlibOptions } from "node:zlib";

export interface RawZipEntry {
  name: string | Buffer;
  /** Uncompressed content; deflated unless `method` is 0. */
  data?: Buffer | string;
  method?: number;
  /** Extra general purpose flag bits (0x800, UTF-8 names, is set unless `cp437Name`). */
  flags?: number;
  /** Leave bit 11 clear: readers decode the name as CP437. */
  cp437Name?: boolean;
  /** Central directory external attributes; a Unix mode goes in the high 16 bits (`mode << 16`). */
  externalAttributes?: number;
  /** Pre-compressed payload with its declared CRC and uncompressed size. */
  raw?: { compressed: Buffer; crc: number; uncompressedSize: number };
  /** Name written in the local header instead of `name`. */
  localName?: string;
  /** Written as a local entry but left out of the central directory. */
  hidden?: boolean;
  /** Extra field, in both headers. */
  extra?: Buffer;
}

export interface RawZipOptions {
  comment?: Buffer;
  prepend?: Buffer;
  append?: Buffer;
  /** Bytes between the central directory and the end record(s). */
  beforeEnd?: Buffer;
  /** Write ZIP64 end records (with sentinels in the classic end record). */
  zip64?: boolean;
}

/** A byte-level zip writer: every field under the test's control. */
export function buildZip(entries: RawZipEntry[], options: RawZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for (const entry of entries) {
    const name = typeof entry.name === "string" ? Buffer.from(entry.name, "utf8") : entry.name;
    const localName = entry.localName === undefined ? name : Buffer.from(entry.localName, "utf8");
    const method = entry.method ?? 8;
    const data = Buffer.from(entry.data ?? "");
    const compressed = entry.raw?.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = entry.raw?.crc ?? crc32(data);
    const size = entry.raw?.uncompressedSize ?? data.length;
    const flags = (entry.cp437Name ? 0 : 0x800) | (entry.flags ?? 0);
    const extra = entry.extra ?? Buffer.alloc(0);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(extra.length, 28);
    locals.push(local, localName, extra, compressed);

    if (!entry.hidden) {
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(0x031e, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(flags, 8);
      central.writeUInt16LE(method, 10);
      central.writeUInt32LE(crc >>> 0, 16);
      central.writeUInt32LE(compressed.length, 20);
      central.writeUInt32LE(size, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt16LE(extra.length, 30);
      central.writeUInt32LE((entry.externalAttributes ?? 0) >>> 0, 38);
      central.writeUInt32LE(offset, 42);
      centrals.push(central, name, extra);
      count++;
    }
    offset += 30 + localName.length + extra.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const comment = options.comment ?? Buffer.alloc(0);
  const ends: Buffer[] = [];
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(centralDirectory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + centralDirectory.length + (options.beforeEnd?.length ?? 0)), 8);
    locator.writeUInt32LE(1, 16);
    ends.push(record, locator);
    eocd.writeUInt16LE(0xffff, 8);
    eocd.writeUInt16LE(0xffff, 10);
    eocd.writeUInt32LE(0xffffffff, 12);
    eocd.writeUInt32LE(0xffffffff, 16);
  } else {
    eocd.writeUInt16LE(count, 8);
    eocd.writeUInt16LE(count, 10);
    eocd.writeUInt32LE(centralDirectory.length, 12);
    eocd.writeUInt32LE(offset, 16);
  }
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([
    options.prepend ?? Buffer.alloc(0),
    ...locals,
    centralDirectory,
    options.beforeEnd ?? Buffer.alloc(0),
    ...ends,
    eocd,
    comment,
    options.append ?? Buffer.alloc(0),
  ]);
}

/** Deflates `size` zero bytes in 1 MiB steps: never holds the uncompressed data. */
export async function deflatedZeros(size: number, options: ZlibOptions = { level: 1 }) {
  const chunk = Buffer.alloc(1024 * 1024);
  const deflate = createDeflateRaw(options);
  const out: Buffer[] = [];
  deflate.on("data", (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  let crc = 0;
  for (let written = 0; written < size; written += chunk.length) {
    const piece = chunk.subarray(0, Math.min(chunk.length, size - written));
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await done;
  return { compressed: Buffer.concat(out), crc, uncompressedSize: size };
}
