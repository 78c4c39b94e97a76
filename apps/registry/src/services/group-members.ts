import type { Db } from "@wheelhouse/db";
import type { IndexRow } from "./find-index.ts";

/** A group's members in order. */
export async function groupMembers(db: Db, groupId: number): Promise<IndexRow[]> {
  const rows = await db.indexMember.findMany({ where: { groupId }, orderBy: { position: "asc" }, include: { member: true } });
  return rows.map((r) => r.member);
}

/** Every index a view reaches: itself, then its members depth-first in order, each once. */
export async function reachableIndexes(db: Db, index: IndexRow, seen = new Set<number>()): Promise<IndexRow[]> {
  if (seen.has(index.id)) return [];
  seen.add(index.id);
  if (index.kind !== "group") return [index];
  const reached = [index];
  for (const member of await groupMembers(db, index.id)) reached.push(...(await reachableIndexes(db, member, seen)));
  return reached;
}

/** Every hosted or mirror index a view reaches, in resolution order. */
export async function leafIndexes(db: Db, index: IndexRow): Promise<IndexRow[]> {
  return (await reachableIndexes(db, index)).filter((i) => i.kind !== "group");
}

/**
 * The indexes from `view` down to the index `targetId` along the first depth-first path, the
 * order `reachableIndexes` reaches them in (so the path a download from `view` is served
 * through); null when `view` does not reach it.
 */
export async function pathToIndex(db: Db, view: IndexRow, targetId: number, seen = new Set<number>()): Promise<IndexRow[] | null> {
  if (seen.has(view.id)) return null;
  seen.add(view.id);
  if (view.id === targetId) return [view];
  if (view.kind !== "group") return null;
  for (const member of await groupMembers(db, view.id)) {
    const rest = await pathToIndex(db, member, targetId, seen);
    if (rest) return [view, ...rest];
  }
  return null;
}
