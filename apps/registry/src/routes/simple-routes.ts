// PEP 503 / PEP 691 Simple API: /<index>/simple/ and, for the default index, /simple/.
import { Router, type Request } from "express";
import { canonicalizeName } from "@wheelhouse/packaging";
import { contentTypeFor, negotiateSimpleFormat, type SimpleFormat } from "@wheelhouse/simple-index";
import { assertCanRead } from "../auth/authorize.ts";
import { NotAcceptable } from "../errors.ts";
import { basePath, type AppDeps } from "../http/deps.ts";
import { sendPage } from "../http/send-page.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { indexPage, projectPage } from "../services/render-project-page.ts";

function negotiate(req: Request): SimpleFormat {
  const formatParam = typeof req.query.format === "string" ? req.query.format : undefined;
  const format = negotiateSimpleFormat(req.get("accept"), formatParam);
  if (!format) throw new NotAcceptable(`Unsupported format '${formatParam}': use application/vnd.pypi.simple.v1+json or text/html.`);
  return format;
}

export function simpleRoutes(deps: AppDeps): Router {
  const router = Router();
  const indexName = (req: Request) => (req.params.index as string | undefined) ?? deps.config.defaultIndex;

  router.get(["/simple/", "/:index/simple/"], async (req, res) => {
    const index = await findIndexOrThrow(deps.db, indexName(req));
    assertCanRead(req, index);
    const format = negotiate(req);
    sendPage(req, res, await indexPage(deps.db, index, format), contentTypeFor(format), index.anonymousRead);
  });

  router.get(["/simple/:project/", "/:index/simple/:project/"], async (req, res) => {
    const index = await findIndexOrThrow(deps.db, indexName(req));
    assertCanRead(req, index);
    const given = req.params.project as string;
    const name = canonicalizeName(given);
    if (given !== name || !req.path.endsWith("/")) {
      // PEP 503: the normalized name is the canonical URL.
      const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
      const prefix = req.params.index ? `/${encodeURIComponent(index.name)}` : "";
      res.redirect(301, `${basePath(deps)}${prefix}/simple/${name}/${query}`);
      return;
    }
    const format = negotiate(req);
    sendPage(req, res, await projectPage(deps.db, index, name, format, basePath(deps)), contentTypeFor(format), index.anonymousRead);
  });

  return router;
}
