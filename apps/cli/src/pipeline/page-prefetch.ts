/**
 * Warm runs revalidate every index page they read (the conditional requests stay), but they
 * need not discover the tree one level per round trip: the projects the last resolution of the
 * same request read are remembered in the cache, and the next run sends the conditional
 * requests for all of them at once, while it is still inspecting the interpreter (to a Wheelhouse
 * registry, one batch request for all of them). The resolver then finds the pages already
 * revalidated.
 *
 *   <cache>/resolutions/<aa>/<sha256 of the request>.json   {"projects": ["name", …]}
 */
import { join } from "node:path";
import { readCacheFile, writeCacheFile } from "../core/cache/atomic-write.ts";
import { sha256OfText } from "../core/cache/cache-layout.ts";
import type { IndexSession } from "../core/index/index-session.ts";

/** What makes two runs ask for the same pages. */
export interface PrefetchKey {
  requirements: readonly string[];
  constraints: readonly string[];
  /** Anything else that changes what is resolved (interpreter, target, upgrade settings…). */
  extra?: unknown;
}

/** More than this many names is not a tree worth remembering (or a corrupt file). */
const MAX_PROJECTS = 5000;

function memoPath(cacheDir: string, session: IndexSession, key: PrefetchKey): string {
  const digest = sha256OfText(JSON.stringify({ v: 1, indexUrls: session.indexUrls, ...key }));
  return join(cacheDir, "resolutions", digest.slice(0, 2), `${digest}.json`);
}

/**
 * Starts fetching the pages of the projects the request names (`named`: needed whatever the
 * interpreter turns out to be) and revalidating those the last run with this key read. Resolves,
 * once the memo has been read and the requests are in flight, to the names remembered (null
 * without a cache or a memo), for `rememberPages`.
 */
export async function prefetchRememberedPages(session: IndexSession, key: PrefetchKey, named: readonly string[] = []): Promise<string[] | null> {
  const cacheDir = session.cacheDir;
  const indexUrls = session.indexUrls;
  if (indexUrls.length === 0) return null;
  let projects: unknown = null;
  try {
    if (cacheDir !== null) projects = (JSON.parse(readCacheFile(memoPath(cacheDir, session, key)) ?? "{}") as { projects?: unknown }).projects;
  } catch {
    // An unreadable memo is no memo.
  }
  const names = Array.isArray(projects) && projects.length <= MAX_PROJECTS ? projects.filter((p): p is string => typeof p === "string") : null;
  session.index.prefetchProjectPages(indexUrls, [...named, ...(names ?? [])], { batch: true });
  return names;
}

/**
 * Remembers the projects this run read pages for, unless that is what was remembered already
 * (`previous`). Errors are ignored: a cache may miss.
 */
export async function rememberPages(session: IndexSession, key: PrefetchKey, previous: readonly string[] | null): Promise<void> {
  const cacheDir = session.cacheDir;
  const projects = [...session.index.projectsRequested].sort();
  if (cacheDir === null || session.indexUrls.length === 0 || projects.length === 0 || projects.length > MAX_PROJECTS) return;
  if (previous !== null && previous.length === projects.length && [...previous].sort().every((name, i) => name === projects[i])) return;
  writeCacheFile(memoPath(cacheDir, session, key), JSON.stringify({ projects }));
}
