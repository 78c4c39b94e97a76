// PyPI's JSON API: /pypi/<project>/json and /pypi/<project>/<version>/json (default index),
// and the same under /<index>/pypi/.
import { Router, type Request } from "express";
import { canonicalizeName } from "@wheelhouse/packaging";
import { assertCanRead } from "../auth/authorize.ts";
import type { AppDeps } from "../http/deps.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { projectJson, releaseJson } from "../services/json-api-data.ts";

export function jsonApiRoutes(deps: AppDeps): Router {
  const router = Router();
  const baseUrl = (req: Request) => deps.config.baseUrl ?? `${req.protocol}://${req.get("host")}`;
  const resolveIndex = async (req: Request) => {
    const index = await findIndexOrThrow(deps.db, (req.params.index as string | undefined) ?? deps.config.defaultIndex);
    assertCanRead(req, index);
    return index;
  };

  router.get(["/pypi/:project/json", "/:index/pypi/:project/json"], async (req, res) => {
    const index = await resolveIndex(req);
    const body = await projectJson(deps.db, index, canonicalizeName(req.params.project as string), baseUrl(req));
    res.setHeader("Cache-Control", "max-age=600");
    res.json(body);
  });

  router.get(["/pypi/:project/:version/json", "/:index/pypi/:project/:version/json"], async (req, res) => {
    const index = await resolveIndex(req);
    const body = await releaseJson(deps.db, index, canonicalizeName(req.params.project as string), req.params.version as string, baseUrl(req));
    res.setHeader("Cache-Control", "max-age=600");
    res.json(body);
  });

  return router;
}
