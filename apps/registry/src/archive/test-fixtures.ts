// Test-only helpers: build zip and tar.gz fixtures in a temp dir, including
// malformed ones no real writer would produce.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, createDeflateRaw, createGzip, deflateRawSync, type ZlibOptions } from "node:zlib";
import tar from "tar-stream";
import type { Header } from "tar-stream";

export interface TempDir {
  write(name: string, bytes: Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), "wheelhouse-archive-"));
  let n = 0;
  return {
    // Each fixture gets its own sub-name: tests in one file run concurrently.
    async write(name, bytes) {
      const path = join(dir, `${n++}-${name}`);
      await writeFile(path, bytes);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------- zip

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

export const WHEEL_TEXT = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
export const METADATA_TEXT = "Metadata-Version: 2.1\nName: foo-bar\nVersion: 1.0\nSummary: Grüße\n";

/** The three required .dist-info files for `distInfo`, plus a module. */
export function wheelFiles(distInfo = "foo_bar-1.0.dist-info", overrides: Record<string, string | undefined> = {}) {
  const files: Record<string, string | undefined> = {
    "foo_bar/__init__.py": "VALUE = 1\n",
    [`${distInfo}/METADATA`]: METADATA_TEXT,
    [`${distInfo}/WHEEL`]: WHEEL_TEXT,
    [`${distInfo}/RECORD`]: "",
    ...overrides,
  };
  return Object.entries(files)
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([name, data]) => ({ name, data }));
}

// ---------------------------------------------------------------- tar

export interface TarEntry {
  header: Partial<Header> & { name: string };
  data?: string | Buffer;
  /** Stream this many zero bytes as the content (for bombs). */
  zeros?: number;
}

/** Packs with tar-stream and gzips; zero-filled members are streamed, not allocated. */
export async function buildTarGz(
  entries: TarEntry[],
  gzip: ZlibOptions = { level: 1 },
  prefix?: Buffer,
): Promise<Buffer> {
  const pack = tar.pack();
  const gz = createGzip(gzip);
  const out: Buffer[] = [];
  gz.on("data", (c: Buffer) => out.push(c));
  const done = new Promise((resolve, reject) => {
    gz.on("end", resolve);
    gz.on("error", reject);
  });
  pack.on("data", (c) => {
    if (!gz.write(c as Buffer)) pack.pause();
  });
  gz.on("drain", () => pack.resume());
  pack.on("end", () => gz.end());
  // Raw blocks ahead of tar-stream's output, for headers it will not write.
  if (prefix) gz.write(prefix);

  for (const entry of entries) {
    if (entry.zeros !== undefined) {
      const chunk = Buffer.alloc(1024 * 1024);
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...entry.header, size: entry.zeros }, (err) => (err ? reject(err) : resolve()));
        let left = entry.zeros!;
        const writeMore = () => {
          while (left > 0) {
            const piece = chunk.subarray(0, Math.min(chunk.length, left));
            left -= piece.length;
            if (!sink.write(piece)) return void sink.once("drain", () => writeMore());
          }
          sink.end(undefined); // streamx typings want an argument
        };
        writeMore();
      });
    } else {
      await new Promise<void>((resolve, reject) => {
        const callback = (err?: Error | null) => (err ? reject(err) : resolve());
        // Directories and links take no body at all, not even an empty one.
        if (entry.data === undefined) pack.entry(entry.header, callback).end(undefined);
        else pack.entry(entry.header, entry.data, callback);
      });
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(out);
}

export const PKG_INFO_TEXT = "Metadata-Version: 2.1\nName: foo-bar\nVersion: 1.0\n";

export function sdistTarEntries(top = "foo_bar-1.0"): TarEntry[] {
  return [
    { header: { name: `${top}/`, type: "directory" } },
    { header: { name: `${top}/PKG-INFO` }, data: PKG_INFO_TEXT },
    { header: { name: `${top}/pyproject.toml` }, data: "[project]\nname = 'foo-bar'\n" },
    { header: { name: `${top}/src/foo_bar/__init__.py` }, data: "VALUE = 1\n" },
  ];
}

/** A raw ustar header block plus its padded body, e.g. a pax global header ('g'). */
export function rawTarMember(name: string, typeflag: string, body: Buffer | string = ""): Buffer {
  const data = Buffer.from(body);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(data.length.toString(8).padStart(11, "0") + "\0", 124);
  header.write("00000000000\0", 136);
  header.write(typeflag, 156);
  header.write("ustar\0", 257);
  header.write("00", 263);
  header.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding]);
}
