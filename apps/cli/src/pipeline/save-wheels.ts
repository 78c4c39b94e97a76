/**
 * What `wheelhouse wheel` does with a prepared run (install-requirements.ts prepareRequirements):
 * the wheels saved into the wheel directory, the sdists built — all of them, whatever fails — and
 * what was built saved too, with pip's log lines.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { hashFile } from "../core/hashes/hashing.ts";
import type { Reporter } from "../ui/command-reporter.ts";
import { failureMessage } from "../ui/failure-message.ts";
import type { PreparedRun } from "./install-requirements.ts";
import type { Planned } from "./planned.ts";
import { saveArchive, savedLine } from "./save-archive.ts";

export interface SaveTarget {
  wheelDir: string;
  cwd: string;
  /** Built wheels are kept here too (pip's "Stored in directory"); null with --no-cache-dir. */
  cacheDir: string | null;
  reporter: Reporter;
  /** pip's ERROR lines, as they are (stderr). */
  stderr: (line: string) => void;
}

/**
 * Fetches every pin, saves the wheels into the directory as pip does ("Saved ./dir/x.whl"), then
 * builds the sdists — all of them, whatever fails — and saves what was built. False when a build failed.
 */
export async function saveWheels(prepared: PreparedRun, target: SaveTarget): Promise<boolean> {
  const { wheelDir, cwd, reporter } = target;
  const archives = await prepared.fetch();
  const sdists: { item: Planned; archive: string }[] = [];
  for (const [i, item] of prepared.plan.entries()) {
    const archive = archives[i]!.path;
    if (item.file.kind === "wheel") reporter.info(savedLine(await saveArchive(archive, wheelDir, item.file.filename), cwd));
    else sdists.push({ item, archive });
  }
  if (sdists.length === 0) return true;

  reporter.info(`Building wheels for collected packages: ${sdists.map((s) => s.item.displayName).join(", ")}`);
  const results = await Promise.allSettled(sdists.map(({ item, archive }) => prepared.build(item, archive)));
  const built: string[] = [];
  const failed: string[] = [];
  for (const [i, result] of results.entries()) {
    const { item } = sdists[i]!;
    if (result.status === "rejected") {
      const message = failureMessage(result.reason);
      if (message === null) throw result.reason;
      target.stderr(message);
      target.stderr(`  ERROR: Failed building wheel for ${item.displayName}`);
      failed.push(item.displayName);
      continue;
    }
    const wheel = result.value;
    const [{ size }, digests] = await Promise.all([stat(wheel), hashFile(wheel, ["sha256"])]);
    reporter.info(`  Created wheel for ${item.displayName}: filename=${path.basename(wheel)} size=${size} sha256=${digests.sha256}`);
    if (target.cacheDir !== null && wheel.startsWith(target.cacheDir + path.sep)) reporter.info(`  Stored in directory: ${path.dirname(wheel)}`);
    await saveArchive(wheel, wheelDir);
    built.push(item.displayName);
  }
  if (built.length > 0) reporter.info(`Successfully built ${built.join(" ")}`);
  if (failed.length > 0) reporter.info(`Failed to build ${failed.join(" ")}`);
  return failed.length === 0;
}
