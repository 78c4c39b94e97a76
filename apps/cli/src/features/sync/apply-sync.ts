/**
 * A sync plan carried out: the listed packages that are missing or at another version installed
 * through the install pipeline (with --no-deps: the files are the complete set) and the unlisted
 * ones taken out, in the install's one transaction (remove-files.ts when nothing is installed);
 * then `check`'s findings as warnings.
 */
import type { RequirementLine } from "@wheelhouse/packaging";
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import type { IndexSession } from "../../core/index/index-session.ts";
import { checkInstalled } from "../../core/installer/check-installed.ts";
import { installRequirements } from "../../pipeline/install-requirements.ts";
import type { Reporter } from "../../ui/command-reporter.ts";
import type { ProgressRenderer } from "../../ui/progress.ts";
import type { SyncPlan } from "./plan-sync.ts";
import { removeFiles } from "./remove-files.ts";

export interface ApplySyncInput {
  plan: Pick<SyncPlan, "install" | "uninstall">;
  /** The files of the distributions to uninstall (worked out, and checked, before anything changes). */
  removals: readonly string[];
  env: InspectedEnvironment;
  constraints: RequirementLine[];
  requireHashes: boolean;
  compile: boolean;
  buildIsolation: boolean;
  /** Opens the index session, which only an install needs (the caller closes it). */
  openSession: () => IndexSession;
  reporter: Reporter;
  progress: ProgressRenderer | null;
}

export async function applySync(input: ApplySyncInput): Promise<void> {
  const { plan, removals, env, reporter } = input;
  if (plan.install.length > 0) {
    const session = input.openSession();
    const outcome = await installRequirements({
      session,
      finder: session.finder(env),
      env,
      requirements: plan.install.map((i) => i.wanted.line),
      constraints: input.constraints,
      settings: {
        // The files are the whole set: nothing else is pulled in (pip-sync's files come from pip-compile).
        noDeps: true,
        upgrade: false,
        upgradeStrategy: "only-if-needed",
        // Every line here differs from what is installed (a version, or the URL it came from).
        forceReinstall: true,
        ignoreInstalled: false,
        requireHashes: input.requireHashes,
        dryRun: false,
        compile: input.compile,
        buildIsolation: input.buildIsolation,
      },
      reporter,
      progress: input.progress,
      alsoRemove: removals,
    });
    // (The removals rode in the install's transaction, which there is only when something was installed.)
    if (outcome.installed.length === 0) await removeFiles(removals, env);
  } else {
    await removeFiles(removals, env);
  }
  if (plan.uninstall.length > 0) reporter.info(`Successfully uninstalled ${plan.uninstall.map((d) => `${d.displayName}-${d.version}`).join(" ")}`);
  warnIfIncomplete(await checkInstalled(env), reporter);
}

/** `check`'s findings as warnings: with --no-deps, a dependency the files do not list stays missing. */
export function warnIfIncomplete(check: { lines: string[]; broken: boolean }, reporter: Reporter): void {
  if (!check.broken) return;
  for (const line of check.lines) reporter.warning(line);
  reporter.warning('The requirements files do not list every dependency: add the missing ones (or write the files with "wheelhouse lock").');
}
