import iconv from "iconv-lite";
import yauzl from "yauzl";
import type { Entry } from "yauzl";
import { duplicateMember } from "./archive-messages.ts";
import { invalidFile, quote } from "./invalid-distribution.ts";
import { collisionKey, memberSegments } from "./member-path.ts";
import { CENTRAL_DIRECTORY_HEADER_SIZE } from "./zip-signatures.ts";

/** One central directory entry, as yauzl decoded it, plus what we derive from it. */
export interface ZipMember {
  name: string;
  /** Path segments, "." and empty ones dropped. */
  segments: string[];
  isDirectory: boolean;
  entry: Entry;
}

const STORED = 0;
const DEFLATED = 8;
// General purpose bit flags (APPNOTE 4.4.4).
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
// Info-ZIP Unicode Path extra field: a second name that some readers prefer.
const UNICODE_PATH_EXTRA_ID = 0x7075;
const FLAG_UTF8_NAME = 0x0800;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
// Unix file type bits in the high half of the external attributes (st_mode), as pip reads them.
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * Checks one member on its own: name, type, encryption, compression. (No ratio per member: PyPI
 * judges the whole archive, zip-archive.ts does too, and real wheels have members above 50×.)
 */
export function checkZipEntry(entry: Entry): ZipMember {
  const name = memberName(entry);
  const isDirectory = name.endsWith("/");
  const segments = memberSegments(name, isDirectory);

  // yauzl would substitute U+FFFD; other readers may not, and then the names differ.
  if (entry.generalPurposeBitFlag & FLAG_UTF8_NAME) {
    try {
      strictUtf8.decode(entry.fileNameRaw);
    } catch {
      throw invalidFile(`member name ${quote(name)} is not valid UTF-8.`);
    }
  }
  // yauzl names the entry after the Unicode Path field when there is one;
  // readers that ignore the field would see the plain name instead.
  if (entry.extraFields.some((field) => field.id === UNICODE_PATH_EXTRA_ID)) {
    if (entry.fileName !== name) throw invalidFile(`member name ${quote(entry.fileName)} disagrees with its Unicode Path extra field.`);
  }
  checkMemberType(name, entry, isDirectory);
  if (entry.generalPurposeBitFlag & FLAG_ENCRYPTED) throw invalidFile(`member ${quote(name)} is encrypted.`);
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    // What warehouse allows, and all pip guarantees to read.
    throw invalidFile(`member ${quote(name)} uses an unsupported compression method; only stored and deflate are allowed.`);
  }
  // PyPI refuses data descriptors: sizes after the data are what lets a
  // streaming reader and a central-directory reader disagree.
  if (entry.generalPurposeBitFlag & FLAG_DATA_DESCRIPTOR) {
    throw invalidFile(`member ${quote(name)} uses a data descriptor; rebuild the archive with a tool that writes sizes before the data.`);
  }
  return { name, segments, isDirectory, entry };
}

/**
 * The name as Python's zipfile (so pip and every installer) reads it: UTF-8 when general purpose
 * bit 11 is set, else CP437 (APPNOTE appendix D). yauzl's CP437 table shows bytes below 0x20 as
 * graphic symbols ("\n" as "◙"), which would hide a newline from the control-character check.
 */
function memberName(entry: Entry): string {
  if (entry.generalPurposeBitFlag & FLAG_UTF8_NAME) return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, [], true);
  return iconv.decode(entry.fileNameRaw, "cp437");
}

/**
 * Only regular files and directories: pip recreates a member whose mode says symlink as a link
 * (`unpacking.py` reads `external_attr >> 16` whatever the host system), which can point at
 * `/etc/passwd` or out of the install directory.
 */
function checkMemberType(name: string, entry: Entry, isDirectory: boolean): void {
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === 0 || type === S_IFREG || (type === S_IFDIR && isDirectory)) return;
  if (type === S_IFLNK) throw invalidFile(`member ${quote(name)} is a symbolic link; a distribution may hold only regular files and directories.`);
  throw invalidFile(`member ${quote(name)} is not a regular file or directory; a distribution may hold only those.`);
}

/** Size of the entry's record in the central directory. */
export function centralRecordSize(entry: Entry): number {
  return CENTRAL_DIRECTORY_HEADER_SIZE + entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength;
}

/** Rejects a second member that would extract to the same path as an earlier one. */
export class DuplicateGuard {
  readonly #seen = new Set<string>();

  add(name: string): void {
    const key = collisionKey(name);
    if (this.#seen.has(key)) throw duplicateMember(name);
    this.#seen.add(key);
  }
}
