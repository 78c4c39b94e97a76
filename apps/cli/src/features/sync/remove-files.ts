/**
 * Takes the files of distributions out of an environment in one transaction: all go, or (on a
 * failure, even a killed process, once a later run recovers) none. `sync` uses it when it only
 * removes; when it also installs, the removals ride in the install's transaction instead.
 */
import path from "node:path";
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import { pruneEmptyDirs } from "../../core/installer/fs-utils.ts";
import { Transaction } from "../../core/installer/transaction.ts";

export async function removeFiles(paths: readonly string[], env: InspectedEnvironment): Promise<void> {
  if (paths.length === 0) return;
  const tx = await Transaction.begin(env.paths.purelib);
  let removed: string[];
  try {
    removed = await tx.commit({ moves: [], remove: [...paths] });
  } catch (e) {
    await tx.abort();
    throw e;
  }
  const { purelib, platlib, scripts, data, include } = env.paths;
  await pruneEmptyDirs(
    removed.map((p) => path.dirname(p)),
    [purelib, platlib, scripts, data, include],
  );
}
