// Typed failures of the index layer. Every URL in a message is redacted.

/** The server answered, but not with what was asked for (after retries, redirects and auth). */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly statusText: string,
    /** Redacted. */
    readonly url: string,
  ) {
    // requests' wording, which pip shows: "404 Client Error: Not Found for url: …".
    super(`${status} ${status >= 500 ? "Server" : "Client"} Error: ${statusText || "HTTP error"} for url: ${url}`);
  }
}

/** The server could not be reached or the connection broke (after retries). */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  constructor(
    /** Redacted. */
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`could not fetch ${url}: ${reason}`, options);
  }
}

/** A wheel whose zip structure cannot be read, or that has no METADATA. */
export class InvalidWheel extends Error {
  override readonly name = "InvalidWheel";
  constructor(
    readonly filename: string,
    reason: string,
  ) {
    super(`${filename} is not a valid wheel: ${reason}`);
  }
}

/** One file whose content does not match the digests it was expected to have. */
export interface HashMismatchItem {
  /** What to call it: `name==version` or the filename. */
  requirement: string;
  /** Redacted. */
  url: string;
  /** Accepted digests by algorithm. */
  expected: Record<string, readonly string[]>;
  /** What the content hashed to, for the algorithms in `expected`. */
  got: Record<string, string>;
  /** Whose digests: the index page's, or the user's `--hash` options. */
  source: "index" | "requirements";
}

const HASH_HEADER =
  "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. Otherwise, examine the package contents carefully; someone may have tampered with them.";

/** pip's HashMismatch block, for one file or several (as pip gathers them). */
export function formatHashMismatches(items: readonly HashMismatchItem[]): string {
  const lines = [HASH_HEADER];
  for (const item of items) {
    lines.push(`    ${item.requirement} from ${item.url}:`);
    for (const [algorithm, expected] of Object.entries(item.expected)) {
      // pip's _hash_comparison: the algorithm on the first line, "    or" on the next ones.
      expected.forEach((digest, i) => lines.push(`        Expected ${i === 0 ? algorithm : "    or"} ${digest}`));
      lines.push(`             Got        ${item.got[algorithm] ?? "(not computed)"}`);
    }
  }
  return lines.join("\n");
}

/** The content of a download (or a cached file) does not match the expected digests. Nothing was cached. */
export class HashMismatch extends Error {
  override readonly name = "HashMismatch";
  constructor(readonly items: readonly HashMismatchItem[]) {
    super(formatHashMismatches(items));
  }
}

/** A `--cert` / `--client-cert` file that cannot be read: a setting to fix, never retried. */
export class CertificateFileError extends Error {
  override readonly name = "CertificateFileError";
}
