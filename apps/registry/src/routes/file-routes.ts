// Distribution files and their PEP 658 metadata. Files never change once uploaded, so they
// are cached forever; ranges let installers read a wheel's METADATA without downloading it.
import { Router } from "express";
import { pipeline } from "node:stream/promises";
import { assertCanRead } from "../auth/authorize.ts";
import { NotFound, RangeNotSatisfiable } from "../errors.ts";
import { parseByteRange } from "../http/byte-range.ts";
import type { AppDeps } from "../http/deps.ts";
import { findIndexOrThrow } from "../services/find-index.ts";

const METADATA_SUFFIX = ".metadata";

export function fileRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get("/:index/files/:filename", async (req, res) => {
    const index = await findIndexOrThrow(deps.db, req.params.index as string);
    assertCanRead(req, index);
    let filename = req.params.filename as string;
    const wantsMetadata = filename.endsWith(METADATA_SUFFIX);
    if (wantsMetadata) filename = filename.slice(0, -METADATA_SUFFIX.length);
    const file = await deps.db.file.findUnique({ where: { indexId_filename: { indexId: index.id, filename } } });
    if (!file || (wantsMetadata && file.coreMetadata === null)) throw new NotFound(`No file named '${req.params.filename}' in index '${index.name}'.`, "no-file");

    res.setHeader("Cache-Control", `${index.anonymousRead ? "public" : "private"}, max-age=365000000, immutable`);
    res.setHeader("Accept-Ranges", "bytes");
    if (wantsMetadata) {
      const body = Buffer.from(file.coreMetadata!, "utf8");
      res.setHeader("ETag", `"${file.metadataSha256}"`);
      res.setHeader("Content-Type", "application/octet-stream");
      res.setHeader("Content-Length", body.length);
      res.status(200).end(req.method === "HEAD" ? undefined : body);
      return;
    }

    const size = Number(file.size);
    res.setHeader("ETag", `"${file.sha256}"`);
    res.setHeader("Last-Modified", file.uploadedAt.toUTCString());
    // Never content-encoded: hashes are over the exact bytes.
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Content-Disposition", `attachment; filename="${file.filename}"`);
    if (req.get("if-none-match") === `"${file.sha256}"`) {
      res.status(304).end();
      return;
    }
    const range = parseByteRange(req.get("range"), size);
    if (range === "unsatisfiable") throw new RangeNotSatisfiable(size);
    if (range) {
      res.status(206);
      res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader("Content-Length", range.end - range.start + 1);
    } else {
      res.status(200);
      res.setHeader("Content-Length", size);
    }
    if (req.method === "HEAD" || size === 0) {
      res.end();
      return;
    }
    if (!file.storageKey) throw new NotFound(`File '${file.filename}' is not cached yet.`, "no-file");
    const body = await deps.store.get(file.storageKey, range ?? undefined);
    await pipeline(body, res).catch((err: unknown) => {
      // A client that goes away mid-download is normal; anything else is worth a line.
      if (!res.destroyed) deps.log.warn({ err, key: file.storageKey }, "file stream failed");
    });
  });

  return router;
}
