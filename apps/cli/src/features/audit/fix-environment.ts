/**
 * `audit --fix` for an environment: upgrade each vulnerable distribution to the nearest version
 * that fixes all its advisories, through the install pipeline (pipeline/install-requirements.ts)
 * with pip's only-if-needed strategy, so that what is installed keeps working:
 *
 * 1. The request: `name==<nearest fix>` for every vulnerable distribution, plus, by name, the
 *    installed distributions that depend on one of them (their installed versions are preferred;
 *    one is upgraded only when its requirement excludes the fix).
 * 2. A dry run gives the plan; the plan must also keep every other installed distribution's
 *    requirements on what it changes satisfied (the `wheelhouse check` rule, for the changes only).
 * 3. If the joint plan does not resolve, each package is tried alone: its fixed versions in
 *    ascending order (`==`), then `>=nearest`; what none of them allows is reported unfixed.
 * 4. The accepted plan is installed (unless --dry-run): one transaction, as `install` does.
 */
import { CliError } from "../../core/cli-error.ts";
import { canonicalizeName, tryParseVersion, type NormalizedName } from "@wheelhouse/packaging";
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import type { IndexSession } from "../../core/index/index-session.ts";
import { activeDependencies, displayVersion } from "../../core/installer/dependencies.ts";
import { installedDistributions, type InstalledDistributionDetails } from "../../core/installer/installed-distributions.ts";
import { parseRequirementArgs } from "../../core/requirements/requirements-files.ts";
import { failureMessage } from "../../ui/failure-message.ts";
import { installRequirements, type InstalledItem } from "../../pipeline/install-requirements.ts";
import type { Reporter } from "../../ui/command-reporter.ts";
import { ResolutionImpossible, ResolutionTooDeep } from "../../core/resolver/resolution-impossible.ts";
import type { ProgressRenderer } from "../../ui/progress.ts";

/** One vulnerable distribution and the fixed versions to try, nearest first. */
export interface FixTarget {
  name: NormalizedName;
  displayName: string;
  version: string;
  candidates: string[];
}

export interface AppliedFix {
  name: NormalizedName;
  displayName: string;
  from: string;
  to: string;
}

export interface FailedFix {
  name: NormalizedName;
  displayName: string;
  version: string;
  reason: string;
}

export interface FixOutcome {
  /** Upgrades made (or, with dryRun, that would be), vulnerable packages and what they pulled along. */
  upgraded: AppliedFix[];
  failed: FailedFix[];
}

export interface FixEnvironmentInput {
  session: IndexSession;
  env: InspectedEnvironment;
  targets: readonly FixTarget[];
  dryRun: boolean;
  compile: boolean;
  /** The install pipeline's lines (collecting, installing …). */
  reporter: Reporter;
  progress?: ProgressRenderer | null;
}

/** A plan that would break an installed distribution's requirement. */
class BreaksInstalled extends CliError {
  override name = "BreaksInstalled";
}

export async function fixEnvironment(input: FixEnvironmentInput): Promise<FixOutcome> {
  const installed = await installedDistributions(input.env);
  const byName = new Map(installed.map((d) => [d.name, d]));
  const quiet: Reporter = { info: () => {}, warning: () => {} };

  /** The plan for these pins (name → requirement text), checked; throws ResolutionImpossible or BreaksInstalled. */
  const plan = async (pins: ReadonlyMap<NormalizedName, string>): Promise<InstalledItem[]> => {
    const outcome = await install(input, dependentsRequest(installed, pins, input.env), true, quiet);
    checkPlan(outcome.installed, installed, input.env, byName);
    return outcome.installed;
  };

  const accepted = new Map<NormalizedName, string>();
  const failed: FailedFix[] = [];
  const joint = new Map(input.targets.map((t) => [t.name, `${t.name}==${t.candidates[0]!}`]));
  let plannedOk = false;
  if (joint.size > 0) {
    try {
      await plan(joint);
      for (const [name, text] of joint) accepted.set(name, text);
      plannedOk = true;
    } catch (e) {
      if (!isPlanFailure(e)) throw e;
    }
  }
  if (!plannedOk) {
    // One at a time, each on top of the fixes already accepted.
    for (const target of input.targets) {
      const attempts = [...target.candidates.map((v) => `${target.name}==${v}`), `${target.name}>=${target.candidates[0]!}`];
      let reason = "";
      let done = false;
      for (const text of attempts) {
        const pins = new Map(accepted).set(target.name, text);
        try {
          await plan(pins);
          accepted.set(target.name, text);
          done = true;
          break;
        } catch (e) {
          if (!isPlanFailure(e)) throw e;
          reason = planFailureReason(e);
        }
      }
      if (!done) failed.push({ name: target.name, displayName: target.displayName, version: target.version, reason });
    }
  }
  if (accepted.size === 0) return { upgraded: [], failed };

  const outcome = await install(input, dependentsRequest(installed, accepted, input.env), input.dryRun, input.reporter);
  const upgraded = outcome.installed.map((item) => {
    const before = byName.get(item.name);
    return {
      name: item.name,
      displayName: before?.displayName ?? item.displayName,
      from: before ? displayVersion(before.version) : "",
      to: displayVersion(item.version),
    };
  });
  return { upgraded, failed };
}

function install(input: FixEnvironmentInput, requirements: string[], dryRun: boolean, reporter: Reporter) {
  return installRequirements({
    session: input.session,
    finder: input.session.finder(input.env),
    env: input.env,
    requirements: parseRequirementArgs(requirements),
    constraints: [],
    settings: {
      noDeps: false,
      upgrade: false,
      upgradeStrategy: "only-if-needed",
      forceReinstall: false,
      ignoreInstalled: false,
      requireHashes: false,
      dryRun,
      compile: input.compile,
      buildIsolation: true,
    },
    reporter,
    ...(dryRun ? {} : { progress: input.progress ?? null }),
  });
}

/** The pins, then (by name) every installed distribution whose requirements name one of them. */
export function dependentsRequest(
  installed: readonly InstalledDistributionDetails[],
  pins: ReadonlyMap<NormalizedName, string>,
  env: InspectedEnvironment,
): string[] {
  const dependents = installed
    .filter((d) => !pins.has(d.name) && activeDependencies(d, env.markers).some((r) => pins.has(canonicalizeName(r.name))))
    .map((d) => d.name);
  return [...pins.values(), ...dependents];
}

/** Every installed distribution the plan keeps must still accept what the plan changes. */
function checkPlan(
  plan: readonly InstalledItem[],
  installed: readonly InstalledDistributionDetails[],
  env: InspectedEnvironment,
  byName: Map<NormalizedName, InstalledDistributionDetails>,
): void {
  const changed = new Map(plan.map((p) => [p.name, p.version]));
  for (const dist of installed) {
    if (changed.has(dist.name)) continue;
    for (const requirement of activeDependencies(dist, env.markers)) {
      const name = canonicalizeName(requirement.name);
      const version = changed.get(name);
      if (version === undefined) continue;
      const parsed = tryParseVersion(version);
      if (parsed !== null && requirement.specifier.contains(parsed, { prereleases: true })) continue;
      const from = byName.get(name);
      throw new BreaksInstalled(
        `${dist.displayName} ${displayVersion(dist.version)} requires ${requirement.toString()}, ` +
          `so ${from?.displayName ?? name} cannot be upgraded to ${version}`,
      );
    }
  }
}

function isPlanFailure(e: unknown): e is Error {
  return e instanceof ResolutionImpossible || e instanceof ResolutionTooDeep || e instanceof BreaksInstalled;
}

function planFailureReason(e: Error): string {
  if (e instanceof BreaksInstalled) return e.message;
  // The resolver's explanation, one line (its first sentence says what clashes).
  const text = failureMessage(e) ?? e.message;
  return text
    .replace(/^ERROR: /gm, "")
    .split("\n")
    .find((l) => l.trim() !== "")!
    .trim();
}
