import type { Db } from "@wheelhouse/db";
import { BundleError } from "./bundle-error.ts";
import type { IndexRow } from "./bundle-deps.ts";

/** The hosted or mirror index a bundle is exported from or imported into; a group holds no files of its own. */
export async function findBundleIndex(db: Db, name: string): Promise<IndexRow> {
  const index = await db.index.findUnique({ where: { name } });
  if (!index) throw new BundleError(`No index named '${name}'.`, "no-index");
  if (index.kind === "group") {
    throw new BundleError(`Index '${name}' is a group index; bundles are exported from and imported into hosted or mirror indexes.`, "wrong-index-kind");
  }
  return index;
}
