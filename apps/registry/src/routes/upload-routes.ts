// The legacy upload API twine speaks: POST multipart to the index root or /legacy/.
import { Router, type Request, type Response } from "express";
import multer from "multer";
import { assertMayUploadToIndex, assertUploadPolicy } from "../auth/authorize.ts";
import { BadRequest } from "../errors.ts";
import type { AppDeps } from "../http/deps.ts";
import { findIndexOrThrow, type IndexRow } from "../services/find-index.ts";
import { uploadDistribution } from "../services/upload-distribution.ts";
import { discardStaged, feedMultipart, StagingStorageEngine, uploadTmpDir, type StagedFile } from "../upload/staging-storage-engine.ts";
import { parseUploadForm, type FormFields, type UploadForm } from "../upload/upload-form.ts";

export function uploadRoutes(deps: AppDeps): Router {
  const router = Router();
  const receive = multer({
    storage: new StagingStorageEngine(deps.store, uploadTmpDir(deps.config.dataDir)),
    // The filename exactly as sent (busboy would otherwise keep only its last path segment, so
    // `../x.whl` became `x.whl`): checkFilename refuses a path, as PyPI does.
    preservePath: true,
    // Fields are held in memory: 200 fields of at most 512 KiB bound that (a long README is
    // the largest real field; classifiers and requirements are many small ones).
    limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 200, fieldSize: 512 * 1024, parts: 201 },
    // Multer's option, missing from its typings: how the body reaches busboy.
    ...({ streamHandler: feedMultipart } as multer.Options),
  }).single("content");

  const handler = async (req: Request, res: Response) => {
    const named = await findIndexOrThrow(deps.db, (req.params.index as string | undefined) ?? deps.config.defaultIndex);
    // Credentials are checked before a byte of the body is read.
    const principal = assertMayUploadToIndex(req, named);
    const index = await uploadTarget(deps, named);
    // A token scoped to the group reaches its upload target; the target's own upload rule still holds.
    if (index !== named) assertUploadPolicy(principal, index);
    await receiveMultipart(receive, req, res, deps.config.maxUploadBytes);
    const staged = req.file as (Express.Multer.File & StagedFile) | undefined;
    if (!staged) throw new BadRequest("Missing required form field 'content': the distribution file.", "missing-file");
    let form: UploadForm;
    try {
      form = parseUploadForm(req.body as FormFields);
    } catch (err) {
      await discardStaged(deps.store, staged).catch(() => {});
      throw err;
    }
    // From here the service owns the staged file, and removes it whatever happens.
    const outcome = await uploadDistribution(deps, { index, principal, form, staged });
    deps.log.info({ index: index.name, filename: staged.originalname, outcome, user: principal.user.username }, "upload");
    res.status(200).type("text/plain").send("OK\n");
  };

  router.post(["/", "/legacy/", "/:index/", "/:index/legacy/"], handler);
  return router;
}

/** A group takes uploads into its designated hosted member; a mirror never does. */
async function uploadTarget(deps: AppDeps, index: IndexRow): Promise<IndexRow> {
  if (index.kind === "hosted") return index;
  if (index.kind === "group" && index.uploadTargetId !== null) {
    return deps.db.index.findUniqueOrThrow({ where: { id: index.uploadTargetId } });
  }
  const advice = index.kind === "group" ? "it has no upload target; upload to one of its hosted members" : "upload to a hosted index";
  throw new BadRequest(`Index '${index.name}' is a ${index.kind} index and does not take uploads: ${advice}.`, "not-hosted");
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
    if (err.code === "LIMIT_FIELD_VALUE") return new BadRequest(`Form field '${err.field}' is too large (at most 512 KiB).`, "bad-form");
    if (err.code === "LIMIT_FIELD_COUNT" || err.code === "LIMIT_PART_COUNT") return new BadRequest("Too many form fields (at most 200).", "bad-form");
    if (err.code === "LIMIT_UNEXPECTED_FILE") return new BadRequest(`Unexpected file field '${err.field}': send the distribution as 'content'.`, "bad-form");
    return new BadRequest(`Invalid upload form: ${err.message}.`, "bad-form");
  }
  const message = (err as Error)?.message ?? String(err);
  // A client that went away mid-body (twine interrupted, connection dropped): nobody reads the
  // answer, but it must not be logged as a server error.
  if (/request aborted|request closed|unexpected end of form|boundary|malformed|multipart/i.test(message)) {
    return new BadRequest(`Invalid upload form: ${message}.`, "bad-form");
  }
  return err;
}
