// Project pages from indexes (PEP 503/691) and file lists from find-links locations, as DistFiles.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { canonicalizeName, parseWheelFilename, type NormalizedName } from "@wheelhouse/packaging";
import { filenameFromUrl, type UpstreamFile } from "@wheelhouse/simple-index/upstream-page";
import type { DistFile } from "../types.ts";
import { HttpError, NetworkError } from "../net/errors.ts";
import { isLocalLocation, localPath, type HttpClient, type HttpResponse } from "../net/http-client.ts";
import { readJsonPageFiles } from "./json-page.ts";
import { PageCache, type CachedPage } from "../cache/page-cache.ts";

/** Pages a registry's batch revalidation takes at once (its limit). */
const MAX_REVALIDATE_PAGES = 1000;

/** What pip sends: PEP 691 JSON first, HTML understood. */
export const SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

/** Extensions of distributions we can install or build (pip's archive list, minus bz2/xz). */
const SDIST_EXTENSIONS = [".tar.gz", ".zip", ".tgz", ".tar"];

export interface IndexClientOptions {
  http: HttpClient;
  /** `null` with `--no-cache-dir`: pages are then fetched without validators. */
  cacheDir: string | null;
  /** pip's "Could not fetch URL …: … - skipping" and similar notes. */
  onWarning?: (message: string) => void;
  /** Relative find-links paths resolve against this. */
  cwd?: string;
  /** `--trusted-host` values: plain-http pages from these hosts are read. */
  trustedHosts?: readonly string[];
}

/** A page as fetched: its body and the URL its links are relative to. */
interface FetchedPage {
  body: string;
  contentType: string | null;
  finalUrl: string;
}

export class IndexClient {
  readonly #http: HttpClient;
  readonly #cache: PageCache;
  readonly #warn: (message: string) => void;
  readonly #cwd: string;
  readonly #trustedHosts: readonly string[];
  /** One fetch per URL per run, shared by concurrent callers. */
  readonly #pages = new Map<string, Promise<DistFile[]>>();
  /** Pages read ahead by `prefetchProjectPages`, with the warnings held until a caller asks for the page. */
  readonly #prefetched = new Map<string, Promise<{ files: DistFile[]; warnings: string[] }>>();
  /** Page URLs a batch revalidation is deciding on: true when the index said the cached page is current. */
  readonly #current = new Map<string, Promise<boolean>>();
  /** Normalized names of the projects whose pages were asked for (`projectPage`), in order. */
  readonly projectsRequested = new Set<NormalizedName>();

  constructor(options: IndexClientOptions) {
    this.#http = options.http;
    this.#cache = new PageCache(options.cacheDir);
    this.#warn = options.onWarning ?? (() => {});
    this.#cwd = options.cwd ?? process.cwd();
    this.#trustedHosts = options.trustedHosts ?? [];
  }

  /** `<index>/<normalized name>/`, as pip builds it. */
  projectPageUrl(indexUrl: string, name: string): string {
    const base = isLocalLocation(indexUrl) ? pathToFileURL(localPath(indexUrl, this.#cwd)).toString() : indexUrl;
    return new URL(`${encodeURIComponent(canonicalizeName(name))}/`, base.endsWith("/") ? base : `${base}/`).toString();
  }

  /**
   * The files an index offers for a project. A missing project (404/410) is an empty list; any
   * other failure is a warning and an empty list, as pip skips an index it cannot read.
   */
  projectPage(indexUrl: string, name: string): Promise<DistFile[]> {
    this.projectsRequested.add(canonicalizeName(name));
    const url = this.projectPageUrl(indexUrl, name);
    return this.#once(url, () => {
      const ahead = this.#prefetched.get(url);
      if (!ahead) return this.#readPage(url, SIMPLE_ACCEPT);
      return ahead.then(({ files, warnings }) => {
        for (const warning of warnings) this.#warn(warning);
        return files;
      });
    });
  }

  /**
   * Reads (or revalidates) the project pages of `names` on every index at once, ahead of the
   * resolver: `projectPage` then finds them done. Nothing is reported until a page is asked for,
   * so a guess that turns out unneeded costs one request and no message.
   */
  prefetchProjectPages(indexUrls: readonly string[], names: Iterable<string>, { batch = false } = {}): void {
    const urls = new Set<string>();
    for (const name of names) {
      for (const indexUrl of indexUrls) {
        let url: string;
        try {
          url = this.projectPageUrl(indexUrl, name);
        } catch {
          continue;
        }
        if (!this.#pages.has(url) && !this.#prefetched.has(url)) urls.add(url);
      }
    }
    if (batch) this.#revalidateInBatches([...urls]);
    for (const url of urls) this.#prefetch(url);
  }

  /**
   * A project's files read ahead of the resolution (see `prefetchProjectPages`): warnings are
   * held until the resolution asks for the page, so a guess that turns out unneeded says nothing.
   */
  readAhead(indexUrl: string, name: string): Promise<DistFile[]> {
    const url = this.projectPageUrl(indexUrl, name);
    return this.#pages.get(url) ?? this.#prefetch(url).then(({ files }) => files);
  }

  #prefetch(url: string): Promise<{ files: DistFile[]; warnings: string[] }> {
    let ahead = this.#prefetched.get(url);
    if (!ahead) {
      const warnings: string[] = [];
      ahead = this.#readPage(url, SIMPLE_ACCEPT, url, (message) => warnings.push(message)).then((files) => ({ files, warnings }));
      // A failure other than a warning (a bug) surfaces when the page is asked for, or never.
      ahead.catch(() => {});
      this.#prefetched.set(url, ahead);
    }
    return ahead;
  }

  /**
   * Asks each Wheelhouse registry once which of its cached pages among `urls` are current (see
   * the registry's simple routes), instead of one conditional request per page. A page it does
   * not call current, or any failure of the batch request, means that page's own conditional GET.
   */
  #revalidateInBatches(urls: readonly string[]): void {
    const batches = new Map<string, Map<string, { url: string; contentType: string; etag: string }>>();
    for (const url of urls) {
      if (this.#current.has(url) || isLocalLocation(url) || !isSecureOrigin(url, this.#trustedHosts)) continue;
      const cached = this.#cache.get(url);
      if (!cached?.revalidateUrl || !cached.etag || !cached.contentType) continue;
      const project = decodeURIComponent(new URL(url).pathname.split("/").at(-2) ?? "");
      const batch = batches.get(cached.revalidateUrl) ?? new Map();
      // The answer names projects: a second page of one project (another URL to the same index)
      // gets its own GET rather than an answer meant for the first.
      if (batch.has(project)) continue;
      batch.set(project, { url, contentType: cached.contentType, etag: cached.etag });
      batches.set(cached.revalidateUrl, batch);
    }
    for (const [endpoint, batch] of batches) {
      const pages = [...batch];
      for (let start = 0; start < pages.length; start += MAX_REVALIDATE_PAGES) {
        const slice = pages.slice(start, start + MAX_REVALIDATE_PAGES);
        const answer = this.#askCurrent(
          endpoint,
          slice.map(([project, { contentType, etag }]) => ({ project, contentType, etag })),
        );
        for (const [project, { url }] of slice)
          this.#current.set(
            url,
            answer.then((current) => current.has(project)),
          );
      }
    }
  }

  async #askCurrent(endpoint: string, pages: { project: string; contentType: string; etag: string }[]): Promise<Set<string>> {
    try {
      const response = await this.#http.request(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ pages }),
      });
      if (response.status !== 200) {
        await response.dump();
        return new Set();
      }
      const { current } = JSON.parse(await response.text()) as { current?: unknown };
      return new Set(Array.isArray(current) ? current.filter((c): c is string => typeof c === "string") : []);
    } catch {
      // The pages' own requests will tell what is wrong, if anything is.
      return new Set();
    }
  }

  /**
   * The files a find-links location offers: a local directory (its files), a local or remote
   * HTML page (its links), or a single distribution file.
   */
  findLinks(location: string): Promise<DistFile[]> {
    return this.#once(`find-links:${location}`, () => this.#readFindLinks(location));
  }

  #once(key: string, load: () => Promise<DistFile[]>): Promise<DistFile[]> {
    let pending = this.#pages.get(key);
    if (!pending) {
      pending = load();
      this.#pages.set(key, pending);
    }
    return pending;
  }

  async #readFindLinks(location: string): Promise<DistFile[]> {
    if (isLocalLocation(location)) {
      const path = localPath(location, this.#cwd);
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory()) return listDirectory(path, location);
      if (info?.isFile() && !/\.html?$/i.test(path)) {
        const file = toDistFile({ filename: filenameFromUrl(pathToFileURL(path).toString()), url: pathToFileURL(path).toString() }, location);
        return file ? [file] : [];
      }
      if (!info) {
        this.#warn(`Location '${location}' is ignored: it is either a non-existing path or lacks a specific scheme.`);
        return [];
      }
      return this.#readPage(pathToFileURL(path).toString(), "text/html", location);
    }
    // A link straight to a distribution is that one file; anything else is a page of links.
    const single = toDistFile({ filename: filenameFromUrl(location), url: location }, this.#http.redact(location));
    return single ? [single] : this.#readPage(location, "text/html");
  }

  async #readPage(url: string, accept: string, source: string = url, warn: (message: string) => void = this.#warn): Promise<DistFile[]> {
    if (!isSecureOrigin(url, this.#trustedHosts)) {
      const host = new URL(url).hostname;
      warn(
        `The repository located at ${host} is not a trusted or secure host and is being ignored. ` +
          `If this repository is available via HTTPS we recommend you use HTTPS instead, ` +
          `otherwise you may silence this warning and allow it anyway with '--trusted-host ${host}'.`,
      );
      return [];
    }
    let page: FetchedPage | null;
    try {
      page = await this.#fetchPage(url, accept);
    } catch (err) {
      if (!(err instanceof HttpError || err instanceof NetworkError)) throw err;
      // Offline or failing: a stale copy beats nothing (it is what the index last said).
      const stale = this.#cache.get(url);
      const reason = err instanceof HttpError ? `${err.status} ${err.statusText}` : err.reason;
      if (stale) {
        warn(`Could not fetch URL ${this.#http.redact(url)}: ${reason} - using the cached page`);
        page = stale;
      } else {
        warn(`Could not fetch URL ${this.#http.redact(url)}: ${reason} - skipping`);
        return [];
      }
    }
    if (!page) return [];
    let files: UpstreamFile[];
    try {
      // JSON pages the quick way; HTML, and anything the quick reader leaves, with the full parsers (loaded only then).
      const quick = accept === "text/html" ? null : readJsonPageFiles(page.body, page.contentType, page.finalUrl);
      if (quick !== null) files = quick;
      else {
        const { parseHtmlPage, parseProjectPage } = await import("@wheelhouse/simple-index");
        files = accept === "text/html" ? parseHtmlPage(page.body, page.finalUrl).files : parseProjectPage(page.body, page.contentType, page.finalUrl).files;
      }
    } catch (err) {
      warn(`Could not read the page at ${this.#http.redact(url)}: ${err instanceof Error ? err.message : String(err)} - skipping`);
      return [];
    }
    const shown = this.#http.redact(source);
    return files.flatMap((file) => {
      const dist = toDistFile(file, shown);
      return dist ? [dist] : [];
    });
  }

  /** null when the page does not exist; throws HttpError / NetworkError otherwise. */
  async #fetchPage(url: string, accept: string): Promise<FetchedPage | null> {
    const cached = isLocalLocation(url) ? null : this.#cache.get(url);
    // Declared current by this run's batch revalidation: no request of its own.
    if (cached && (await this.#current.get(url))) return cached;
    const headers: Record<string, string> = { accept, "accept-encoding": "gzip, deflate, br" };
    if (cached) {
      // pip: revalidate on every use.
      headers["cache-control"] = "max-age=0";
      if (cached.etag) headers["if-none-match"] = cached.etag;
      if (cached.lastModified) headers["if-modified-since"] = cached.lastModified;
    }
    const response = await this.#http.request(url, { headers });
    if (response.status === 304 && cached) {
      await response.dump();
      // An entry from before the registry named its batch revalidation learns it here.
      const revalidateUrl = sameOriginUrl(response.headers["wheelhouse-revalidate"], url, response.url);
      if (revalidateUrl !== (cached.revalidateUrl ?? null)) this.#cache.put({ ...cached, revalidateUrl });
      return cached;
    }
    if (response.status === 404 || response.status === 410) {
      await response.dump();
      return null;
    }
    if (response.status < 200 || response.status > 299) {
      await response.dump();
      throw new HttpError(response.status, response.statusText, this.#http.redact(url));
    }
    const body = await response.text();
    const page = toCachedPage(url, response, body);
    if (!isLocalLocation(url)) this.#cache.put(page);
    return page;
  }
}

/**
 * pip's is_secure_origin: https, files, loopback addresses, and the `--trusted-host` hosts
 * (`host` or `host:port`); plain http elsewhere is refused.
 */
export function isSecureOrigin(url: string, trustedHosts: readonly string[]): boolean {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:") return true;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return trustedHosts.some((trusted) => trusted === parsed.host || trusted === parsed.hostname);
}

function toCachedPage(url: string, response: HttpResponse, body: string): CachedPage {
  return {
    url,
    finalUrl: response.url,
    contentType: response.headers["content-type"] ?? null,
    etag: response.headers.etag ?? null,
    lastModified: response.headers["last-modified"] ?? null,
    body,
    revalidateUrl: sameOriginUrl(response.headers["wheelhouse-revalidate"], url, response.url),
  };
}

/**
 * `location` resolved against `answered` when it stays on the origin of the URL asked for and of
 * the one that answered (credentials go nowhere else, and a redirect elsewhere is not trusted to
 * speak for the page asked for); else null.
 */
function sameOriginUrl(location: string | undefined, asked: string, answered: string): string | null {
  if (!location) return null;
  try {
    const url = new URL(location, answered);
    return url.origin === new URL(answered).origin && url.origin === new URL(asked).origin ? url.toString() : null;
  } catch {
    return null;
  }
}

async function listDirectory(path: string, source: string): Promise<DistFile[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort()
    .flatMap((name) => {
      const file = toDistFile({ filename: name, url: pathToFileURL(join(path, name)).toString() }, source);
      return file ? [file] : [];
    });
}

/** A DistFile for a wheel or an sdist link; null for anything else (eggs, installers, bz2/xz archives). */
export function toDistFile(file: Partial<UpstreamFile> & { filename: string; url: string }, source: string): DistFile | null {
  const filename = file.filename;
  const lower = filename.toLowerCase();
  let kind: DistFile["kind"];
  let tags: DistFile["tags"];
  if (lower.endsWith(".whl")) {
    kind = "wheel";
    try {
      tags = parseWheelFilename(filename).tags;
    } catch {
      tags = undefined;
    }
  } else if (SDIST_EXTENSIONS.some((ext) => lower.endsWith(ext))) {
    kind = "sdist";
  } else {
    return null;
  }
  const coreMetadata: DistFile["coreMetadata"] = !file.coreMetadata ? false : file.coreMetadata.sha256 ? { sha256: file.coreMetadata.sha256 } : {};
  const dist: DistFile = {
    filename,
    url: file.url,
    hashes: { ...(file.hashes ?? (file.sha256 ? { sha256: file.sha256 } : {})) },
    requiresPython: file.requiresPython ?? null,
    yanked: file.yanked ?? false,
    coreMetadata,
    source,
    kind,
  };
  if (file.size !== null && file.size !== undefined) dist.size = file.size;
  if (tags) dist.tags = tags;
  return dist;
}
