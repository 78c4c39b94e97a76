import type { FileHandle } from "node:fs/promises";
import { invalidFile } from "./invalid-distribution.ts";
import * as sig from "./zip-signatures.ts";

/** Where the central directory is, according to the end records. */
export interface ZipEnd {
  entryCount: number;
  centralDirectoryOffset: number;
  centralDirectorySize: number;
}

export const notAZip = () => invalidFile("not a valid zip archive.");

/**
 * Finds and checks the end-of-central-directory record (and the ZIP64 one),
 * strictly: the file must be exactly
 *   [local entries][central directory][zip64 end + locator]?[end record][comment]
 * with nothing before, between or after. A prepended payload, a concatenated
 * second archive or a comment hiding another end record are how one zip is
 * made to read differently in two tools (warehouse's zipfiles.validate_zipfile
 * refuses the same).
 */
export async function readZipEnd(file: FileHandle, fileSize: number): Promise<ZipEnd> {
  if (fileSize < sig.END_OF_CENTRAL_DIRECTORY_SIZE) throw notAZip();

  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  const tailSize = Math.min(fileSize, sig.END_OF_CENTRAL_DIRECTORY_SIZE + 0xffff);
  const tail = await readExactly(file, fileSize - tailSize, tailSize);

  // Search backwards like yauzl, Python's zipfile and most readers do, and take
  // the record whose comment runs exactly to the end of the file.
  let eocdAt = -1;
  let sawTrailingData = false;
  for (let i = tail.length - sig.END_OF_CENTRAL_DIRECTORY_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== sig.END_OF_CENTRAL_DIRECTORY) continue;
    const commentLength = tail.readUInt16LE(i + 20);
    const remaining = tail.length - i - sig.END_OF_CENTRAL_DIRECTORY_SIZE;
    if (commentLength === remaining) {
      eocdAt = i;
      break;
    }
    if (commentLength < remaining) sawTrailingData = true;
  }
  if (eocdAt < 0) {
    throw sawTrailingData ? invalidFile("the zip archive has data after its end-of-central-directory record.") : notAZip();
  }
  const eocd = tail.subarray(eocdAt);
  const eocdOffset = fileSize - tailSize + eocdAt;

  // A comment that contains record signatures can be read as records by a
  // reader that scans differently; no packaging tool writes one.
  if (sig.containsSignature(eocd.subarray(sig.END_OF_CENTRAL_DIRECTORY_SIZE))) {
    throw invalidFile("the zip archive comment contains zip record signatures.");
  }

  const diskNumber = eocd.readUInt16LE(4);
  const centralDirectoryDisk = eocd.readUInt16LE(6);
  const entriesOnDisk = eocd.readUInt16LE(8);
  let entryCount = eocd.readUInt16LE(10);
  let centralDirectorySize = eocd.readUInt32LE(12);
  let centralDirectoryOffset = eocd.readUInt32LE(16);
  if (diskNumber !== 0 || centralDirectoryDisk !== 0 || entriesOnDisk !== entryCount) throw notAZip();

  // Where the central directory must end: at the ZIP64 end record if there is
  // one, else at the end record.
  let centralDirectoryEnd = eocdOffset;

  const locatorOffset = eocdOffset - sig.ZIP64_END_LOCATOR_SIZE;
  if (locatorOffset >= 0) {
    const locator = await readExactly(file, locatorOffset, sig.ZIP64_END_LOCATOR_SIZE);
    if (locator.readUInt32LE(0) === sig.ZIP64_END_LOCATOR) {
      const zip64 = await readZip64End(file, locator, locatorOffset);
      // The 16/32-bit fields are either the "see ZIP64" sentinel or the same
      // value: a reader that ignores ZIP64 must not see another directory.
      const agrees = (narrow: number, sentinel: number, wide: number) => narrow === sentinel || narrow === wide;
      if (
        !agrees(entryCount, 0xffff, zip64.entryCount) ||
        !agrees(centralDirectorySize, 0xffffffff, zip64.centralDirectorySize) ||
        !agrees(centralDirectoryOffset, 0xffffffff, zip64.centralDirectoryOffset)
      ) {
        throw notAZip();
      }
      ({ entryCount, centralDirectorySize, centralDirectoryOffset } = zip64);
      centralDirectoryEnd = zip64.recordOffset;
    }
  }

  if (entryCount > 0) {
    const head = await readExactly(file, 0, 4);
    if (head.readUInt32LE(0) !== sig.LOCAL_FILE_HEADER) {
      throw invalidFile("the zip archive has data before its first entry.");
    }
  }
  if (centralDirectoryOffset + centralDirectorySize !== centralDirectoryEnd) {
    // If a central directory does sit right before the end record, every
    // offset is shifted by what came first: a payload or another zip.
    const shiftedStart = centralDirectoryEnd - centralDirectorySize;
    if (shiftedStart > centralDirectoryOffset && shiftedStart >= 0 && entryCount > 0) {
      const head = await readExactly(file, shiftedStart, 4);
      if (head.readUInt32LE(0) === sig.CENTRAL_DIRECTORY_HEADER) {
        throw invalidFile("the zip archive has data before its first entry.");
      }
    }
    throw invalidFile("the zip archive's central directory does not end where its end record begins.");
  }
  return { entryCount, centralDirectoryOffset, centralDirectorySize };
}

async function readZip64End(file: FileHandle, locator: Buffer, locatorOffset: number) {
  const recordDisk = locator.readUInt32LE(4);
  const recordOffset = sig.readUInt64(locator, 8);
  const totalDisks = locator.readUInt32LE(16);
  // No "extensible data sector": the record sits right before its locator.
  if (recordDisk !== 0 || totalDisks !== 1 || recordOffset + sig.ZIP64_END_OF_CENTRAL_DIRECTORY_SIZE !== locatorOffset) {
    throw notAZip();
  }
  const record = await readExactly(file, recordOffset, sig.ZIP64_END_OF_CENTRAL_DIRECTORY_SIZE);
  if (
    record.readUInt32LE(0) !== sig.ZIP64_END_OF_CENTRAL_DIRECTORY ||
    sig.readUInt64(record, 4) !== sig.ZIP64_END_OF_CENTRAL_DIRECTORY_SIZE - 12 ||
    record.readUInt32LE(16) !== 0 ||
    record.readUInt32LE(20) !== 0 ||
    sig.readUInt64(record, 24) !== sig.readUInt64(record, 32)
  ) {
    throw notAZip();
  }
  return {
    recordOffset,
    entryCount: sig.readUInt64(record, 32),
    centralDirectorySize: sig.readUInt64(record, 40),
    centralDirectoryOffset: sig.readUInt64(record, 48),
  };
}

export async function readExactly(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw notAZip();
    filled += bytesRead;
  }
  return buffer;
}
