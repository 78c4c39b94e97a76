// Project search: GET /api/search?q=TERMS[&limit=N] (default index) and /<index>/api/search
// ("api" is a reserved index name, so the first can never be an index's own route).
//   200 {"results": [{"name", "version", "summary", "index"}]}, best match first
//   400 problem+json for an empty or too long query or a bad limit; 401/403 as any read; 404 no such index
import { Router, type Request, type Response } from "express";
import { assertCanRead, isSharedAnswer, readAccess } from "../auth/authorize.ts";
import type { AppDeps } from "../http/deps.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { parseSearchQuery, searchProjects } from "../services/search-projects.ts";

export function searchRoutes(deps: AppDeps): Router {
  const router = Router();

  const search = (indexName: (req: Request) => string) => async (req: Request, res: Response) => {
    const index = await findIndexOrThrow(deps.db, indexName(req));
    assertCanRead(req, index);
    const query = parseSearchQuery(req.query.q, req.query.limit);
    const isAdmin = req.principal?.user.isAdmin === true;
    const results = await searchProjects(deps, index, query, { showQuarantined: isAdmin, access: readAccess(req) });
    // A signed-in reader may see private members (admins, quarantined versions): never shared.
    res.setHeader("Cache-Control", `${isSharedAnswer(req, index) ? "public" : "private"}, max-age=60`);
    res.setHeader("Vary", "Authorization");
    res.json({ results });
  };

  router.get(
    "/api/search",
    search(() => deps.config.defaultIndex),
  );
  router.get(
    "/:index/api/search",
    search((req) => req.params.index as string),
  );
  return router;
}
