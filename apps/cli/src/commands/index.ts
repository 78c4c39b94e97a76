/**
 * `wheelhouse index versions NAME` — pip's `index` command (pip/_internal/commands/index.py): the
 * versions the indexes and find-links offer for the target interpreter, newest first.
 */
import { canonicalizeName, isValidProjectName } from "@wheelhouse/packaging";
import type { CommandContext } from "../core/config/cli-options.ts";
import { findTarget, openSession, type IndexCommandDeps } from "../pipeline/command-session.ts";

const ACTIONS = ["versions"] as const;

export async function run(ctx: CommandContext, deps: IndexCommandDeps = {}): Promise<number> {
  const error = (message: string): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  const [action, ...args] = ctx.args;
  if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) {
    return error(`Need an action (${ACTIONS.join(", ")}) to perform.`);
  }
  if (args.length !== 1) return error("You need to specify exactly one argument");
  const query = args[0]!;
  if (!isValidProjectName(query)) return error(`Invalid project name: ${query}`);
  const target = await (deps.target ?? (() => findTarget(ctx)))();
  const session = openSession(ctx, deps);
  try {
    const finder = session.finder(target);
    const candidates = await finder.candidates(canonicalizeName(query));
    // pip: yanked versions are listed; pre-releases only with --pre.
    const versions = [...new Set(candidates.filter((c) => ctx.options.pre || !c.version.isPrerelease).map((c) => c.version.toString()))];
    if (versions.length === 0) return error(`No matching distribution found for ${query}`);
    ctx.stdout.write(`${query} (${versions[0]})\nAvailable versions: ${versions.join(", ")}\n`);
    return 0;
  } finally {
    await session.close();
  }
}
