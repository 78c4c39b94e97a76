/**
 * `audit --fix`: each finding's nearest fixed version, applied to the environment (through the
 * install pipeline, fix-environment.ts) or to the `-r` files' pins (fix-requirements.ts); a
 * finding no release fixes is reported as skipped.
 */
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import type { IndexSession } from "../../core/index/index-session.ts";
import type { Reporter } from "../../ui/command-reporter.ts";
import type { ProgressRenderer } from "../../ui/progress.ts";
import type { AuditResult, FixReport } from "./audit-report.ts";
import { fixEnvironment } from "./fix-environment.ts";
import { fixRequirementFiles } from "./fix-requirements.ts";
import { fixCandidates, nearestFix } from "./fix-versions.ts";

export interface FixFindingsInput {
  /** The vulnerable results of the audit. */
  findings: readonly AuditResult[];
  session: IndexSession;
  /** The audited environment; null when the `-r` files were audited (their pins are rewritten). */
  env: InspectedEnvironment | null;
  cwd: string;
  dryRun: boolean;
  compile: boolean;
  reporter: Reporter;
  progress: ProgressRenderer | null;
}

/** What was fixed and what was skipped, by name. */
export async function fixFindings(input: FixFindingsInput): Promise<FixReport[]> {
  const { session, env, dryRun, progress } = input;
  const fixes: FixReport[] = [];
  const fixable: { result: AuditResult; candidates: string[] }[] = [];
  for (const result of input.findings) {
    const { dependency, vulnerabilities } = result;
    const nearest = nearestFix(dependency.version, vulnerabilities);
    if (nearest.kind === "none") {
      const reason = `no fixed version is known for ${nearest.advisories.join(", ")}`;
      fixes.push({ kind: "skipped", name: dependency.name, displayName: dependency.displayName, version: dependency.version, reason });
    } else {
      fixable.push({ result, candidates: fixCandidates(dependency.version, vulnerabilities) });
    }
  }
  if (fixable.length > 0) {
    if (env === null) {
      fixes.push(
        ...(await fixRequirementFiles({
          session,
          cwd: input.cwd,
          targets: fixable.map((f) => ({ dependency: f.result.dependency, candidates: f.candidates })),
          dryRun,
        })),
      );
    } else {
      const outcome = await fixEnvironment({
        session,
        env,
        targets: fixable.map(({ result: { dependency: d }, candidates }) => ({ name: d.name, displayName: d.displayName, version: d.version, candidates })),
        dryRun,
        compile: input.compile,
        reporter: input.reporter,
        progress,
      });
      progress?.clear();
      for (const u of outcome.upgraded) fixes.push({ kind: "fixed", name: u.name, displayName: u.displayName, from: u.from === "" ? null : u.from, to: u.to });
      for (const f of outcome.failed) fixes.push({ kind: "skipped", name: f.name, displayName: f.displayName, version: f.version, reason: f.reason });
    }
  }
  return fixes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
