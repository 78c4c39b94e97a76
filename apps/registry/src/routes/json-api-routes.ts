// PyPI's JSON API: /pypi/<project>/json and /pypi/<project>/<version>/json (default index),
// and the same under /<index>/pypi/.
import { createHash } from "node:crypto";
import { Router, type Request, type Response } from "express";
import { canonicalizeName } from "@wheelhouse/packaging";
import { assertCanRead, isSharedAnswer, readAccess } from "../auth/authorize.ts";
import { NotFound } from "../errors.ts";
import type { AppDeps } from "../http/deps.ts";
import { sendPage } from "../http/send-page.ts";
import { findIndexOrThrow } from "../services/find-index.ts";
import { projectJson, releaseJson, type FileFilter, type VulnerabilityLookup } from "../services/json-api-data.ts";
import { findProjectSources, type ProjectSource } from "../services/project-sources.ts";

export function jsonApiRoutes(deps: AppDeps): Router {
  // Strict: `/pypi/simple/json/` (with the slash) is the Simple API page of project "json" in an
  // index named "pypi"; `/pypi/simple/json` is the JSON API of project "simple".
  const router = Router({ strict: true });
  const baseUrl = (req: Request) => deps.config.baseUrl ?? `${req.protocol}://${req.get("host")}`;

  const answer = async (req: Request, res: Response, indexName: string, build: (source: ProjectSource, visible: FileFilter) => Promise<object>) => {
    const index = await findIndexOrThrow(deps.db, indexName);
    assertCanRead(req, index);
    const name = canonicalizeName(req.params.project as string);
    const [source] = await findProjectSources(deps, index, name, readAccess(req));
    if (!source) throw new NotFound(`No project named '${name}' in index '${index.name}'.`, "no-project");
    const isAdmin = req.principal?.user.isAdmin === true;
    const now = new Date();
    const visible: FileFilter = (file) => isAdmin || !deps.mirror.isQuarantined(source.index, name, file.uploadedAt, now);
    const body = Buffer.from(JSON.stringify(await build(source, visible)));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    sendPage(req, res, { body, etag, lastSerial: source.lastSerial }, "application/json", isSharedAnswer(req, index));
  };

  // Advisories are registry-wide: matched by the normalized name and the version, whichever index
  // holds the release. The body (and so its ETag) is built per request, so an import shows at once.
  const vulnerabilities =
    (req: Request): VulnerabilityLookup =>
    (version) =>
      deps.advisories.forRelease(deps.db, canonicalizeName(req.params.project as string), version);
  const project = (indexName: (req: Request) => string) => (req: Request, res: Response) =>
    answer(req, res, indexName(req), (source, visible) =>
      projectJson(deps.db, source.index, source.projectId, canonicalizeName(req.params.project as string), baseUrl(req), visible, vulnerabilities(req)),
    );
  const release = (indexName: (req: Request) => string) => (req: Request, res: Response) =>
    answer(req, res, indexName(req), (source, visible) =>
      releaseJson(
        deps.db,
        source.index,
        source.projectId,
        canonicalizeName(req.params.project as string),
        req.params.version as string,
        baseUrl(req),
        visible,
        vulnerabilities(req),
      ),
    );
  const defaultIndex = () => deps.config.defaultIndex;
  const inUrl = (req: Request) => req.params.index as string;

  // The default index first, so a project named "pypi" stays reachable.
  router.get("/pypi/:project/json", project(defaultIndex));
  // `/pypi/pypi/<x>/json` reads two ways: project <x> of an index named "pypi" (the usual name of
  // a PyPI mirror), or release <x> of the default index's project "pypi". While an index of that
  // name exists the URL is the index's, so every index is reachable at /<index>/pypi/<p>/json;
  // the default index's release stays at /<default index>/pypi/pypi/<x>/json.
  router.get("/pypi/pypi/:project/json", async (req, res, next) => {
    if (await deps.db.index.findUnique({ where: { name: "pypi" }, select: { id: true } })) return project(() => "pypi")(req, res);
    next("route");
  });
  router.get("/pypi/:project/:version/json", release(defaultIndex));
  router.get("/:index/pypi/:project/json", project(inUrl));
  router.get("/:index/pypi/:project/:version/json", release(inUrl));
  return router;
}
