/**
 * `wheelhouse uninstall [-y] [-r file] names…` — pip's uninstall: its messages, its prompt,
 * its exit statuses. Each distribution is removed in its own transaction.
 */
import path from "node:path";
import { canonicalizeName } from "@wheelhouse/packaging";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { UninstallationError } from "../core/installer/errors.ts";
import { findInstalledDistribution } from "../core/installer/installed-distributions.ts";
import { uninstallDistribution, uninstallationPaths } from "../core/installer/uninstall.ts";
import { parseRequirementArgs, parseRequirementsFile } from "../core/requirements/requirements-files.ts";
import { askYesNo } from "../ui/ask-yes-no.ts";

export interface UninstallContext extends CommandContext {
  /** Asks a yes/no question (default: a prompt on the terminal). */
  confirm?: (question: string) => Promise<boolean>;
}

export async function run(ctx: UninstallContext): Promise<number> {
  const names: string[] = [];
  try {
    for (const line of parseRequirementArgs(ctx.args, { cwd: ctx.cwd })) if (line.requirement) names.push(line.requirement.name);
    for (const file of ctx.options.requirements) {
      const parsed = await parseRequirementsFile(file, { cwd: ctx.cwd, env: ctx.env });
      for (const line of parsed.requirements) if (line.requirement) names.push(line.requirement.name);
    }
  } catch (e) {
    ctx.stderr.write(`ERROR: ${(e as Error).message}\n`);
    return 1;
  }
  const seen = new Set<string>();
  const unique = names.filter((n) => !seen.has(canonicalizeName(n)) && seen.add(canonicalizeName(n)));
  if (unique.length === 0) {
    ctx.stderr.write('ERROR: You must give at least one requirement to uninstall (see "wheelhouse help uninstall")\n');
    return 1;
  }
  const env = await targetEnvironment(ctx.options, ctx.env);
  for (const name of unique) {
    const dist = await findInstalledDistribution(env, name);
    if (!dist) {
      ctx.stderr.write(`WARNING: Skipping ${name} as it is not installed.\n`);
      continue;
    }
    ctx.stdout.write(`Found existing installation: ${dist.displayName} ${dist.version}\n`);
    ctx.stdout.write(`Uninstalling ${dist.displayName}-${dist.version}:\n`);
    try {
      if (!ctx.options.yes) {
        const paths = await uninstallationPaths(dist, env);
        ctx.stdout.write(
          `  Would remove:\n${compactForDisplay(paths, dist.location)
            .map((p) => `    ${p}\n`)
            .join("")}`,
        );
        if (!(await ask(ctx, "Proceed (Y/n)? "))) continue;
      }
      await uninstallDistribution(dist, env);
    } catch (e) {
      if (e instanceof UninstallationError) {
        ctx.stderr.write(`ERROR: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    ctx.stdout.write(`  Successfully uninstalled ${dist.displayName}-${dist.version}\n`);
  }
  return 0;
}

async function ask(ctx: UninstallContext, question: string): Promise<boolean> {
  if (ctx.confirm) return ctx.confirm(question);
  if (ctx.options.noInput) throw new UninstallationError(`No input was expected (--no-input set); question: ${question}`);
  return askYesNo(question, ctx.stdout);
}

/** pip's compress_for_display: a top-level directory in site-packages is shown as `dir/*`. */
function compactForDisplay(paths: string[], location: string): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const rel = path.relative(location, p);
    const parts = rel.split(path.sep);
    if (!rel.startsWith("..") && parts.length > 1) out.add(path.join(location, parts[0]!, "*"));
    else out.add(p);
  }
  return [...out].sort();
}
