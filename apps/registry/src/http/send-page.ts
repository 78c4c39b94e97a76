import type { Request, Response } from "express";

export interface CacheablePage {
  body: Buffer;
  etag: string;
  lastSerial: number;
}

/** Index pages: ETag/304, the serial pip and mirrors read, and PyPI's 10-minute caching. */
export function sendPage(req: Request, res: Response, page: CacheablePage, contentType: string, isPublic: boolean): void {
  res.setHeader("Vary", "Accept, Authorization");
  res.setHeader("ETag", page.etag);
  res.setHeader("X-PyPI-Last-Serial", String(page.lastSerial));
  res.setHeader("Cache-Control", `${isPublic ? "public" : "private"}, max-age=600`);
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
