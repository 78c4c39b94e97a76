import type { Request, Response } from "express";

export interface CacheablePage {
  body: Buffer;
  etag: string;
  lastSerial: number;
}

/**
 * Index pages: ETag/304 and the serial pip and mirrors read. `maxAgeSeconds` (services/page-max-age.ts)
 * is how long a client may reuse the page unasked; 0, the default, makes it revalidate every time
 * (`max-age=0, must-revalidate`, RFC 9111 5.2.2.2) with its ETag, so a new upload shows at once even
 * to pip 26.2+, which caches pages by Cache-Control.
 */
export function sendPage(req: Request, res: Response, page: CacheablePage, contentType: string, isPublic: boolean, maxAgeSeconds = 0): void {
  res.setHeader("Vary", "Accept, Authorization");
  res.setHeader("ETag", page.etag);
  res.setHeader("X-PyPI-Last-Serial", String(page.lastSerial));
  const reuse = maxAgeSeconds > 0 ? `max-age=${maxAgeSeconds}` : "max-age=0, must-revalidate";
  res.setHeader("Cache-Control", `${isPublic ? "public" : "private"}, ${reuse}`);
  res.setHeader("Content-Type", `${contentType}; charset=utf-8`);
  if (etagMatches(req.get("if-none-match"), page.etag)) {
    res.status(304).end();
    return;
  }
  res.setHeader("Content-Length", page.body.length);
  res.status(200).end(req.method === "HEAD" ? undefined : page.body);
}

/** If-None-Match against an ETag (weak comparison, `*` included). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/** One given entity tag against the page's (weak comparison, RFC 9110 8.8.3.2); `*` is no tag. */
export function sameEntityTag(given: string, etag: string): boolean {
  const t = given.trim();
  return t === etag || t === `W/${etag}`;
}
