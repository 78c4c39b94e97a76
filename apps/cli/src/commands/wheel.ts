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
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { openSession } from "../pipeline/command-session.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import { failWith, reportFailure } from "../ui/failure-message.ts";
import { prepareRequirements } from "../pipeline/install-requirements.ts";
import { readRequirementsOrReport } from "../pipeline/read-requirements.ts";
import { saveWheels } from "../pipeline/save-wheels.ts";
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
