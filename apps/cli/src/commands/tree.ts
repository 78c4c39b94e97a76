/**
 * `wheelhouse tree [--reverse] [-p NAME[,NAME…]] [--depth N] [--format text|json]` — pipdeptree
 * from the installed metadata of the target environment: top-level distributions with their
 * dependencies nested under them (or, reversed, each distribution with what needs it), markers
 * evaluated for the target, extras asked by dependents followed, cycles shown once. Missing,
 * conflicting and cyclic dependencies are also reported on stderr; the status stays 0, as
 * pipdeptree's default.
 */
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { installedDistributions } from "../core/installer/installed-distributions.ts";
import { DependencyGraph } from "../features/tree/dependency-graph.ts";
import { buildForest } from "../features/tree/forest.ts";
import { renderJson, renderText, warningsText } from "../features/tree/render.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  if (o.depth !== null && o.depth < 0) {
    ctx.stderr.write(`ERROR: --depth must be 0 or more (got ${o.depth}).\n`);
    return 2;
  }
  const env = await targetEnvironment(o, ctx.env);
  const graph = new DependencyGraph(await installedDistributions(env), env.markers);

  let roots: NormalizedName[] | undefined;
  const patterns = o.treePackages
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (patterns.length > 0) {
    // Reversed, a missing requirement can be asked about too (who needs it?).
    const names = [...graph.distributions.map((d) => d.name), ...(o.reverse ? graph.missingNames() : [])];
    const chosen = new Set<NormalizedName>();
    const unmatched: string[] = [];
    for (const pattern of patterns) {
      const matches = names.filter(matcher(pattern));
      if (matches.length === 0) unmatched.push(pattern);
      for (const m of matches) chosen.add(m);
    }
    if (chosen.size === 0) {
      ctx.stderr.write(`ERROR: No installed package matches ${unmatched.join(", ")}.\n`);
      return 1;
    }
    if (unmatched.length > 0 && o.quiet < 2) ctx.stderr.write(`WARNING: No installed package matches ${unmatched.join(", ")}.\n`);
    roots = [...chosen].sort();
  }

  const forest = buildForest(graph, { reverse: o.reverse, depth: o.depth, ...(roots ? { roots } : {}) });
  ctx.stdout.write(o.treeFormat === "json" ? renderJson(forest, o.reverse) : renderText(forest, o.reverse));
  if (o.quiet < 2) ctx.stderr.write(warningsText(graph));
  return 0;
}

/** A `-p` pattern: a name in any spelling, `*` and `?` as wildcards (pipdeptree's fnmatch). */
function matcher(pattern: string): (name: string) => boolean {
  const normalized = canonicalizeName(pattern);
  const re = new RegExp(
    `^${normalized
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return (name) => re.test(name);
}
