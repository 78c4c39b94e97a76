// Pull-through for project pages: serve the database's copy while it is fresh, revalidate it
// upstream (ETag) when it is not, and fall back to the stale copy when upstream fails.
import type { NormalizedName } from "@wheelhouse/packaging";
import { applyUpstreamPage } from "./apply-upstream-page.ts";
import { UpstreamUnavailable } from "./errors.ts";
import { fetchUpstreamPage, projectPageUrl } from "./fetch-upstream-page.ts";
import type { MirrorContext, MirrorIndexRow } from "./mirror-deps.ts";
import { displayUrl } from "./upstream-http.ts";

/** How long "upstream has no such project" is believed. */
export const NOT_FOUND_TTL_SECONDS = 60;

type Outcome = { projectId: number } | null;

/**
 * Make sure the database holds a usable copy of `name`'s page for this mirror index, and return
 * the project's id, or null when upstream has no such project. Concurrent calls for one
 * (index, name) share one upstream request. Throws UpstreamUnavailable only when upstream fails
 * and there is no copy to fall back on.
 */
export async function ensureMirrorProject(deps: MirrorContext, index: MirrorIndexRow, name: NormalizedName, opts: { force?: boolean } = {}): Promise<Outcome> {
  if (!opts.force) {
    const fresh = await freshCopy(deps, index, name, new Date());
    if (fresh !== undefined) return fresh;
  }
  return deps.pageRefreshes.run(`${index.id}\0${name}`, () => refresh(deps, index, name));
}

/** The answer the database gives while it is within its TTL; undefined when upstream must be asked. */
async function freshCopy(deps: MirrorContext, index: MirrorIndexRow, name: NormalizedName, now: Date): Promise<Outcome | undefined> {
  const page = await deps.db.mirrorPage.findUnique({ where: { indexId_name: { indexId: index.id, name } } });
  if (!page) return undefined;
  const ttl = page.upstreamStatus === 404 ? NOT_FOUND_TTL_SECONDS : index.pageTtlSeconds;
  if (now.getTime() - page.fetchedAt.getTime() >= ttl * 1000) return undefined;
  if (page.upstreamStatus === 404) return null;
  const project = await findProject(deps, index, name);
  return project ?? undefined;
}

async function findProject(deps: MirrorContext, index: MirrorIndexRow, name: NormalizedName): Promise<{ projectId: number } | null> {
  const project = await deps.db.project.findUnique({ where: { indexId_name: { indexId: index.id, name } }, select: { id: true } });
  return project && { projectId: project.id };
}

async function refresh(deps: MirrorContext, index: MirrorIndexRow, name: NormalizedName): Promise<Outcome> {
  const { db, log } = deps;
  const known = await db.mirrorPage.findUnique({ where: { indexId_name: { indexId: index.id, name } } });
  const project = await findProject(deps, index, name);
  // Revalidate only what we can serve on a 304: a page we hold and its project rows.
  const etag = known?.upstreamStatus === 200 && project ? known.etag : null;
  const now = new Date();
  let fetched: Awaited<ReturnType<typeof fetchUpstreamPage>>;
  try {
    fetched = await fetchUpstreamPage(deps.http, index, name, etag);
  } catch (err) {
    if (err instanceof UpstreamUnavailable && known?.upstreamStatus === 200 && project) {
      log.warn(
        { index: index.name, project: name, url: displayUrl(projectPageUrl(index, name)), reason: err.reason, fetchedAt: known.fetchedAt },
        "mirror: upstream unavailable, serving the stale copy",
      );
      return project;
    }
    throw err;
  }

  switch (fetched.kind) {
    case "not-modified":
      await db.mirrorPage.update({
        where: { indexId_name: { indexId: index.id, name } },
        data: { fetchedAt: now, etag: fetched.etag, ...(fetched.serial !== null ? { upstreamSerial: fetched.serial } : {}) },
      });
      return project;
    case "not-found":
      await db.mirrorPage.upsert({
        where: { indexId_name: { indexId: index.id, name } },
        create: { indexId: index.id, name, upstreamStatus: 404, etag: null, upstreamSerial: null, fetchedAt: now },
        update: { upstreamStatus: 404, etag: null, fetchedAt: now },
      });
      return null;
    case "page": {
      const result = await applyUpstreamPage(db, log, index, name, fetched.page, { etag: fetched.etag, serial: fetched.serial }, now);
      if (result.added + result.updated + result.removed > 0) {
        log.info({ index: index.name, project: name, added: result.added, updated: result.updated, removed: result.removed }, "mirror: project page refreshed");
      }
      return { projectId: result.projectId };
    }
  }
}
