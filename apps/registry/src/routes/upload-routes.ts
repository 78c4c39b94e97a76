// The legacy upload API twine speaks: POST multipart to the index root or /legacy/.
import { Router, type Request, type Response } from "express";
import multer from "multer";
import { assertMayUploadToIndex } from "../auth/authorize.ts";
import { BadRequest } from "../errors.ts";
import type { AppDeps } from "../http/deps.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { uploadDistribution } from "../services/upload-distribution.ts";
import { discardStaged, StagingStorageEngine, uploadTmpDir, type StagedFile } from "../upload/staging-storage-engine.ts";
import { parseUploadForm, type FormFields } from "../upload/upload-form.ts";

export function uploadRoutes(deps: AppDeps): Router {
  const router = Router();
  const receive = multer({
    storage: new StagingStorageEngine(deps.store, uploadTmpDir(deps.config.dataDir)),
    limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 1000, fieldSize: 8 * 1024 * 1024, parts: 1100 },
  }).single("content");

  const handler = async (req: Request, res: Response) => {
    const index = await findIndexOrThrow(deps.db, (req.params.index as string | undefined) ?? deps.config.defaultIndex);
    // Credentials are checked before a byte of the body is read.
    const principal = assertMayUploadToIndex(req, index);
    if (index.kind !== "hosted") throw new BadRequest(`Index '${index.name}' is a ${index.kind} index and does not take uploads.`, "not-hosted");
    await receiveMultipart(receive, req, res, deps.config.maxUploadBytes);
    const staged = req.file as (Express.Multer.File & StagedFile) | undefined;
    try {
      if (!staged) throw new BadRequest("Missing required form field 'content': the distribution file.", "missing-file");
      const form = parseUploadForm(req.body as FormFields);
      const outcome = await uploadDistribution(deps, { index, principal, form, staged });
      deps.log.info({ index: index.name, filename: staged.originalname, outcome, user: principal.user.username }, "upload");
      res.status(200).type("text/plain").send("OK\n");
    } catch (err) {
      if (staged) await discardStaged(deps.store, staged).catch(() => {});
      throw err;
    }
  };

  router.post(["/", "/legacy/", "/:index/", "/:index/legacy/"], handler);
  return router;
}

function receiveMultipart(receive: ReturnType<ReturnType<typeof multer>["single"]>, req: Request, res: Response, limit: number): Promise<void> {
  if (!req.is("multipart/form-data")) {
    return Promise.reject(new BadRequest("Uploads must be multipart/form-data, as twine sends them.", "not-multipart"));
  }
  return new Promise((resolve, reject) => {
    receive(req, res, (err: unknown) => (err ? reject(multipartError(err, limit)) : resolve()));
  });
}

function multipartError(err: unknown, limit: number): unknown {
  if (err instanceof multer.MulterError) {
    if (err.code === "LIMIT_FILE_SIZE") return new BadRequest(`File too large. Limit is ${limit} bytes.`, "too-large");
    if (err.code === "LIMIT_UNEXPECTED_FILE") return new BadRequest(`Unexpected file field '${err.field}': send the distribution as 'content'.`, "bad-form");
    return new BadRequest(`Invalid upload form: ${err.message}.`, "bad-form");
  }
  const message = (err as Error)?.message ?? String(err);
  if (/unexpected end of form|boundary|malformed|multipart/i.test(message)) {
    return new BadRequest(`Invalid upload form: ${message}.`, "bad-form");
  }
  return err;
}
