/**
 * `wheelhouse install [options] REQUIREMENT... [-r FILE] [-c FILE]` — pip's install: resolve for
 * the target interpreter, keep what is installed unless upgrading, fetch and verify every archive
 * before changing anything, build sdists, install wheels in parallel. The pipeline itself is
 * resolution/install-requirements.ts (builds run it too, for their build requirements).
 */
import type { CommandContext } from "../cli-options.ts";
import { targetEnvironment } from "../environment/target-environment.ts";
import { openSession } from "../index/command-support.ts";
import { failureMessage } from "../resolution/failure-message.ts";
import { installRequirements } from "../resolution/install-requirements.ts";
import { prefetchRememberedPages, rememberPages, type PrefetchKey } from "../resolution/page-prefetch.ts";
import { readRequirementsOrReport } from "../resolution/read-requirements.ts";
import { progressFor } from "../ui/progress.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const fail = (message: string): number => {
    ctx.stderr.write(`${message}\n`);
    return 1;
  };
  const read = await readRequirementsOrReport(ctx);
  if (!read) return 1;
  if (read.editables.length > 0) {
    return fail(`ERROR: Editable installs are not supported by this version of wheelhouse: -e ${read.editables[0]!.text}`);
  }
  if (read.requirements.length === 0) {
    return fail('ERROR: You must give at least one requirement to install (see "wheelhouse help install")');
  }
  if (o.root) return fail("ERROR: --root is not supported by this version of wheelhouse.");
  if (o.report) ctx.stderr.write("WARNING: --report is not supported by this version of wheelhouse; no report is written.\n");

  const quiet = o.quiet;
  // On a terminal (and without -q), progress lines are drawn below the log; a pipe gets the log alone.
  const progress = progressFor(ctx.stdout, quiet);
  const reporter = {
    info: (line: string) => void (quiet > 0 ? undefined : progress ? progress.log(line) : ctx.stdout.write(`${line}\n`)),
    warning: (line: string) => void (quiet > 1 ? undefined : ctx.stderr.write(`WARNING: ${line}\n`)),
  };
  let session = null as ReturnType<typeof openSession> | null;
  try {
    session = openSession(ctx, {}, read.options);
    // The pages the last run of this request read are revalidated while the interpreter is inspected.
    const prefetchKey: PrefetchKey = {
      requirements: read.requirements.map((r) => r.text),
      constraints: read.constraints.map((r) => r.text),
      extra: [o.python, o.target, o.prefix, o.user, o.upgrade, o.upgradeStrategy, o.pre, o.noDeps, o.ignoreInstalled],
    };
    const remembered = prefetchRememberedPages(session, prefetchKey);
    const env = await targetEnvironment(o, ctx.env);
    const previous = await remembered;
    await installRequirements({
      session,
      finder: session.finder(env),
      env,
      requirements: read.requirements,
      constraints: read.constraints,
      settings: {
        noDeps: o.noDeps,
        upgrade: o.upgrade,
        upgradeStrategy: o.upgradeStrategy,
        forceReinstall: o.forceReinstall,
        ignoreInstalled: o.ignoreInstalled,
        requireHashes: read.requireHashes,
        dryRun: o.dryRun,
        // uv's default: no bytecode unless --compile (or compile = yes in pip.conf) asks for it.
        compile: ctx.origins.compile !== undefined && o.compile,
        buildIsolation: !o.noBuildIsolation,
      },
      reporter,
      progress,
    });
    await rememberPages(session, prefetchKey, previous);
    return 0;
  } catch (e) {
    const message = failureMessage(e);
    if (message !== null) return fail(message);
    throw e;
  } finally {
    progress?.clear();
    await session?.close();
  }
}
