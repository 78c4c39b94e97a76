import { open, type FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import type { ZipFile } from "yauzl";
import { archiveRatioTooHigh, tooLarge, tooManyMembers } from "./archive-messages.ts";
import { InvalidDistribution, invalidFile, quote } from "./invalid-distribution.ts";
import { exceedsRatio, type ArchiveLimits } from "./limits.ts";
import { absoluteName, backslashInName, dotDotInName } from "./member-path.ts";
import { notAZip, readExactly, readZipEnd, type ZipEnd } from "./zip-end-record.ts";
import { CachedFileReader, type CachedRange } from "./zip-file-reader.ts";
import { checkLocalHeaders } from "./zip-local-headers.ts";
import { centralRecordSize, checkZipEntry, DuplicateGuard, type ZipMember } from "./zip-member.ts";

/** A zip that passed the structural checks; members can be read, bounded. */
export interface ZipArchive {
  readonly members: readonly ZipMember[];
  /**
   * Inflates one member into memory. `tooBig()` is thrown when it is declared
   * or turns out to be bigger than `maxBytes`; the CRC is verified.
   */
  read(member: ZipMember, maxBytes: number, tooBig: () => InvalidDistribution): Promise<Buffer>;
}

// Above this the central directory is read piecemeal instead (slower, same result).
const MAX_CACHED_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

const YAUZL_OPTIONS = { lazyEntries: true, strictFileNames: true, validateEntrySizes: true, autoClose: false } as const;

/**
 * Opens the zip at `path`, checks every structural rule (framing, names,
 * duplicates, encryption, compression, size and ratio limits), then hands it
 * to `use`. Nothing is inflated except what `use` reads.
 */
export async function withZipArchive<T>(path: string, limits: ArchiveLimits, use: (archive: ZipArchive) => Promise<T>): Promise<T> {
  const file = await open(path, "r");
  let zipfile: ZipFile | undefined;
  try {
    const fileSize = (await file.stat()).size;
    // Our own reading of the end records first: yauzl refuses trailing data
    // with a vague error and does not notice a prepended payload until it
    // reads a member; this also tells us where the central directory is.
    const end = await readZipEnd(file, fileSize);
    if (end.entryCount > limits.maxMembers) throw tooManyMembers(limits);

    const reader = new CachedFileReader(file.fd, await cacheCentralDirectory(file, end));
    zipfile = await yauzl.fromRandomAccessReaderPromise(reader, fileSize, YAUZL_OPTIONS).catch((error: unknown) => {
      throw translateYauzlError(error);
    });
    const members = await readCentralDirectory(zipfile, limits, end.centralDirectorySize, fileSize);
    await checkLocalHeaders(
      file,
      members.map((member) => member.entry),
      end.centralDirectoryOffset,
    );

    const opened = zipfile;
    return await use({ members, read: (member, maxBytes, tooBig) => readMember(opened, member, maxBytes, tooBig) });
  } finally {
    zipfile?.close();
    await file.close();
  }
}

async function cacheCentralDirectory(file: FileHandle, end: ZipEnd): Promise<CachedRange | undefined> {
  if (end.centralDirectorySize === 0 || end.centralDirectorySize > MAX_CACHED_CENTRAL_DIRECTORY) return undefined;
  return { start: end.centralDirectoryOffset, bytes: await readExactly(file, end.centralDirectoryOffset, end.centralDirectorySize) };
}

async function readCentralDirectory(zipfile: ZipFile, limits: ArchiveLimits, centralDirectorySize: number, fileSize: number) {
  const members: ZipMember[] = [];
  const duplicates = new DuplicateGuard();
  let uncompressed = 0;
  let recordBytes = 0;
  try {
    for await (const entry of zipfile.eachEntry()) {
      const member = checkZipEntry(entry);
      duplicates.add(member.name);
      // Declared sizes are checked up front; yauzl's validateEntrySizes makes
      // any member we do inflate stop at its declared size.
      uncompressed += entry.uncompressedSize;
      if (uncompressed > limits.maxUncompressedBytes) throw tooLarge(limits);
      recordBytes += centralRecordSize(entry);
      members.push(member);
    }
  } catch (error) {
    throw translateYauzlError(error);
  }
  // The records must fill the directory exactly: no bytes hidden between them.
  if (recordBytes !== centralDirectorySize) throw notAZip();
  if (exceedsRatio(uncompressed, fileSize, limits)) throw archiveRatioTooHigh(limits);
  return members;
}

async function readMember(zipfile: ZipFile, member: ZipMember, maxBytes: number, tooBig: () => InvalidDistribution): Promise<Buffer> {
  const { entry } = member;
  if (entry.uncompressedSize > maxBytes) throw tooBig();
  const corrupt = () => invalidFile(`member ${quote(member.name)} is corrupt.`);
  let stream: Readable;
  try {
    stream = await zipfile.openReadStreamPromise(entry);
  } catch {
    throw corrupt();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Belt and braces: validateEntrySizes already stops at the declared size.
      if (size > maxBytes) throw tooBig();
      chunks.push(chunk);
    }
  } catch (error) {
    stream.destroy();
    throw error instanceof InvalidDistribution ? error : corrupt();
  }
  const data = Buffer.concat(chunks, size);
  // yauzl does not check CRCs; a wrong one means the bytes are not what the writer stored.
  if (crc32(data) >>> 0 !== entry.crc32 >>> 0) throw corrupt();
  return data;
}

/** yauzl's errors are plain Errors; name the ones a person can fix. */
function translateYauzlError(error: unknown): InvalidDistribution {
  if (error instanceof InvalidDistribution) return error;
  const message = error instanceof Error ? error.message : "";
  const byName: [string, (name: string) => InvalidDistribution][] = [
    ["invalid characters in fileName: ", backslashInName],
    ["absolute path: ", absoluteName],
    ["invalid relative path: ", dotDotInName],
  ];
  for (const [prefix, rejection] of byName) if (message.startsWith(prefix)) return rejection(message.slice(prefix.length));
  if (message.startsWith("strong encryption")) return invalidFile("the archive contains an encrypted member.");
  return notAZip();
}
