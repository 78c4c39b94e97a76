// The HTTP cache of index pages: the body with its validators, revalidated on every use (pip
// sends `Cache-Control: max-age=0` with If-None-Match / If-Modified-Since).
import { readCacheFile, writeCacheFile } from "./atomic-write.ts";
import { pagePath } from "./cache-layout.ts";

export interface CachedPage {
  /** The URL asked for (the cache key). */
  url: string;
  /** The URL that answered (after redirects): relative links resolve against it. */
  finalUrl: string;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  body: string;
  /**
   * Where a Wheelhouse registry revalidates many of its pages in one request (its
   * `Wheelhouse-Revalidate` header, same origin only); absent for other indexes and older entries.
   */
  revalidateUrl?: string | null;
}

export class PageCache {
  /** `null` disables the cache (`--no-cache-dir`). */
  constructor(readonly cacheDir: string | null) {}

  get(url: string): CachedPage | null {
    if (this.cacheDir === null) return null;
    try {
      const page = JSON.parse(readCacheFile(pagePath(this.cacheDir, url)) ?? "null") as CachedPage | null;
      if (page === null) return null;
      return page.url === url && typeof page.body === "string" ? page : null;
    } catch {
      // Missing or unreadable: a miss either way.
      return null;
    }
  }

  /** Stores atomically (write then rename); errors are ignored, as a cache should. */
  put(page: CachedPage): void {
    if (this.cacheDir === null || (page.etag === null && page.lastModified === null)) return;
    writeCacheFile(pagePath(this.cacheDir, page.url), JSON.stringify(page));
  }
}
