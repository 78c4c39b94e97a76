/**
 * `wheelhouse sync [FILE...]` — pip-tools' pip-sync: make the environment hold exactly what the
 * requirements files list (default `requirements.txt` in the current directory). What changes is
 * decided by features/sync/plan-sync.ts and carried out by features/sync/apply-sync.ts: in one
 * transaction, the listed packages that are missing or at another version are installed (through
 * the install pipeline, with --no-deps: the files are the complete set) and the unlisted ones taken out. An interrupted sync is undone by the next run,
 * so the environment is the one before it or the one after it.
 *
 * As pip-sync: `--dry-run` lists the changes and exits 1 when there are some; "Everything
 * up-to-date" when there are none; pip, setuptools, wheel, pip-tools (and what they depend on)
 * are never uninstalled. Unlike pip-sync, uninstalling asks first on a terminal (`-y` does not
 * ask; without a terminal, `-y` is required), only what is in the target's site-packages is ever
 * uninstalled, and `check` runs afterwards to warn about dependencies the files left out.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { openSession } from "../pipeline/command-session.ts";
import { UninstallationError } from "../core/installer/errors.ts";
import { installedDistributions, localOnly } from "../core/installer/installed-distributions.ts";
import { recoverTransactions } from "../core/installer/transaction.ts";
import { uninstallationPaths } from "../core/installer/uninstall.ts";
import { reportFailure } from "../ui/failure-message.ts";
import { formatHashErrors, hashCheckingEnabled, describeLine } from "../pipeline/hash-checking.ts";
import { readRequirementsOrReport } from "../pipeline/read-requirements.ts";
import { IncompatibleRequirements, mergeRequirements, planSync } from "../features/sync/plan-sync.ts";
import { planLines } from "../features/sync/plan-lines.ts";
import { applySync, warnIfIncomplete } from "../features/sync/apply-sync.ts";
import { askYesNo } from "../ui/ask-yes-no.ts";
import { commandProgress, commandReporter } from "../ui/command-reporter.ts";
import { checkInstalled } from "../core/installer/check-installed.ts";

export const DEFAULT_REQUIREMENTS_FILE = "requirements.txt";

export interface SyncContext extends CommandContext {
  /** Asks a yes/no question (default: a prompt on the terminal, when there is one). */
  confirm?: (question: string) => Promise<boolean>;
}

const USAGE = 2;

export async function run(ctx: SyncContext): Promise<number> {
  const o = ctx.options;
  const error = (message: string, status = 1): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return status;
  };
  const progress = commandProgress(ctx);
  const reporter = commandReporter(ctx, progress);

  // pip-sync: the files given, else requirements.txt here; `.in` files are the unpinned inputs, not these.
  let files = ctx.args;
  if (files.length === 0) {
    if (!existsSync(path.resolve(ctx.cwd, DEFAULT_REQUIREMENTS_FILE))) {
      return error(`No requirement files given and no ${DEFAULT_REQUIREMENTS_FILE} found in the current directory`, USAGE);
    }
    files = [DEFAULT_REQUIREMENTS_FILE];
  }
  const inputs = files.filter((f) => f.endsWith(".in"));
  if (inputs.length > 0) {
    return error(
      `${inputs.join(", ")}: sync takes pinned requirements files (.txt, as "wheelhouse lock" writes them), not the .in files they are compiled from.`,
      USAGE,
    );
  }

  const read = await readRequirementsOrReport({ ...ctx, args: [], options: { ...o, requirements: files, editables: [] } });
  if (!read) return 1;
  if (read.editables.length > 0) return error(`Editable installs are not supported by this version of wheelhouse: -e ${read.editables[0]!.text}`);

  let session = null as ReturnType<typeof openSession> | null;
  try {
    const env = await targetEnvironment(o, ctx.env);
    if (!o.dryRun) await recoverTransactions(new Set([env.paths.purelib, env.paths.platlib]));
    // pip-sync's local_only: in a virtual environment, what is outside it is neither kept nor removed.
    const installed = localOnly(await installedDistributions(env), env, true);
    let wanted;
    try {
      wanted = mergeRequirements(read.requirements, env.markers);
    } catch (e) {
      if (e instanceof IncompatibleRequirements) return error(e.message, USAGE);
      throw e;
    }
    // What sync did not install it does not remove: distributions outside the target's site-packages
    // (a distribution's packages, the user site) are left alone, as pip leaves them.
    const libDirs = new Set([env.paths.purelib, env.paths.platlib].map((d) => path.resolve(d)));
    const plan = planSync(wanted, installed, {
      markers: env.markers,
      constraints: read.constraints,
      removable: (d) => libDirs.has(path.resolve(d.location)),
    });
    if (plan.keptOutside.length > 0) {
      reporter.warning(
        `Not listed, but installed outside ${env.paths.purelib} and left alone: ` +
          `${plan.keptOutside.map((d) => `${d.displayName} ${d.version} (${d.location})`).join(", ")}`,
      );
    }

    if (plan.unpinned.length > 0) {
      if (hashCheckingEnabled(read.requireHashes, read.requirements)) {
        ctx.stderr.write(`ERROR: ${formatHashErrors({ missing: [], unpinned: plan.unpinned, mismatches: [] })}\n`);
        return 1;
      }
      reporter.warning(
        `These requirements are not pinned to one version (name==version), ` +
          `so sync keeps any installed version they allow and installs the newest one otherwise: ` +
          `${plan.unpinned.map(describeLine).join("; ")}`,
      );
    }

    if (plan.install.length === 0 && plan.uninstall.length === 0) {
      reporter.info("Everything up-to-date");
      if (!o.dryRun) warnIfIncomplete(await checkInstalled(env), reporter);
      return 0;
    }
    if (o.dryRun) {
      // pip-sync --dry-run: the listing, and status 1 because the environment does not match.
      for (const line of planLines(plan)) ctx.stdout.write(`${line}\n`);
      return 1;
    }

    // Every removal is worked out (and any distribution that cannot be removed reported) before anything changes.
    const removals = (await Promise.all(plan.uninstall.map((d) => uninstallationPaths(d, env)))).flat();
    if (plan.uninstall.length > 0 && !o.yes) {
      for (const line of planLines({ install: [], uninstall: plan.uninstall })) ctx.stdout.write(`${line}\n`);
      const answer = await confirm(ctx, "Proceed (Y/n)? ");
      if (answer === null) {
        return error(
          `sync would uninstall ${plan.uninstall.map((d) => d.displayName).join(", ")}: pass -y (--yes) to confirm, there is no terminal to ask on.`,
        );
      }
      if (!answer) return error("Nothing was changed.");
    }

    await applySync({
      plan,
      removals,
      env,
      constraints: read.constraints,
      requireHashes: read.requireHashes,
      // uv's default, as install: no bytecode unless --compile (or compile = yes in pip.conf).
      compile: ctx.origins.compile !== undefined && o.compile,
      buildIsolation: !o.noBuildIsolation,
      openSession: () => (session = openSession(ctx, {}, read.options)),
      reporter,
      progress,
    });
    return 0;
  } catch (e) {
    if (e instanceof UninstallationError) return error(e.message);
    return reportFailure(e, ctx.stderr);
  } finally {
    progress?.clear();
    await session?.close();
  }
}

/** true / false as answered; null when there is nobody to ask (no terminal, or --no-input). */
async function confirm(ctx: SyncContext, question: string): Promise<boolean | null> {
  if (ctx.confirm) return ctx.confirm(question);
  if (ctx.options.noInput || !process.stdin.isTTY) return null;
  return askYesNo(question, ctx.stdout);
}
