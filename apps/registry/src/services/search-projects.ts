// Project search over one index view: a hosted index's projects, a mirror's cached ones (those
// upstream still has), a group's members with the group's shadowing — the first member holding a
// name answers for it alone, unless the name is let through — so search never shows a public
// project that a private one hides. (A name let through by any group on the way mixes every
// member's versions; services/project-sources.ts walks nested groups one level at a time.)
//
// Ranking, per term: the normalized name itself, then a name starting with it, then a name
// containing it, then a release summary containing it; every term must match, and the scores
// add up. Ties go to the shorter name, then alphabetical order. One SQL query ranks and pages
// (ILIKE with escaped wildcards: no project list is loaded into memory); a second one reads the
// releases of the page's projects for their latest version.
import { Prisma, type Db } from "@wheelhouse/db";
import { canonicalizeName, tryParseVersion, type Version } from "@wheelhouse/packaging";
import { BadRequest } from "../errors.ts";
import type { IndexRow } from "./find-index.ts";
import { walkView, type ReadAccess } from "./group-members.ts";
import type { Mirror } from "@wheelhouse/mirror";

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
export const MAX_QUERY_LENGTH = 200;
export const MAX_QUERY_TERMS = 10;

/** Score of one term: a tier apart from the next, so a better match is never outranked by a worse one. */
const SCORE = { exact: 1000, prefix: 100, contains: 10, summary: 1 } as const;

export interface SearchQuery {
  /** Lowercase, whitespace-separated terms of the query, each once. */
  terms: string[];
  limit: number;
}

export interface SearchResult {
  /** The project's name as its first upload wrote it. */
  name: string;
  /** The newest version that is not yanked (a pre-release only when there is nothing else); null when none is. */
  version: string | null;
  summary: string;
  /** The index that holds it (for a group: the member that answers for the name). */
  index: string;
}

/** The query string's `q` and `limit`, validated; throws BadRequest with a sentence to act on. */
export function parseSearchQuery(q: unknown, limit: unknown): SearchQuery {
  if (Array.isArray(q)) throw new BadRequest("Give the search query once, in one 'q'.", "bad-query");
  if (typeof q !== "string" || q.trim() === "") throw new BadRequest("The search query is empty: give one or more terms in 'q'.", "bad-query");
  if (q.length > MAX_QUERY_LENGTH) throw new BadRequest(`The search query is too long: at most ${MAX_QUERY_LENGTH} characters.`, "bad-query");
  const terms = [
    ...new Set(
      q
        .toLowerCase()
        .split(/\s+/)
        .filter((t) => t !== ""),
    ),
  ];
  if (terms.length > MAX_QUERY_TERMS) throw new BadRequest(`The search query has too many terms: at most ${MAX_QUERY_TERMS}.`, "bad-query");
  let parsedLimit = DEFAULT_SEARCH_LIMIT;
  if (limit !== undefined) {
    parsedLimit = typeof limit === "string" && /^\d+$/.test(limit) ? Number(limit) : NaN;
    if (!(parsedLimit >= 1 && parsedLimit <= MAX_SEARCH_LIMIT))
      throw new BadRequest(`'limit' must be a whole number from 1 to ${MAX_SEARCH_LIMIT}.`, "bad-query");
  }
  return { terms, limit: parsedLimit };
}

export interface SearchDeps {
  db: Db;
  mirror: Pick<Mirror, "isQuarantined">;
}

export interface SearchOptions {
  /** Admins see versions a mirror's quarantine holds back (as on the simple pages). */
  showQuarantined: boolean;
  /** The reader's right on each group member: a member they may not read shows nothing, yet still shadows its names. */
  access?: ReadAccess;
  now?: Date;
}

/** One name of the page, as the ranking query returns it. */
interface RankedRow {
  name: string;
  displayName: string;
  /** The projects answering for the name and their indexes, first member first (several only for a let-through name). */
  projectIds: number[];
  indexIds: number[];
}

interface ReleaseRow {
  projectId: number;
  version: string;
  summary: string | null;
  /** The earliest upload among its files that are not yanked; null when every file is (or it has none). */
  firstLiveUpload: Date | null;
}

export async function searchProjects(deps: SearchDeps, view: IndexRow, query: SearchQuery, options: SearchOptions): Promise<SearchResult[]> {
  const walked = await walkView(deps.db, view, options.access);
  const reached = walked.filter((r) => r.readable).map((r) => r.index);
  const leaves = reached.filter((i) => i.kind !== "group");
  if (leaves.length === 0) return [];
  const hiddenLeaves = walked.filter((r) => !r.readable && r.index.kind !== "group").map((r) => r.index.id);
  const passThrough = [...new Set(reached.flatMap((i) => (i.kind === "group" ? i.passThroughNames : [])))];
  const allLeaves = walked.filter((r) => r.index.kind !== "group").map((r) => r.index.id);
  const ranked = await rankProjects(deps.db, allLeaves, hiddenLeaves, passThrough, query);
  if (ranked.length === 0) return [];

  const releases = await releasesOf(
    deps.db,
    ranked.flatMap((r) => r.projectIds),
  );
  const byProject = new Map<number, ReleaseRow[]>();
  for (const release of releases) {
    const list = byProject.get(release.projectId);
    if (list) list.push(release);
    else byProject.set(release.projectId, [release]);
  }
  const leafById = new Map(leaves.map((l) => [l.id, l]));
  const now = options.now ?? new Date();

  return ranked.map((row) => {
    // A version counts when it has a file an installer may have (not yanked, out of quarantine).
    const visible = row.projectIds.flatMap((id, i) => {
      const index = leafById.get(row.indexIds[i]!)!;
      return (byProject.get(id) ?? []).filter(
        (r) => r.firstLiveUpload !== null && (options.showQuarantined || !deps.mirror.isQuarantined(index, row.name, r.firstLiveUpload, now)),
      );
    });
    const latest = latestRelease(visible);
    return { name: row.displayName, version: latest?.version ?? null, summary: latest?.summary ?? "", index: leafById.get(row.indexIds[0]!)!.name };
  });
}

/** PEP 440's newest of the releases: final releases first, a pre-release only when there is nothing else. */
export function latestRelease<T extends { version: string }>(releases: readonly T[]): T | null {
  let best: { release: T; version: Version } | null = null;
  let bestPre: { release: T; version: Version } | null = null;
  for (const release of releases) {
    const version = tryParseVersion(release.version);
    if (!version) continue;
    if (version.isPrerelease) {
      if (!bestPre || version.compare(bestPre.version) > 0) bestPre = { release, version };
    } else if (!best || version.compare(best.version) > 0) best = { release, version };
  }
  return (best ?? bestPre)?.release ?? null;
}

/** `%` and `_` (and the escape itself) taken literally by LIKE. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The CASE scoring term `i` against the project `p`: its normalized name, then its releases'
 * summaries (the projects in CTE `summary_i`).
 */
function termScore(term: string, i: number): Prisma.Sql {
  const like = escapeLike(canonicalizeName(term));
  const score = (tier: keyof typeof SCORE) => Prisma.raw(String(SCORE[tier]));
  return Prisma.sql`CASE
      WHEN p.name = ${canonicalizeName(term)} THEN ${score("exact")}
      WHEN p.name LIKE ${`${like}%`} ESCAPE '\\' THEN ${score("prefix")}
      WHEN p.name LIKE ${`%${like}%`} ESCAPE '\\' THEN ${score("contains")}
      WHEN p.id IN (SELECT id FROM ${Prisma.raw(`summary_${i}`)}) THEN ${score("summary")}
      ELSE 0 END AS ${Prisma.raw(`s${i}`)}`;
}

/**
 * Whether term `i` matches `p` at all: the scores' condition in a form PostgreSQL can estimate
 * (a name pattern, a set), so it expects few rows rather than a third of the projects.
 */
function termMatches(term: string, i: number): Prisma.Sql {
  return Prisma.sql`(p.name LIKE ${`%${escapeLike(canonicalizeName(term))}%`} ESCAPE '\\' OR p.id IN (SELECT id FROM ${Prisma.raw(`summary_${i}`)}))`;
}

/**
 * CTE `summary_i`: the leaves' projects with a release whose summary contains term `i`. One scan
 * per term, materialized, so the scores read a hashed set instead of probing per project.
 */
function summaryMatches(term: string, i: number, leafIds: number[]): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(`summary_${i}`)} AS MATERIALIZED (
      SELECT DISTINCT r."projectId" AS id FROM "Release" r JOIN "Project" rp ON rp.id = r."projectId"
      WHERE rp."indexId" = ANY(${leafIds}::int[]) AND r.summary ILIKE ${`%${escapeLike(term)}%`} ESCAPE '\\'
    )`;
}

/**
 * The page of names, best first. A project answers for its name unless a project of that name
 * sits in an earlier leaf (or the name is let through); a project in a leaf hidden from the
 * reader (`hiddenIds`) answers for nothing but still shadows its name in later leaves; a
 * mirror's project that upstream has since dropped (its page cached as a 404) answers for
 * nothing and shadows nothing.
 */
async function rankProjects(db: Db, leafIds: number[], hiddenIds: number[], passThrough: string[], query: SearchQuery): Promise<RankedRow[]> {
  const summaries = Prisma.join(
    query.terms.map((term, i) => summaryMatches(term, i, leafIds)),
    ",\n    ",
  );
  const scores = Prisma.join(
    query.terms.map((term, i) => termScore(term, i)),
    ", ",
  );
  const allMatch = Prisma.join(
    query.terms.map((term, i) => termMatches(term, i)),
    " AND ",
  );
  const total = Prisma.join(
    query.terms.map((_, i) => Prisma.raw(`m.s${i}`)),
    " + ",
  );
  const dropped = (alias: string) =>
    Prisma.raw(`EXISTS (SELECT 1 FROM "MirrorPage" mp WHERE mp."indexId" = ${alias}."indexId" AND mp.name = ${alias}.name AND mp."upstreamStatus" = 404)`);
  // The planner cannot tell how few names a pattern matches; on a large mirror its estimate
  // passes the JIT threshold, and compiling costs more than running. Off for this query only.
  const [, rows] = await db.$transaction([
    db.$executeRaw`SET LOCAL jit = off`,
    db.$queryRaw<RankedRow[]>`
    WITH leaves AS (
      SELECT l.id, l.pos FROM unnest(${leafIds}::int[]) WITH ORDINALITY AS l(id, pos)
    ),
    ${summaries},
    matching AS (
      SELECT p.id, p.name, p."displayName", p."indexId", leaves.pos, ${scores}
      FROM "Project" p JOIN leaves ON leaves.id = p."indexId"
      WHERE p."indexId" = ANY(${leafIds}::int[]) AND ${allMatch} AND NOT ${dropped("p")}
    ),
    answering AS (
      SELECT m.*, ${total} AS score FROM matching m
      WHERE m."indexId" <> ALL(${hiddenIds}::int[]) AND (m.name = ANY(${passThrough}::text[]) OR NOT EXISTS (
          SELECT 1 FROM "Project" q JOIN leaves lq ON lq.id = q."indexId"
          WHERE q.name = m.name AND lq.pos < m.pos AND NOT ${dropped("q")}
        ))
    )
    SELECT a.name,
           (array_agg(a."displayName" ORDER BY a.pos))[1] AS "displayName",
           array_agg(a.id ORDER BY a.pos) AS "projectIds",
           array_agg(a."indexId" ORDER BY a.pos) AS "indexIds"
    FROM answering a
    GROUP BY a.name
    ORDER BY max(a.score) DESC, length(a.name), a.name
    LIMIT ${query.limit}`,
  ]);
  return rows;
}

/** Every release of the projects that is not yanked, with the first upload among its live files. */
function releasesOf(db: Db, projectIds: number[]): Promise<ReleaseRow[]> {
  return db.$queryRaw<ReleaseRow[]>`
    SELECT r."projectId", r.version, r.summary, min(f."uploadedAt") FILTER (WHERE NOT f.yanked) AS "firstLiveUpload"
    FROM "Release" r LEFT JOIN "File" f ON f."releaseId" = r.id
    WHERE r."projectId" = ANY(${projectIds}::int[]) AND NOT r.yanked
    GROUP BY r.id`;
}
