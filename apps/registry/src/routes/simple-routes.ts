// PEP 503 / PEP 691 Simple API: /<index>/simple/ and, for the default index, /simple/.
import { Router, type Request, type Response } from "express";
import { canonicalizeName } from "@wheelhouse/packaging";
import { contentTypeFor, negotiateSimpleFormat, type SimpleFormat } from "@wheelhouse/simple-index";
import { assertCanRead } from "../auth/authorize.ts";
import { NotAcceptable, NotFound } from "../errors.ts";
import { basePath, type AppDeps } from "../http/deps.ts";
import { sendPage } from "../http/send-page.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { findProjectSources } from "../services/project-sources.ts";
import { indexPage, projectPage } from "../services/render-project-page.ts";

function negotiate(req: Request): SimpleFormat {
  const formatParam = typeof req.query.format === "string" ? req.query.format : undefined;
  const format = negotiateSimpleFormat(req.get("accept"), formatParam);
  if (!format) throw new NotAcceptable(`Unsupported format '${formatParam}': use application/vnd.pypi.simple.v1+json or text/html.`);
  return format;
}

export function simpleRoutes(deps: AppDeps): Router {
  const router = Router();

  const listProjects = async (req: Request, res: Response, indexName: string) => {
    const index = await findIndexOrThrow(deps.db, indexName);
    assertCanRead(req, index);
    const format = negotiate(req);
    sendPage(req, res, await indexPage(deps.db, index, format), contentTypeFor(format), index.anonymousRead);
  };

  const showProject = async (req: Request, res: Response, indexName: string, inUrl: boolean) => {
    const index = await findIndexOrThrow(deps.db, indexName);
    assertCanRead(req, index);
    const given = req.params.project as string;
    const name = canonicalizeName(given);
    if (given !== name || !req.path.endsWith("/")) {
      // PEP 503: the normalized name is the canonical URL.
      const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
      const prefix = inUrl ? `/${encodeURIComponent(index.name)}` : "";
      res.redirect(301, `${basePath(deps)}${prefix}/simple/${name}/${query}`);
      return;
    }
    const format = negotiate(req);
    const sources = await findProjectSources(deps, index, name);
    if (sources.length === 0) throw new NotFound(`No project named '${name}' in index '${index.name}'.`, "no-project");
    const page = await projectPage(deps, { view: index, name, sources, format, basePath: basePath(deps), showQuarantined: req.principal?.user.isAdmin === true });
    sendPage(req, res, page, contentTypeFor(format), index.anonymousRead);
  };

  // The default index first, so a project named like an index route ("simple") stays reachable.
  router.get("/simple/", (req, res) => listProjects(req, res, deps.config.defaultIndex));
  router.get("/simple/:project/", (req, res) => showProject(req, res, deps.config.defaultIndex, false));
  router.get("/:index/simple/", (req, res) => listProjects(req, res, req.params.index as string));
  router.get("/:index/simple/:project/", (req, res) => showProject(req, res, req.params.index as string, true));
  return router;
}
