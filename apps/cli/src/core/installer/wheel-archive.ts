/**
 * Reading a wheel (a zip file): its file entries, one at a time or streamed, in parallel. A wheel
 * of up to BUFFERED_MAX bytes is read into memory with one read and its entries inflated from
 * there, without a stream per entry; a larger one is read from disk as needed.
 */
import { readFile, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { InstallationError } from "./errors.ts";

const BUFFERED_MAX = 16 * 1024 * 1024;

export interface ArchiveEntry {
  /** `/`-separated path inside the archive. */
  name: string;
  size: number;
  /** The zip entry says the file is executable (Unix mode bits in the external attributes). */
  executable: boolean;
  entry: yauzl.Entry;
}

export interface WheelArchive {
  /** File entries (directories left out), in archive order. */
  entries: ArchiveEntry[];
  byName: Map<string, ArchiveEntry>;
  open(entry: ArchiveEntry): Promise<Readable>;
  read(entry: ArchiveEntry): Promise<Buffer>;
  close(): void;
}

export async function openWheelArchive(wheelPath: string): Promise<WheelArchive> {
  const invalid = (e: unknown): InstallationError => new InstallationError(`${wheelPath} is not a valid wheel: ${(e as Error).message}.`);
  const options = { lazyEntries: true, autoClose: false, strictFileNames: false, decodeStrings: true } as const;
  let zip: yauzl.ZipFile;
  let buffer: Buffer | null = null;
  try {
    if ((await stat(wheelPath)).size <= BUFFERED_MAX) buffer = await readFile(wheelPath);
    zip = buffer ? await yauzl.fromBufferPromise(buffer, options) : await yauzl.openPromise(wheelPath, options);
  } catch (e) {
    throw invalid(e);
  }
  const entries: ArchiveEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith("/")) {
        const mode = (entry.externalFileAttributes >>> 16) & 0o170777;
        // pip: executable when the mode is a regular file with any x bit.
        const executable = mode !== 0 && (mode & 0o170000) === 0o100000 && (mode & 0o111) !== 0;
        entries.push({ name: entry.fileName, size: entry.uncompressedSize, executable, entry });
      }
      zip.readEntry();
    });
    zip.on("end", () => resolve());
    zip.on("error", (e: Error) => reject(invalid(e)));
    zip.readEntry();
  });
  const byName = new Map(entries.map((e) => [e.name, e]));
  const read = async (e: ArchiveEntry): Promise<Buffer> => {
    if (buffer) {
      try {
        return readBuffered(buffer, e);
      } catch (err) {
        throw invalid(err);
      }
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(e.entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    entries,
    byName,
    open: async (e) => (buffer ? Readable.from([await read(e)]) : zip.openReadStreamPromise(e.entry)),
    read,
    close: () => zip.close(),
  };
}

/** An entry's content from the archive in memory (what yauzl's read stream checks, checked here). */
function readBuffered(zip: Buffer, { entry, name }: ArchiveEntry): Buffer {
  if (entry.isEncrypted()) throw new Error(`${name} is encrypted`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new Error(`${name} uses unsupported compression method ${entry.compressionMethod}`);
  const header = entry.relativeOffsetOfLocalHeader;
  if (header + 30 > zip.length || zip.readUInt32LE(header) !== 0x04034b50) throw new Error(`invalid local file header for ${name}`);
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) throw new Error(`file data of ${name} overflows file bounds`);
  const raw = zip.subarray(start, end);
  const data = entry.compressionMethod === 8 ? inflateRawSync(raw, { maxOutputLength: Math.max(entry.uncompressedSize, 1) }) : Buffer.from(raw);
  if (data.length !== entry.uncompressedSize) throw new Error(`${name}: expected ${entry.uncompressedSize} bytes, got ${data.length}`);
  return data;
}
