// Admin API for air-gap bundles (mounted under /api/admin/bundles). Both directions stream:
// an export is written to the response as it is read from storage, an import is read from the
// request as it arrives; neither is ever held in memory.
import { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { BundleError, importBundle, planBundle, writeBundle, type ExportBundleOptions } from "@wheelhouse/bundle";
import { assertAdmin } from "../auth/authorize.ts";
import { AppError, BadRequest, Conflict, NotFound } from "../errors.ts";
import type { AppDeps } from "../http/deps.ts";
import { jsonBody } from "../http/json-body.ts";
import { parseBody } from "../http/parse-body.ts";
import { bundleFileCheck } from "../services/check-bundle-file.ts";

const exportBody = z
  .object({
    index: z.string().min(1),
    projects: z.array(z.string().min(1).max(500)).min(1).max(10_000).optional(),
    requirements: z.string().min(1).max(1_000_000).optional(),
    /** A mirror index's sync selection: `true` for its own, or a selection object (validated by the bundle package). */
    syncSelection: z
      .union([z.literal(true), z.record(z.string(), z.unknown())], { error: "must be true (the mirror index's own sync selection) or a sync selection object" })
      .optional(),
  })
  .strict()
  .refine(
    (b) => [b.projects, b.requirements, b.syncSelection].filter((v) => v !== undefined).length === 1,
    "give exactly one of 'projects', 'requirements' or 'syncSelection'",
  );

const TAR_TYPES = ["application/x-tar", "application/octet-stream"];

/** Bundle refusals as the HTTP errors the error middleware knows. */
function toAppError(err: unknown): unknown {
  if (!(err instanceof BundleError)) return err;
  switch (err.code) {
    case "no-index":
      return new NotFound(err.message, "no-index");
    case "conflict":
      return new Conflict(err.message, "bundle-conflict");
    default:
      return new BadRequest(err.message, err.code);
  }
}

export function bundleRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use((req, _res, next) => {
    assertAdmin(req);
    next();
  });

  router.post("/export", jsonBody("2mb"), async (req: Request, res: Response) => {
    const body = parseBody(exportBody, req.body);
    const plan = await planBundle(deps, {
      index: body.index,
      projects: body.projects,
      requirementsText: body.requirements,
      // An object is validated (parseSyncSelection) by planBundle, with a message naming the field.
      syncSelection: body.syncSelection as ExportBundleOptions["syncSelection"],
      registry: deps.config.baseUrl,
    }).catch((err: unknown) => {
      throw toAppError(err);
    });
    // From here on the status is sent: a failure cuts the response short, and the importer
    // refuses the truncated tar.
    res.status(200);
    res.type("application/x-tar");
    res.setHeader("Content-Disposition", `attachment; filename="${body.index}-bundle.tar"`);
    const summary = await writeBundle(deps, plan, res);
    deps.log.info({ index: body.index, ...summary, by: req.principal!.user.username }, "bundle exported");
  });

  router.post("/import", async (req: Request, res: Response, next: NextFunction) => {
    const index = typeof req.query.index === "string" ? req.query.index : "";
    if (!index) throw new BadRequest("Name the index to import into: ?index=NAME.", "bad-request");
    const type = (req.get("content-type") ?? "application/x-tar").split(";")[0]!.trim().toLowerCase();
    if (!TAR_TYPES.includes(type)) throw new AppError(415, `Send the bundle as application/x-tar, not ${type}.`, "unsupported-media-type");
    try {
      const summary = await importBundle(deps, {
        index,
        input: req,
        actor: req.principal!.user,
        checkFile: bundleFileCheck({ store: deps.store, dataDir: deps.config.dataDir }),
      });
      res.json(summary);
    } catch (err) {
      // The rest of a refused body is read and dropped, so the client gets the answer rather than a reset.
      req.resume();
      next(toAppError(err));
    }
  });

  return router;
}
