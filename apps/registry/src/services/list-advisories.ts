// Advisories as the admin API and the admin command show them.
import type { Db } from "@wheelhouse/db";
import { canonicalizeName } from "@wheelhouse/packaging";
import { NotFound } from "../errors.ts";
import { advisoryGeneration } from "./advisory-cache.ts";
import { pageLimit } from "../http/page-limit.ts";

export interface AdvisoryQuery {
  /** Only advisories naming this project (any spelling; normalized here). */
  project?: string;
  /** At most 1,000; default 100. */
  limit?: number;
}

const PACKAGES = { select: { name: true, ranges: true, versions: true, fixedIn: true }, orderBy: { name: "asc" as const } };

/** The most recently modified first; without `details` and `raw` (GET one for those). */
export async function listAdvisories(db: Db, query: AdvisoryQuery) {
  const limit = pageLimit(query.limit, 100, 1000);
  return db.advisory.findMany({
    where: query.project ? { packages: { some: { name: canonicalizeName(query.project) } } } : undefined,
    select: {
      id: true,
      aliases: true,
      summary: true,
      severity: true,
      link: true,
      source: true,
      published: true,
      modified: true,
      withdrawn: true,
      importedAt: true,
      packages: PACKAGES,
    },
    orderBy: [{ modified: "desc" }, { id: "asc" }],
    take: limit,
  });
}

export async function getAdvisory(db: Db, id: string) {
  const advisory = await db.advisory.findUnique({ where: { id }, include: { packages: PACKAGES } });
  if (!advisory) throw new NotFound(`No advisory with id '${id}'.`, "no-advisory");
  return advisory;
}

/** The last imports, for an overview. */
export async function listAdvisoryImports(db: Db, limit = 20) {
  return { generation: await advisoryGeneration(db), imports: await db.advisoryImport.findMany({ orderBy: { id: "desc" }, take: limit }) };
}
