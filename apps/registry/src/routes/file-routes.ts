// Distribution files and their PEP 658 metadata. Files never change once uploaded, so they
// are cached forever; ranges let installers read a wheel's METADATA without downloading it.
import { Router, type Request, type Response } from "express";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertCanRead, readAccess } from "../auth/authorize.ts";
import { NotFound, RangeNotSatisfiable } from "../errors.ts";
import { parseByteRange } from "../http/byte-range.ts";
import type { AppDeps } from "../http/deps.ts";
import { checkDownload } from "../services/advisory-policy.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { findDownload, type Download } from "../services/find-download.ts";

const METADATA_SUFFIX = ".metadata";

export function fileRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get("/:index/files/:filename", async (req, res) => {
    const view = await findIndexOrThrow(deps.db, req.params.index as string);
    assertCanRead(req, view);
    const requested = req.params.filename as string;
    const wantsMetadata = requested.endsWith(METADATA_SUFFIX);
    const filename = wantsMetadata ? requested.slice(0, -METADATA_SUFFIX.length) : requested;
    const download = await findDownload(deps, view, filename, { showQuarantined: req.principal?.user.isAdmin === true, access: readAccess(req) });
    // A private member's file through a public group is private too.
    const cacheControl = `${view.anonymousRead && download.index.anonymousRead ? "public" : "private"}, max-age=365000000, immutable`;
    // Advisory policies apply to the distribution, not to its metadata (installers read that to resolve).
    if (!wantsMetadata) {
      const verdict = await checkDownload(deps, view, download);
      if (verdict.action === "warn") {
        const ids = verdict.advisories.map((a) => a.id);
        res.setHeader("Wheelhouse-Advisories", ids.join(","));
        deps.log.warn({ index: view.name, filename: download.file.filename, advisories: ids }, "serving a file with known vulnerabilities");
      }
    }
    if (wantsMetadata) await sendMetadata(req, res, download, cacheControl);
    else await sendFile(req, res, download, cacheControl);
  });

  async function sendMetadata(req: Request, res: Response, { file, index }: Download, cacheControl: string): Promise<void> {
    const text = file.coreMetadata ?? (index.kind === "mirror" ? await deps.mirror.ensureMetadata(index, file.id) : null);
    if (text === null) throw new NotFound(`No core metadata for '${file.filename}'.`, "no-metadata");
    const body = Buffer.from(text, "utf8");
    const etag = `"${file.metadataSha256 ?? createHash("sha256").update(body).digest("hex")}"`;
    res.setHeader("Cache-Control", cacheControl);
    res.setHeader("ETag", etag);
    if (req.get("if-none-match") === etag) {
      res.status(304).end();
      return;
    }
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Content-Length", body.length);
    res.status(200).end(req.method === "HEAD" ? undefined : body);
  }

  async function sendFile(req: Request, res: Response, download: Download, cacheControl: string): Promise<void> {
    const { index } = download;
    let { file } = download;
    // A mirrored file not fetched yet: a HEAD is answered once the mirror has the file (fetched
    // and verified first), so it never promises what a GET then cannot deliver; a range of a file
    // whose upstream page gave no size (PEP 503 HTML) needs its length, so it is fetched first too.
    // A plain GET streams the file as it arrives.
    if (!file.storageKey && index.kind === "mirror" && (req.method === "HEAD" || (file.size === null && req.get("range") !== undefined))) {
      file = (await deps.mirror.cacheFile(index, file.id)).file;
    }
    // "": the page gave no hash and the file was not fetched yet; no validator until it is known.
    const etag = file.sha256 === "" ? null : `"${file.sha256}"`;
    if (etag !== null && req.get("if-none-match") === etag) {
      res.setHeader("Cache-Control", cacheControl);
      res.setHeader("ETag", etag);
      res.status(304).end();
      return;
    }
    let size = file.size === null ? null : Number(file.size);
    const range = size === null ? null : parseByteRange(req.get("range"), size);
    if (range === "unsatisfiable") throw new RangeNotSatisfiable(size!);
    // Open before any header is set: a storage or upstream failure must not go out with the
    // file's immutable caching headers.
    let body: Readable | null = null;
    if (req.method !== "HEAD") {
      if (file.storageKey) body = (await deps.store.get(file.storageKey, range ?? undefined)) as Readable;
      else if (index.kind === "mirror") {
        const opened = await deps.mirror.openFile(index, file.id, range ?? undefined);
        body = opened.stream;
        // The length upstream sent (or, failing that, of the stored copy): what the body will be.
        size = opened.size;
      } else throw new NotFound(`No file named '${file.filename}' in index '${index.name}'.`, "no-file");
    }
    if (size === null) throw new Error(`no size for ${file.filename}`); // HEAD of an unknown size fetched it above
    res.setHeader("Cache-Control", cacheControl);
    if (etag !== null) res.setHeader("ETag", etag);
    res.setHeader("Accept-Ranges", "bytes");
    res.setHeader("Last-Modified", file.uploadedAt.toUTCString());
    // Never content-encoded: hashes are over the exact bytes.
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Content-Disposition", `attachment; filename="${file.filename}"`);
    if (range) {
      res.status(206);
      res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader("Content-Length", range.end - range.start + 1);
    } else {
      res.status(200);
      res.setHeader("Content-Length", size);
    }
    if (!body) {
      res.end();
      return;
    }
    await pipeline(body, res).catch((err: unknown) => {
      // A client that goes away mid-download is normal; a failing source is worth a line.
      if ((err as NodeJS.ErrnoException)?.code !== "ERR_STREAM_PREMATURE_CLOSE" || !req.destroyed) {
        deps.log.warn({ err, filename: file.filename }, "file stream failed");
      }
    });
  }

  return router;
}
