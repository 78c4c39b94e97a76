import type { FileHandle } from "node:fs/promises";
import type { Entry } from "yauzl";
import { invalidFile } from "./invalid-distribution.ts";
import { notAZip } from "./zip-end-record.ts";
import * as sig from "./zip-signatures.ts";

// Encryption, data descriptor and UTF-8 name: the bits that change how a
// streaming reader parses the entry. Writers may differ on the others.
const COMPARED_FLAGS = 0x0001 | 0x0008 | 0x0800;

const mismatch = () => invalidFile("the zip archive's local headers do not match its central directory.");

/**
 * Walks the local file headers in file order and checks that they tile the
 * space before the central directory exactly: first at offset 0, each right
 * after the previous entry's data, the last one ending where the central
 * directory starts; and that each agrees with its central directory entry on
 * name, method, CRC and sizes. Then a streaming reader (pip's lazy wheel, an
 * unzip that reads forwards) and a central-directory reader see the same
 * files — no hidden, overlapping or shadowed entries.
 */
export async function checkLocalHeaders(file: FileHandle, entries: readonly Entry[], centralDirectoryOffset: number): Promise<void> {
  const reader = new WindowReader(file);
  const ordered = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  let expectedOffset = 0;
  for (const entry of ordered) {
    const offset = entry.relativeOffsetOfLocalHeader;
    if (offset !== expectedOffset) throw mismatch();

    const header = await reader.read(offset, sig.LOCAL_FILE_HEADER_SIZE);
    if (header.readUInt32LE(0) !== sig.LOCAL_FILE_HEADER) throw mismatch();
    const flags = header.readUInt16LE(6);
    const method = header.readUInt16LE(8);
    const crc32 = header.readUInt32LE(14);
    let compressedSize = header.readUInt32LE(18);
    let uncompressedSize = header.readUInt32LE(22);
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const tail = await reader.read(offset + sig.LOCAL_FILE_HEADER_SIZE, nameLength + extraLength);
    const name = tail.subarray(0, nameLength);
    const extra = tail.subarray(nameLength);

    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff) {
      ({ compressedSize, uncompressedSize } = zip64Sizes(extra));
    }
    if (
      !name.equals(entry.fileNameRaw) ||
      (flags & COMPARED_FLAGS) !== (entry.generalPurposeBitFlag & COMPARED_FLAGS) ||
      method !== entry.compressionMethod ||
      crc32 !== entry.crc32 ||
      compressedSize !== entry.compressedSize ||
      uncompressedSize !== entry.uncompressedSize
    ) {
      throw mismatch();
    }
    expectedOffset = offset + sig.LOCAL_FILE_HEADER_SIZE + nameLength + extraLength + entry.compressedSize;
  }
  if (expectedOffset !== centralDirectoryOffset) throw mismatch();
}

/** Sizes from a local header's ZIP64 extra field (APPNOTE 4.5.3: both sizes, uncompressed first). */
function zip64Sizes(extra: Buffer): { uncompressedSize: number; compressedSize: number } {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    const data = extra.subarray(at + 4, at + 4 + size);
    if (id === sig.ZIP64_EXTRA_ID) {
      if (data.length < 16) throw mismatch();
      return { uncompressedSize: sig.readUInt64(data, 0), compressedSize: sig.readUInt64(data, 8) };
    }
    at += 4 + size;
  }
  throw mismatch();
}

/**
 * Serves small reads from a 64 KiB window, moving forwards: local headers of
 * small files sit close together, so one read covers many of them.
 */
class WindowReader {
  static readonly WINDOW = 64 * 1024;
  #start = 0;
  #buffer = Buffer.alloc(0);

  constructor(private readonly file: FileHandle) {}

  async read(position: number, length: number): Promise<Buffer> {
    if (position < this.#start || position + length > this.#start + this.#buffer.length) {
      const buffer = Buffer.alloc(Math.max(length, WindowReader.WINDOW));
      const { bytesRead } = await this.file.read(buffer, 0, buffer.length, position);
      this.#start = position;
      this.#buffer = buffer.subarray(0, bytesRead);
      // A header that runs past the end of the file.
      if (bytesRead < length) throw notAZip();
    }
    const at = position - this.#start;
    return this.#buffer.subarray(at, at + length);
  }
}
