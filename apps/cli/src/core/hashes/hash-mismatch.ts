import { CliError } from "../cli-error.ts";
// Downloads whose content does not match the digests they were expected to have (pip's HashMismatch).

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
  "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. " +
  "Otherwise, examine the package contents carefully; someone may have tampered with them.";

/** pip's HashMismatch block, for one file or several (as pip gathers them). */
export function formatHashMismatches(items: readonly HashMismatchItem[]): string {
  const lines = [HASH_HEADER];
  for (const item of items) {
    lines.push(`    ${item.requirement} from ${item.url}:`);
    for (const [algorithm, expected] of Object.entries(item.expected)) {
      // pip's _hash_comparison: the algorithm on the first line, "    or" on the next ones.
      expected.forEach((digest, i) => {
        lines.push(`        Expected ${i === 0 ? algorithm : "    or"} ${digest}`);
      });
      lines.push(`             Got        ${item.got[algorithm] ?? "(not computed)"}`);
    }
  }
  return lines.join("\n");
}

/** The content of a download (or a cached file) does not match the expected digests. Nothing was cached. */
export class HashMismatch extends CliError {
  override readonly name = "HashMismatch";
  constructor(readonly items: readonly HashMismatchItem[]) {
    super(formatHashMismatches(items));
  }
}
