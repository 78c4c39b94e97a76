// Core metadata of a candidate without downloading whole wheels: the cache (by the file's
// sha256), a wheel already on disk, PEP 658 `<url>.metadata`, HTTP range requests into the zip,
// and only then a full download. Sdists answer null (the caller builds them), unless the index
// offers PEP 643 static metadata for them.
import { createHash } from "node:crypto";
import { checkMetadataVersion, parseRawMetadata, ZIP_TAIL_BYTES, type RandomAccess } from "@wheelhouse/packaging";
import type { Candidate, DistFile } from "../types.ts";
import { readCacheFile, writeCacheFile } from "../cache/atomic-write.ts";
import { metadataPath } from "../cache/cache-layout.ts";
import type { Downloader } from "./downloader.ts";
import { HashMismatch } from "../hashes/hash-mismatch.ts";
import { HttpError } from "../net/errors.ts";
import { isLocalLocation, localPath, type HttpClient } from "../net/http-client.ts";
import { readWheelMetadata, withLocalFile } from "./wheel-metadata.ts";

export interface MetadataFetcherOptions {
  http: HttpClient;
  /** Used when ranges are not served, and to find wheels already downloaded. */
  downloader: Downloader;
  /** `null` with `--no-cache-dir`. */
  cacheDir: string | null;
  /** Bytes asked from the end of a wheel first; the default covers the longest zip comment. */
  tailBytes?: number;
  cwd?: string;
}

/** How the last answer for a file was obtained (for logs and tests). */
export type MetadataSource = "cache" | "local-file" | "pep658" | "range" | "download";

/** The server ignored or refused a Range request. */
class RangesUnsupported extends Error {}

export class MetadataFetcher {
  readonly #options: MetadataFetcherOptions;
  readonly #pending = new Map<string, Promise<string | null>>();
  /** How each URL's metadata was last obtained. */
  readonly sources = new Map<string, MetadataSource>();

  constructor(options: MetadataFetcherOptions) {
    this.#options = options;
  }

  /** The METADATA text of the file that would be installed (the candidate's best file), or null for an sdist. */
  forCandidate(candidate: Candidate): Promise<string | null> {
    const file = candidate.files[0];
    if (!file) return Promise.resolve(null);
    return this.forFile(file, candidate.name);
  }

  /** The METADATA text of one file, or null when it has to be built (an sdist). Coalesced per URL. */
  forFile(file: DistFile, project: string | null = null): Promise<string | null> {
    let pending = this.#pending.get(file.url);
    if (!pending) {
      pending = this.#forFile(file, project);
      this.#pending.set(file.url, pending);
      pending.catch(() => this.#pending.delete(file.url));
    }
    return pending;
  }

  async #forFile(file: DistFile, project: string | null): Promise<string | null> {
    const sha256 = file.hashes.sha256?.toLowerCase() ?? null;
    const { cacheDir } = this.#options;
    if (sha256 && cacheDir !== null) {
      const cached = readCacheFile(metadataPath(cacheDir, sha256));
      if (cached !== null) {
        this.sources.set(file.url, "cache");
        return cached;
      }
    }
    const text = await this.#fetch(file, project);
    if (text !== null && sha256 && cacheDir !== null) writeCacheFile(metadataPath(cacheDir, sha256), text);
    return text;
  }

  async #fetch(file: DistFile, project: string | null): Promise<string | null> {
    const { downloader, http } = this.#options;
    const local = isLocalLocation(file.url) ? localPath(file.url, this.#options.cwd) : await downloader.cachedPath(file);
    if (local && file.kind === "wheel") {
      this.sources.set(file.url, "local-file");
      return withLocalFile(local, (source) => readWheelMetadata(source, file.filename, project));
    }
    if (file.coreMetadata && !isLocalLocation(file.url)) {
      const text = await this.#pep658(file);
      if (text !== null && (file.kind === "wheel" || isStaticSdistMetadata(text))) {
        this.sources.set(file.url, "pep658");
        return text;
      }
    }
    if (file.kind !== "wheel" || isLocalLocation(file.url)) return null;
    try {
      const source = await HttpRangeSource.open(http, file.url, this.#options.tailBytes ?? ZIP_TAIL_BYTES);
      const text = await readWheelMetadata(source, file.filename, project);
      this.sources.set(file.url, "range");
      return text;
    } catch (err) {
      if (!(err instanceof RangesUnsupported)) throw err;
    }
    // The server ignores ranges: download it (it is cached for the install that follows).
    const path = await downloader.fetch(file);
    this.sources.set(file.url, "download");
    return withLocalFile(path, (source) => readWheelMetadata(source, file.filename, project));
  }

  /** PEP 658: `<url>.metadata`, checked against its sha256 when the page gave one; null when absent. */
  async #pep658(file: DistFile): Promise<string | null> {
    const { http } = this.#options;
    const url = `${file.url}.metadata`;
    const response = await http.request(url, { headers: { "accept-encoding": "gzip, deflate, br" } });
    if (response.status === 404 || response.status === 410) {
      await response.dump();
      return null;
    }
    if (response.status !== 200) {
      await response.dump();
      throw new HttpError(response.status, response.statusText, http.redact(url));
    }
    const bytes = await response.buffer();
    const expected = file.coreMetadata ? file.coreMetadata.sha256?.toLowerCase() : undefined;
    if (expected) {
      const got = createHash("sha256").update(bytes).digest("hex");
      if (got !== expected) {
        throw new HashMismatch([
          { requirement: `${file.filename}.metadata`, url: http.redact(url), expected: { sha256: [expected] }, got: { sha256: got }, source: "index" },
        ]);
      }
    }
    return bytes.toString("utf8");
  }
}

/**
 * PEP 643: an sdist's metadata can be trusted without building when its Metadata-Version is 2.2
 * or later and it does not mark the fields the resolver needs as Dynamic.
 */
export function isStaticSdistMetadata(text: string): boolean {
  // The one reader of Metadata-Version (packages/packaging): a version it cannot read (3.0 and
  // later) is not trusted either, so the sdist is built and its wheel's metadata says why.
  const { raw } = parseRawMetadata(text);
  const checked = raw.metadataVersion === undefined ? null : checkMetadataVersion(raw.metadataVersion);
  if (!checked?.version || compareMetadataVersions(checked.version, "2.2") < 0) return false;
  // PEP 808 (2.6) lets a Dynamic list field also carry static values: still not the whole list.
  const dynamic = (raw.dynamic ?? []).map((field) => field.trim().toLowerCase());
  return !dynamic.some((field) => field === "requires-dist" || field === "requires-python" || field === "provides-extra");
}

/** `major.minor` against `major.minor`, numerically. */
function compareMetadataVersions(a: string, b: string): number {
  const [am, an] = a.split(".").map(Number) as [number, number];
  const [bm, bn] = b.split(".").map(Number) as [number, number];
  return am - bm || an - bn;
}

/**
 * A remote file read by Range requests, starting with a suffix range for its end (pip's lazy
 * wheel) so one request gives the size, the end records and usually the central directory and
 * METADATA too (wheels put .dist-info last). Throws RangesUnsupported when the server ignores ranges.
 */
class HttpRangeSource implements RandomAccess {
  readonly #segments: { start: number; data: Buffer }[] = [];

  private constructor(
    readonly size: number,
    readonly url: string,
    readonly http: HttpClient,
  ) {}

  static async open(http: HttpClient, url: string, tailBytes: number): Promise<HttpRangeSource> {
    const response = await http.request(url, { headers: { range: `bytes=-${tailBytes}`, "accept-encoding": "identity" } });
    if (response.status !== 206) {
      await response.dump();
      if (response.status === 200 || response.status === 416 || response.status === 501) throw new RangesUnsupported();
      throw new HttpError(response.status, response.statusText, http.redact(url));
    }
    const range = parseContentRange(response.headers["content-range"]);
    if (!range) {
      await response.dump();
      throw new RangesUnsupported();
    }
    const data = await response.buffer();
    if (data.length !== range.end - range.start) throw new RangesUnsupported();
    const source = new HttpRangeSource(range.size, url, http);
    source.#segments.push({ start: range.start, data });
    return source;
  }

  async read(start: number, end: number): Promise<Buffer> {
    end = Math.min(end, this.size);
    if (end <= start) return Buffer.alloc(0);
    for (const segment of this.#segments) {
      if (segment.start <= start && end <= segment.start + segment.data.length) {
        return segment.data.subarray(start - segment.start, end - segment.start);
      }
    }
    const response = await this.http.request(this.url, { headers: { range: `bytes=${start}-${end - 1}`, "accept-encoding": "identity" } });
    const range = response.status === 206 ? parseContentRange(response.headers["content-range"]) : null;
    if (!range || range.start !== start) {
      await response.dump();
      throw new RangesUnsupported();
    }
    const data = await response.buffer();
    if (data.length < end - start) throw new RangesUnsupported();
    this.#segments.push({ start, data });
    return data.subarray(0, end - start);
  }
}

/** `bytes <start>-<last>/<size>` → [start, end) and size. */
function parseContentRange(value: string | undefined): { start: number; end: number; size: number } | null {
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(value ?? "");
  if (!match) return null;
  const [start, last, size] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return last >= start && last < size ? { start, end: last + 1, size } : null;
}
