import type { Db } from "@wheelhouse/db";
import type { IndexRow } from "./find-index.ts";

/**
 * Whether the reader may read `index`, reached from the URL's index through the groups `via`
 * (auth/authorize.ts readAccess builds it from a request). Every walk through a group asks it of
 * each member: a member the reader may not read is invisible to them, with all it contains.
 */
export type ReadAccess = (index: IndexRow, via: readonly IndexRow[]) => boolean;

/** For walks that serve no reader (admin checks, cycle detection): every index. */
export const EVERY_INDEX: ReadAccess = () => true;

/** A group's members in order. */
export async function groupMembers(db: Db, groupId: number): Promise<IndexRow[]> {
  const rows = await db.indexMember.findMany({ where: { groupId }, orderBy: { position: "asc" }, include: { member: true } });
  return rows.map((r) => r.member);
}

interface ReachedIndex {
  index: IndexRow;
  /** False for a member the reader may not read and everything under it. */
  readable: boolean;
}

/**
 * Every index a view reaches: itself, then its members depth-first in order, each once, each
 * marked readable or not for the reader. (Unreadable ones still matter: a name they hold is not
 * served from a later member — see project-sources.ts.)
 */
export async function walkView(db: Db, view: IndexRow, access: ReadAccess = EVERY_INDEX): Promise<ReachedIndex[]> {
  const reached: ReachedIndex[] = [];
  const seen = new Set<number>();
  const visit = async (index: IndexRow, via: IndexRow[], readable: boolean): Promise<void> => {
    if (seen.has(index.id)) return;
    seen.add(index.id);
    reached.push({ index, readable });
    if (index.kind !== "group") return;
    const path = [...via, index];
    for (const member of await groupMembers(db, index.id)) await visit(member, path, readable && access(member, path));
  };
  await visit(view, [], true);
  return reached;
}

/** Every index a view reaches that the reader may read: itself, then its members depth-first in order, each once. */
export async function reachableIndexes(db: Db, index: IndexRow, access: ReadAccess = EVERY_INDEX): Promise<IndexRow[]> {
  return (await walkView(db, index, access)).filter((r) => r.readable).map((r) => r.index);
}

/** Every hosted or mirror index a view reaches that the reader may read, in resolution order. */
export async function leafIndexes(db: Db, index: IndexRow, access: ReadAccess = EVERY_INDEX): Promise<IndexRow[]> {
  return (await reachableIndexes(db, index, access)).filter((i) => i.kind !== "group");
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
