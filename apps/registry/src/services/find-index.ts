import type { Db } from "@wheelhouse/db";
import { NotFound } from "../errors.ts";

export type IndexRow = NonNullable<Awaited<ReturnType<Db["index"]["findUnique"]>>>;

export async function findIndexOrThrow(db: Db, name: string): Promise<IndexRow> {
  const index = await db.index.findUnique({ where: { name } });
  if (!index) throw new NotFound(`No index named '${name}'.`, "no-index");
  return index;
}
