// Distribution files on local disk: a content-addressed cache hit costs no request; a download
// streams to a temporary file while hashing, is checked against the index's digests and the
// user's `--hash` set, and only then is renamed into the cache.
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseDistributionFilename } from "@wheelhouse/packaging";
import type { DistFile } from "../types.ts";
import { cacheFileExists, readCacheFile, writeCacheFile } from "../cache/atomic-write.ts";
import { cachedFilePath, tempDir, urlPointerPath } from "../cache/cache-layout.ts";
import { HashMismatch, type HashMismatchItem } from "../hashes/hash-mismatch.ts";
import { HttpError, NetworkError } from "../net/errors.ts";
import { algorithmsOf, hashFile, matchesHashSet, MultiHasher, normalizeHashSet, type HashSet } from "../hashes/hashing.ts";
import { describeNetworkError, isLocalLocation, localPath, type HttpClient } from "../net/http-client.ts";

export interface DownloadProgress {
  filename: string;
  /** Redacted. */
  url: string;
  done: number;
  /** From Content-Length or the page's PEP 700 size; null when unknown. */
  total: number | null;
  /** True for the single report of a file served from the cache. */
  cached: boolean;
}

export type ProgressCallback = (progress: DownloadProgress) => void;

export interface DownloaderOptions {
  http: HttpClient;
  /** `null` with `--no-cache-dir`: downloads go to a temporary directory removed by `close()`. */
  cacheDir: string | null;
  onProgress?: ProgressCallback;
  /** Restarts of a download whose body broke off (the connection itself is retried by the client). Default 2. */
  retries?: number;
  cwd?: string;
}

export interface FetchOptions {
  /** The user's `--hash` digests for this requirement (pip: any one matching is enough). */
  expectedHashes?: HashSet | null;
  onProgress?: ProgressCallback;
  /** How messages name it (pip: `name==version`); default from the filename. */
  requirement?: string;
}

export class Downloader {
  readonly #http: HttpClient;
  readonly #cacheDir: string | null;
  readonly #onProgress: ProgressCallback | undefined;
  readonly #retries: number;
  readonly #cwd: string;
  readonly #pending = new Map<string, Promise<string>>();
  #sessionDir: Promise<string> | null = null;

  constructor(options: DownloaderOptions) {
    this.#http = options.http;
    this.#cacheDir = options.cacheDir;
    this.#onProgress = options.onProgress;
    this.#retries = options.retries ?? 2;
    this.#cwd = options.cwd ?? process.cwd();
  }

  /**
   * A local path holding `file`'s verified content. Safe to call concurrently: one download per
   * (URL, expected hashes). Throws HashMismatch (nothing cached), HttpError, NetworkError.
   */
  fetch(file: DistFile, options: FetchOptions = {}): Promise<string> {
    const expected = normalizeHashSet(options.expectedHashes);
    const key = `${file.url}\n${JSON.stringify(expected)}`;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetch(file, expected, options).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  /**
   * Where `file` already is in the cache, without any request: by the index's sha256, else by
   * the user's sha256 digests, else by what an earlier download of the same URL hashed to.
   */
  async cachedPath(file: DistFile, expectedHashes?: HashSet | null): Promise<string | null> {
    if (isLocalLocation(file.url)) return localPath(file.url, this.#cwd);
    const cacheDir = this.#cacheDir;
    if (cacheDir === null) return null;
    const indexSha = file.hashes.sha256?.toLowerCase();
    const shas = indexSha ? [indexSha] : [...(normalizeHashSet(expectedHashes).sha256 ?? [])];
    if (!indexSha) {
      const pointed = readCacheFile(urlPointerPath(cacheDir, file.url));
      if (pointed && /^[0-9a-f]{64}$/.test(pointed.trim())) shas.push(pointed.trim());
    }
    for (const sha of shas) {
      const path = cachedFilePath(cacheDir, sha, file.filename);
      if (cacheFileExists(path)) return path;
    }
    return null;
  }

  /** Removes the temporary directory used without a cache (paths it returned go with it). */
  async close(): Promise<void> {
    const dir = this.#sessionDir;
    this.#sessionDir = null;
    if (dir) await rm(await dir, { recursive: true, force: true });
  }

  async #fetch(file: DistFile, expected: Record<string, string[]>, options: FetchOptions): Promise<string> {
    const requirement = options.requirement ?? requirementOf(file.filename);
    const shownUrl = this.#http.redact(file.url);
    const indexExpected = indexHashes(file);
    const progress = options.onProgress ?? this.#onProgress;
    const cached = await this.cachedPath(file, expected);
    if (cached && isLocalLocation(file.url) && !cacheFileExists(cached)) throw new HttpError(404, "Not Found", shownUrl);
    if (cached) {
      // A content-addressed file was verified when it was stored: only digests other than its
      // sha256 need reading it again.
      const knownSha = isLocalLocation(file.url) ? null : cached.split(/[\\/]/).at(-2)!;
      const algorithms = algorithmsOf(expected, indexExpected);
      if (knownSha) algorithms.delete("sha256");
      const digests = algorithms.size > 0 ? await hashFile(cached, algorithms) : {};
      if (knownSha) digests.sha256 = knownSha;
      check(digests, indexExpected, expected, requirement, shownUrl);
      progress?.({ filename: file.filename, url: shownUrl, done: 0, total: null, cached: true });
      return cached;
    }
    const work = this.#cacheDir === null ? await this.#session() : tempDir(this.#cacheDir);
    await mkdir(work, { recursive: true });
    const temp = join(work, `${randomBytes(8).toString("hex")}-${file.filename}`);
    try {
      const digests = await this.#download(file, temp, algorithmsOf({ sha256: [] }, expected, indexExpected), progress);
      check(digests, indexExpected, expected, requirement, shownUrl);
      const sha256 = digests.sha256!;
      const final = this.#cacheDir === null ? join(work, sha256, file.filename) : cachedFilePath(this.#cacheDir, sha256, file.filename);
      await mkdir(dirname(final), { recursive: true });
      await rename(temp, final);
      if (this.#cacheDir !== null && !file.hashes.sha256) writeCacheFile(urlPointerPath(this.#cacheDir, file.url), sha256);
      return final;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async #download(file: DistFile, temp: string, algorithms: Iterable<string>, progress: ProgressCallback | undefined): Promise<Record<string, string>> {
    const shownUrl = this.#http.redact(file.url);
    for (let attempt = 0; ; attempt++) {
      const response = await this.#http.get(file.url, { headers: { "accept-encoding": "identity" } });
      const length = Number(response.headers["content-length"]);
      const total = Number.isFinite(length) && length >= 0 ? length : (file.size ?? null);
      const hasher = new MultiHasher(algorithms);
      let done = 0;
      progress?.({ filename: file.filename, url: shownUrl, done, total, cached: false });
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hasher.update(chunk);
          done += chunk.length;
          progress?.({ filename: file.filename, url: shownUrl, done, total, cached: false });
          callback(null, chunk);
        },
      });
      try {
        await pipeline(response.body, meter, createWriteStream(temp));
        return hasher.digests();
      } catch (err) {
        if (attempt >= this.#retries) throw new NetworkError(shownUrl, describeNetworkError(err), { cause: err });
      }
    }
  }

  #session(): Promise<string> {
    return (this.#sessionDir ??= mkdtemp(join(tmpdir(), "wheelhouse-download-")));
  }
}

/** The supported digests the index published for a file. */
function indexHashes(file: DistFile): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [algorithm, digest] of Object.entries(file.hashes)) out[algorithm.toLowerCase()] = [digest.toLowerCase()];
  return normalizeHashSet(out);
}

/** Every index digest must match; then one of the user's, when there are any (pip). */
function check(
  digests: Record<string, string>,
  indexExpected: Record<string, string[]>,
  userExpected: Record<string, string[]>,
  requirement: string,
  url: string,
): void {
  const items: HashMismatchItem[] = [];
  const indexBad = Object.entries(indexExpected).filter(([algorithm, [digest]]) => digests[algorithm] !== digest);
  if (indexBad.length > 0) {
    const expected = Object.fromEntries(indexBad);
    items.push({ requirement, url, expected, got: pick(digests, Object.keys(expected)), source: "index" });
  } else if (Object.keys(userExpected).length > 0 && !matchesHashSet(userExpected, digests)) {
    items.push({ requirement, url, expected: userExpected, got: pick(digests, Object.keys(userExpected)), source: "requirements" });
  }
  if (items.length > 0) throw new HashMismatch(items);
}

function pick(digests: Record<string, string>, algorithms: string[]): Record<string, string> {
  return Object.fromEntries(algorithms.filter((a) => digests[a] !== undefined).map((a) => [a, digests[a]!]));
}

function requirementOf(filename: string): string {
  try {
    const parsed = parseDistributionFilename(filename);
    return `${parsed.name}==${parsed.version}`;
  } catch {
    return filename;
  }
}
