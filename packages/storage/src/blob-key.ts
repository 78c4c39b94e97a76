import { InvalidBlobKey } from "./blob-store.ts";

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** NAME_MAX on Linux and macOS filesystems, so the fs driver can store every key S3 can. */
const MAX_SEGMENT_BYTES = 255;
/**
 * First-segment prefix reserved for the stores' own files (the fs driver's
 * temp directory, the S3 driver's write probe). Reserved in both drivers so
 * they accept exactly the same keys.
 */
export const RESERVED_PREFIX = ".wheelhouse";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkCharacters(key: string): void {
  if (key.includes("\u0000")) throw new InvalidBlobKey(key, "contains a NUL byte");
  if (CONTROL.test(key)) throw new InvalidBlobKey(key, "contains a control character");
  if (key.includes("\\")) throw new InvalidBlobKey(key, "contains a backslash");
  if (key.startsWith("/")) throw new InvalidBlobKey(key, "must be relative, not start with /");
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new InvalidBlobKey(key, `is longer than ${MAX_KEY_BYTES} bytes`);
  }
}

function checkSegment(key: string, segment: string): void {
  if (segment === "") throw new InvalidBlobKey(key, "has an empty path segment");
  if (segment === "." || segment === "..") throw new InvalidBlobKey(key, `has a "${segment}" path segment`);
  if (Buffer.byteLength(segment, "utf8") > MAX_SEGMENT_BYTES) {
    throw new InvalidBlobKey(key, `has a path segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
}

/**
 * Throws InvalidBlobKey unless `key` is a `/`-separated relative path with no
 * empty, "." or ".." segment, no backslash, NUL or control character, and
 * not under the reserved ".wheelhouse…" first segment.
 */
export function checkBlobKey(key: string): void {
  if (typeof key !== "string" || key === "") throw new InvalidBlobKey(String(key), "must not be empty");
  checkCharacters(key);
  const segments = key.split("/");
  for (const segment of segments) checkSegment(key, segment);
  if (segments[0]!.startsWith(RESERVED_PREFIX)) {
    throw new InvalidBlobKey(key, `is under the reserved "${RESERVED_PREFIX}" prefix`);
  }
}

/**
 * Throws InvalidBlobKey unless `prefix` is "" or the start of a valid key:
 * the same rules, except that the last segment may be partial or empty
 * ("files/ab/" and "files/a" are both fine).
 */
export function checkBlobPrefix(prefix: string): void {
  if (typeof prefix !== "string") throw new InvalidBlobKey(String(prefix), "must be a string");
  if (prefix === "") return;
  checkCharacters(prefix);
  const segments = prefix.split("/");
  segments.pop();
  for (const segment of segments) checkSegment(prefix, segment);
}
