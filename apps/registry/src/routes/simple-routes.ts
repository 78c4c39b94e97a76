// PEP 503 / PEP 691 Simple API: /<index>/simple/ and, for the default index, /simple/.
//
// And one extension for installers that cache pages: POST <simple root>-/revalidate answers,
// for many cached project pages at once, which are still current (what a conditional GET of each
// would answer with 304). `wheelhouse` revalidates a warm install's pages in one round trip
// instead of one per project; project pages name the URL in a `Wheelhouse-Revalidate` header,
// so a client never guesses it (other indexes simply lack the header).
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";
import { contentTypeFor, negotiateSimpleFormat, type SimpleFormat } from "@wheelhouse/simple-index";
import { assertCanRead, isSharedAnswer, readAccess } from "../auth/authorize.ts";
import { NotAcceptable, NotFound } from "../errors.ts";
import { basePath, type AppDeps } from "../http/deps.ts";
import { jsonBody } from "../http/json-body.ts";
import { parseBody } from "../http/parse-body.ts";
import { checkedIndex, readableIndex } from "../http/readable-index.ts";
import { sameEntityTag, sendPage } from "../http/send-page.ts";
import { findIndexOrThrow, type IndexRow } from "../services/find-index.ts";
import { inSlices } from "../services/in-slices.ts";
import { findManyProjectSources, findProjectSources, type ProjectSource } from "../services/project-sources.ts";
import { pageMaxAge } from "../services/page-max-age.ts";
import { indexPage, projectPage } from "../services/render-project-page.ts";

function negotiate(req: Request): SimpleFormat {
  const formatParam = typeof req.query.format === "string" ? req.query.format : undefined;
  const format = negotiateSimpleFormat(req.get("accept"), formatParam);
  if (!format) throw new NotAcceptable(`Unsupported format '${formatParam}': use application/vnd.pypi.simple.v1+json or text/html.`);
  return format;
}

export const MAX_REVALIDATE_PAGES = 1000;

const revalidateBody = z
  .object({
    pages: z
      .array(z.object({ project: z.string().min(1).max(200), contentType: z.string().min(1).max(200), etag: z.string().min(1).max(200) }).strict())
      .max(MAX_REVALIDATE_PAGES, `at most ${MAX_REVALIDATE_PAGES} pages per request`),
  })
  .strict();

export function simpleRoutes(deps: AppDeps): Router {
  const router = Router();
  // 1000 entries of a name, a format and an ETag: well under 512 KB.
  const json = jsonBody("512kb");

  /** The simple root of the index in the URL (the default index has two). */
  const simpleRoot = (index: IndexRow, inUrl: boolean) => `${basePath(deps)}${inUrl ? `/${encodeURIComponent(index.name)}` : ""}/simple/`;

  /** A project's page as the GET serves it; null when no member has the project. */
  const loadProjectPage = async (req: Request, index: IndexRow, name: NormalizedName, format: SimpleFormat, known?: ProjectSource[]) => {
    const sources = known ?? (await findProjectSources(deps, index, name, readAccess(req)));
    if (sources.length === 0) return null;
    return projectPage(deps, { view: index, name, sources, format, basePath: basePath(deps), showQuarantined: req.principal?.user.isAdmin === true });
  };

  const listProjects = async (req: Request, res: Response, indexName: string) => {
    const index = await findIndexOrThrow(deps.db, indexName);
    assertCanRead(req, index);
    const format = negotiate(req);
    sendPage(
      req,
      res,
      await indexPage(deps.db, index, format, readAccess(req)),
      contentTypeFor(format),
      isSharedAnswer(req, index),
      await pageMaxAge(deps.db, index),
    );
  };

  const showProject = async (req: Request, res: Response, indexName: string, inUrl: boolean) => {
    const index = await findIndexOrThrow(deps.db, indexName);
    assertCanRead(req, index);
    const given = req.params.project as string;
    const name = canonicalizeName(given);
    if (given !== name || !req.path.endsWith("/")) {
      // PEP 503: the normalized name is the canonical URL.
      const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
      res.redirect(301, `${simpleRoot(index, inUrl)}${name}/${query}`);
      return;
    }
    const format = negotiate(req);
    const page = await loadProjectPage(req, index, name, format);
    if (page === null) throw new NotFound(`No project named '${name}' in index '${index.name}'.`, "no-project");
    res.setHeader("Wheelhouse-Revalidate", `${simpleRoot(index, inUrl)}-/revalidate`);
    sendPage(req, res, page, contentTypeFor(format), isSharedAnswer(req, index), await pageMaxAge(deps.db, index));
  };

  const revalidate = async (req: Request, res: Response) => {
    const index = checkedIndex(res);
    const { pages } = parseBody(revalidateBody, req.body);
    // Whatever the GET would not answer with 304 (a redirect, a 404, a failing upstream) is "not
    // current": the client then sends that GET and sees the answer itself.
    const names = pages.map((p) => p.project).filter((name): name is NormalizedName => canonicalizeName(name) === name);
    const sources = await findManyProjectSources(deps, index, [...new Set(names)], readAccess(req));
    const isCurrent = async ({ project, contentType, etag }: (typeof pages)[number]): Promise<boolean> => {
      // The page's format is the one its content type names (asked for as the only acceptable type).
      const format = negotiateSimpleFormat(contentType.split(";")[0], undefined);
      const known = sources.get(project as NormalizedName);
      if (format === null || known === undefined) return false;
      try {
        const page = await loadProjectPage(req, index, project as NormalizedName, format, known);
        // One ETag, compared as If-None-Match compares: `*` or a list would confirm any page exists.
        return page !== null && sameEntityTag(etag, page.etag);
      } catch {
        return false;
      }
    };
    const current = await inSlices(pages, isCurrent);
    res.setHeader("Cache-Control", "no-store");
    res.json({ current: pages.filter((_, i) => current[i]).map((p) => p.project) });
  };

  // The default index first, so a project named like an index route ("simple") stays reachable.
  router.get("/simple/", (req, res) => listProjects(req, res, deps.config.defaultIndex));
  router.get("/simple/:project/", (req, res) => showProject(req, res, deps.config.defaultIndex, false));
  router.get("/:index/simple/", (req, res) => listProjects(req, res, req.params.index as string));
  router.get("/:index/simple/:project/", (req, res) => showProject(req, res, req.params.index as string, true));
  router.post(
    "/simple/-/revalidate",
    readableIndex(deps.db, () => deps.config.defaultIndex),
    json,
    revalidate,
  );
  router.post(
    "/:index/simple/-/revalidate",
    readableIndex(deps.db, (req) => req.params.index as string),
    json,
    revalidate,
  );
  return router;
}
