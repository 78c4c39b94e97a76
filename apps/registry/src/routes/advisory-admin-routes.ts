// Admin API for security advisories (mounted under /api/admin/advisories, before the admin
// router's JSON parser: an import's body is a zip, streamed to a temp file and read from there).
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { Router, type NextFunction, type Request, type Response } from "express";
import { assertAdmin } from "../auth/authorize.ts";
import { AppError, PayloadTooLarge } from "../errors.ts";
import type { AppDeps } from "../http/deps.ts";
import { importAdvisories } from "../services/import-advisories.ts";
import { getAdvisory, listAdvisories, listAdvisoryImports } from "../services/list-advisories.ts";
import { uploadTmpDir } from "../upload/staging-storage-engine.ts";

const ZIP_TYPES = ["application/zip", "application/x-zip-compressed", "application/octet-stream"];

export function advisoryAdminRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use((req, _res, next) => {
    assertAdmin(req);
    next();
  });

  router.post("/import", async (req: Request, res: Response, next: NextFunction) => {
    const type = (req.get("content-type") ?? "application/zip").split(";")[0]!.trim().toLowerCase();
    if (!ZIP_TYPES.includes(type)) {
      req.resume();
      throw new AppError(415, `Send the advisories as a zip of OSV .json files (application/zip), not ${type}.`, "unsupported-media-type");
    }
    const declared = Number(req.get("content-length") ?? 0);
    if (declared > deps.config.maxUploadBytes) {
      req.resume();
      throw new PayloadTooLarge(`The zip is larger than ${deps.config.maxUploadBytes} bytes.`);
    }
    // A temp file where the garbage collector sweeps leftovers (a crash mid-import).
    const dir = uploadTmpDir(deps.config.dataDir);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `advisories-${randomBytes(8).toString("hex")}.zip`);
    try {
      await receive(req, path, deps.config.maxUploadBytes);
      res.json(await importAdvisories(deps, { path, actor: req.principal!.user, label: "The request body" }));
    } catch (err) {
      req.resume();
      next(err);
    } finally {
      await rm(path, { force: true });
    }
  });

  router.get("/", async (req, res) => {
    const q = (k: string) => (typeof req.query[k] === "string" ? (req.query[k] as string) : undefined);
    res.json(await listAdvisories(deps.db, { project: q("project"), limit: q("limit") === undefined ? undefined : Number(q("limit")) }));
  });
  router.get("/imports", async (_req, res) => {
    res.json(await listAdvisoryImports(deps.db));
  });
  router.get("/:id", async (req, res) => {
    res.json(await getAdvisory(deps.db, req.params.id as string));
  });

  return router;
}

/** Writes the body to `path`; past `max` bytes the rest is read and dropped, then 413 (the client gets the answer, not a reset). */
async function receive(req: Request, path: string, max: number): Promise<void> {
  const out = createWriteStream(path);
  let received = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > max) continue;
      if (!out.write(chunk)) await once(out, "drain");
    }
  } catch (err) {
    out.destroy();
    throw err;
  }
  out.end();
  await finished(out);
  if (received > max) throw new PayloadTooLarge(`The zip is larger than ${max} bytes.`);
}
