/**
 * `wheelhouse list [--outdated|--uptodate] [--format columns|freeze|json] [--not-required]
 * [-e|--exclude-editable] [--local] [--user] [--exclude name]` — pip's listing and formats.
 * --outdated and --uptodate ask the index (through `ctx.latestVersion` when a test gives one).
 */
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import { latestVersionFrom } from "../core/finder/latest-version.ts";
import { compareWithLatest, formatListing, listRows, notRequired, type LatestVersionLookup } from "../features/inspect/list-rows.ts";
import { openSession } from "../pipeline/command-session.ts";

export interface ListContext extends CommandContext {
  /** The best version the index offers (honouring --pre), or null when it has none. Default: the package finder. */
  latestVersion?: LatestVersionLookup;
}

export async function run(ctx: ListContext): Promise<number> {
  const o = ctx.options;
  if (o.outdated && o.uptodate) return usage(ctx, "Options --outdated and --uptodate cannot be combined.");
  if (o.outdated && o.listFormat === "freeze") return usage(ctx, "List format 'freeze' cannot be used with the --outdated option.");
  const env = await targetEnvironment(o, ctx.env);
  let rows = await listRows(env, { local: o.local, editableOnly: o.editable, excludeEditable: o.excludeEditable, exclude: o.exclude });
  if (o.notRequired) rows = notRequired(rows, env);
  if (o.outdated || o.uptodate) {
    let session: IndexSession | null = null;
    try {
      let latestVersion = ctx.latestVersion;
      if (!latestVersion) {
        session = openSession(ctx, {});
        latestVersion = latestVersionFrom(session.finder(env), o.pre);
      }
      rows = await compareWithLatest(rows, latestVersion, o.outdated ? "outdated" : "uptodate");
    } finally {
      await session?.close();
    }
  }
  ctx.stdout.write(formatListing(rows, { format: o.listFormat, outdated: o.outdated, verbose: o.verbose }));
  return 0;
}

function usage(ctx: CommandContext, message: string): number {
  ctx.stderr.write(`ERROR: ${message}\n`);
  return 1;
}
