import type { Db } from "@wheelhouse/db";
import { NotFound } from "../errors.ts";

export type IndexRow = NonNullable<Awaited<ReturnType<Db["index"]["findUnique"]>>>;

/**
 * Lookups in flight, per database and index name. Every request starts with its index's row; an
 * installer's burst sends a dozen at once, and those that arrive while a lookup of the same row
 * is running share its answer (as if they had all read it at that moment). Nothing is kept once
 * it is answered, so a change is seen by the next request as before.
 */
const inFlight = new WeakMap<Db, Map<string, Promise<IndexRow | null>>>();

export async function findIndexOrThrow(db: Db, name: string): Promise<IndexRow> {
  let pending = inFlight.get(db);
  if (!pending) inFlight.set(db, (pending = new Map()));
  let lookup = pending.get(name);
  if (!lookup) {
    const started = db.index.findUnique({ where: { name } });
    lookup = started.finally(() => pending.delete(name));
    pending.set(name, lookup);
  }
  const index = await lookup;
  if (!index) throw new NotFound(`No index named '${name}'.`, "no-index");
  return index;
}
