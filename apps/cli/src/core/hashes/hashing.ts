// Digests of files: the algorithms pip accepts in links and in `--hash`, computed in one pass.
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** pip's accepted link/`--hash` algorithms (hashes.py `_SUPPORTED_HASHES`), strongest first. */
export const SUPPORTED_HASHES = ["sha512", "sha384", "sha256", "sha224", "sha1", "md5"] as const;
export type HashAlgorithm = (typeof SUPPORTED_HASHES)[number];

/** Accepted digests per algorithm: a file matches when any digest of any algorithm matches (pip's Hashes). */
export type HashSet = Readonly<Record<string, readonly string[]>>;

export function isSupportedHash(algorithm: string): algorithm is HashAlgorithm {
  return (SUPPORTED_HASHES as readonly string[]).includes(algorithm);
}

/** Computes several digests of one stream of chunks. */
export class MultiHasher {
  readonly #hashes: Map<string, Hash>;

  constructor(algorithms: Iterable<string>) {
    this.#hashes = new Map();
    for (const algorithm of algorithms) if (isSupportedHash(algorithm) && !this.#hashes.has(algorithm)) this.#hashes.set(algorithm, createHash(algorithm));
  }

  update(chunk: Uint8Array): void {
    for (const hash of this.#hashes.values()) hash.update(chunk);
  }

  /** Lowercase hex digests by algorithm. Call once. */
  digests(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [algorithm, hash] of this.#hashes) out[algorithm] = hash.digest("hex");
    return out;
  }
}

/** Digests of a local file, one read for all algorithms. */
export async function hashFile(path: string, algorithms: Iterable<string>): Promise<Record<string, string>> {
  const hasher = new MultiHasher(algorithms);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hasher.update(chunk as Buffer);
  return hasher.digests();
}

/** The supported algorithms of a hash set (unknown ones are ignored, as pip ignores them in links). */
export function algorithmsOf(...sets: (HashSet | Readonly<Record<string, string>> | null | undefined)[]): Set<HashAlgorithm> {
  const out = new Set<HashAlgorithm>();
  for (const set of sets) for (const algorithm of Object.keys(set ?? {})) if (isSupportedHash(algorithm)) out.add(algorithm);
  return out;
}

/**
 * pip's Hashes.check: true when some supported algorithm of `expected` has a digest equal to
 * `got`'s. A set with no supported algorithm accepts nothing.
 */
export function matchesHashSet(expected: HashSet, got: Readonly<Record<string, string>>): boolean {
  return Object.entries(expected).some(
    ([algorithm, digests]) => isSupportedHash(algorithm) && got[algorithm] !== undefined && digests.some((d) => d.toLowerCase() === got[algorithm]),
  );
}

/** Only the supported algorithms of a set, digests lowercased (for messages and comparisons). */
export function normalizeHashSet(set: HashSet | null | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [algorithm, digests] of Object.entries(set ?? {})) {
    const name = algorithm.toLowerCase();
    if (isSupportedHash(name) && digests.length > 0) out[name] = [...new Set([...(out[name] ?? []), ...digests.map((d) => d.toLowerCase())])];
  }
  return out;
}
