/**
 * `wheelhouse wheel [-w DIR] REQUIREMENT... [-r FILE] [-c FILE]` — pip's wheel command: resolve
 * for the target interpreter (`--python`, else the active one), dependencies included unless
 * `--no-deps`, and put a wheel of every pin into DIR (default: the current directory): wheels
 * fetched through the download cache and saved, sdists built through PEP 517 (with build
 * isolation unless `--no-build-isolation`). DIR then serves `pip install --no-index --find-links DIR`.
 *
 * It is the install pipeline (pipeline/install-requirements.ts) up to the install. As in pip, a
 * failed build does not stop the others; the run then ends with "Failed to build one or more
 * wheels" and status 1.
 */
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { openSession } from "../pipeline/command-session.ts";
import { hashFile } from "../core/hashes/hashing.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import { failureMessage, failWith, reportFailure } from "../ui/failure-message.ts";
import { prepareRequirements, type PreparedRun, type Reporter } from "../pipeline/install-requirements.ts";
import type { Planned } from "../pipeline/planned.ts";
import { readRequirementsOrReport } from "../pipeline/read-requirements.ts";
import { saveArchive, savedLine } from "../pipeline/save-archive.ts";
import { commandProgress, commandReporter } from "../ui/command-reporter.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const fail = failWith(ctx.stderr);
  const read = await readRequirementsOrReport(ctx);
  if (!read) return 1;
  if (read.editables.length > 0)
    return fail(`ERROR: Editable requirements are not supported by this version of wheelhouse wheel: -e ${read.editables[0]!.text}`);
  if (read.requirements.length === 0) return fail('ERROR: You must give at least one requirement to wheel (see "wheelhouse help wheel")');

  const wheelDir = path.resolve(ctx.cwd, o.wheelDir ?? ".");
  const progress = commandProgress(ctx);
  const reporter = commandReporter(ctx, progress);
  let session: IndexSession | null = null;
  try {
    session = openSession(ctx, {}, read.options);
    const env = await targetEnvironment({ ...o, target: null, prefix: null, user: false }, ctx.env);
    await mkdir(wheelDir, { recursive: true });
    const cacheDir = session.cacheDir;
    const allBuilt = await prepareRequirements(
      {
        session,
        finder: session.finder(env),
        env,
        requirements: read.requirements,
        constraints: read.constraints,
        settings: {
          noDeps: o.noDeps,
          upgrade: false,
          upgradeStrategy: "only-if-needed",
          forceReinstall: false,
          // pip wheel: what the interpreter has installed plays no part.
          ignoreInstalled: true,
          requireHashes: read.requireHashes,
          dryRun: false,
          compile: false,
          buildIsolation: !o.noBuildIsolation,
        },
        reporter,
        progress,
      },
      (prepared) => saveWheels(prepared, { wheelDir, cwd: ctx.cwd, cacheDir, reporter, stderr: (line) => void ctx.stderr.write(`${line}\n`) }),
    );
    progress?.clear();
    return allBuilt ? 0 : fail("ERROR: Failed to build one or more wheels");
  } catch (e) {
    progress?.clear();
    return reportFailure(e, ctx.stderr);
  } finally {
    await session?.close();
  }
}

interface SaveTarget {
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
async function saveWheels(prepared: PreparedRun, target: SaveTarget): Promise<boolean> {
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
