// Which of a list of (name, version) pairs have known vulnerabilities: what `wheelhouse audit`
// asks. POST /api/advisories/query (the default index) and POST /<index>/api/advisories/query;
// whoever may read the index may ask. Withdrawn advisories are left out.
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { canonicalizeName } from "@wheelhouse/packaging";
import type { AppDeps } from "../http/deps.ts";
import { jsonBody } from "../http/json-body.ts";
import { parseBody } from "../http/parse-body.ts";
import { readableIndex } from "../http/readable-index.ts";
import type { AdvisoryInfo } from "../services/advisory-cache.ts";

export const MAX_QUERY_PACKAGES = 10_000;

const queryBody = z
  .object({
    packages: z
      .array(z.object({ name: z.string().min(1).max(200), version: z.string().min(1).max(200) }).strict())
      .max(MAX_QUERY_PACKAGES, `at most ${MAX_QUERY_PACKAGES} packages per query`),
  })
  .strict();

/** One vulnerability in a query answer. */
function entry(a: AdvisoryInfo) {
  return {
    id: a.id,
    aliases: a.aliases,
    summary: a.summary,
    details: a.details,
    fixed_in: a.fixedIn,
    link: a.link,
    source: a.source,
    withdrawn: null,
    severity: a.severity,
    published: a.published?.toISOString() ?? null,
    modified: a.modified.toISOString(),
  };
}

export function advisoryQueryRoutes(deps: AppDeps): Router {
  const router = Router({ strict: true });
  // 10,000 entries of two short strings: well under 2 MB.
  const json = jsonBody("2mb");

  const query = async (req: Request, res: Response) => {
    const { packages } = parseBody(queryBody, req.body);
    const wanted = packages.map((p) => ({ name: canonicalizeName(p.name.trim()), version: p.version.trim() }));
    const found = await deps.advisories.lookup(deps.db, wanted);
    res.setHeader("Cache-Control", "no-store");
    res.json({
      results: wanted.map((w, i) => ({ name: w.name, version: w.version, vulnerabilities: found[i]!.filter((a) => a.withdrawn === null).map(entry) })),
    });
  };

  router.post(
    "/api/advisories/query",
    readableIndex(deps.db, () => deps.config.defaultIndex),
    json,
    query,
  );
  router.post(
    "/:index/api/advisories/query",
    readableIndex(deps.db, (req) => req.params.index as string),
    json,
    query,
  );
  return router;
}
