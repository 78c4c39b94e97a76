import type { Db } from "@wheelhouse/db";
import type { IndexRow } from "./find-index.ts";
import { EVERY_INDEX, leafIndexes } from "./group-members.ts";

/**
 * How long a client may reuse an index page without asking again (Cache-Control max-age), in
 * seconds. pip 26.2 and later cache pages by Cache-Control instead of revalidating each time, so
 * a page an upload can change must be revalidated every time (0: the client asks with its ETag
 * and gets a 304 while nothing changed), or CI would not see a release it just published.
 *
 * - hosted: 0.
 * - mirror: its page TTL (pageTtlSeconds): the registry itself only asks upstream that often.
 * - group: 0 as soon as any index it reaches is hosted, whichever member answered this page: an
 *   upload to a hosted member (even one this reader cannot read) changes what the group serves for
 *   that name, shadowing a mirror's page at once (dependency confusion is decided per request).
 *   A group of mirrors only: the shortest TTL among them.
 */
export async function pageMaxAge(db: Db, index: IndexRow): Promise<number> {
  if (index.kind === "hosted") return 0;
  if (index.kind === "mirror") return index.pageTtlSeconds;
  const leaves = await leafIndexes(db, index, EVERY_INDEX);
  if (leaves.length === 0 || leaves.some((leaf) => leaf.kind !== "mirror")) return 0;
  return Math.min(...leaves.map((leaf) => leaf.pageTtlSeconds));
}
