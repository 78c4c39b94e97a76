import type { Db } from "@wheelhouse/db";
import type { IndexRow } from "./find-index.ts";

/** A group's members in order. */
export async function groupMembers(db: Db, groupId: number): Promise<IndexRow[]> {
  const rows = await db.indexMember.findMany({ where: { groupId }, orderBy: { position: "asc" }, include: { member: true } });
  return rows.map((r) => r.member);
}

/** Every hosted or mirror index a view reaches, in resolution order (groups expanded, each once). */
export async function leafIndexes(db: Db, index: IndexRow, seen = new Set<number>()): Promise<IndexRow[]> {
  if (seen.has(index.id)) return [];
  seen.add(index.id);
  if (index.kind !== "group") return [index];
  const leaves: IndexRow[] = [];
  for (const member of await groupMembers(db, index.id)) leaves.push(...(await leafIndexes(db, member, seen)));
  return leaves;
}
