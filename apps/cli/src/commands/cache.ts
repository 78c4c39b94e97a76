/**
 * `wheelhouse cache dir|info|list [pattern]|remove <pattern>|purge` — pip's `cache` command
 * (pip/_internal/commands/cache.py) for wheelhouse's cache: index pages, metadata, and the
 * downloaded wheels and sdists (see core/cache/cache-layout.ts). Patterns match filenames as pip's do:
 * `demo` matches `demo-*`, `demo-1.0` matches `demo-1.0*`, globs allowed.
 */
import { CliError } from "../core/cli-error.ts";
import type { CommandContext } from "../core/config/cli-options.ts";
import { cacheInfo, listCachedDistributions, purgeCache, removeCachedDistributions } from "../core/cache/cache-admin.ts";
import { formatSize } from "../ui/format-size.ts";

const ACTIONS = ["dir", "info", "list", "purge", "remove"] as const;
type Action = (typeof ACTIONS)[number];

class CommandError extends CliError {}

export async function run(ctx: CommandContext): Promise<number> {
  const error = (message: string): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  if (ctx.options.noCacheDir) return error("wheelhouse cache commands can not function since cache is disabled.");
  const [action, ...args] = ctx.args;
  if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) {
    return error(`Need an action (${ACTIONS.join(", ")}) to perform.`);
  }
  try {
    await HANDLERS[action as Action](ctx, ctx.options.cacheDir, args);
    return 0;
  } catch (e) {
    if (e instanceof CommandError) return error(e.message);
    throw e;
  }
}

function atMost(args: string[], n: number): void {
  if (args.length > n) throw new CommandError("Too many arguments");
}

const HANDLERS: Record<Action, (ctx: CommandContext, cacheDir: string, args: string[]) => Promise<void>> = {
  async dir(ctx, cacheDir, args) {
    atMost(args, 0);
    ctx.stdout.write(`${cacheDir}\n`);
  },

  async info(ctx, cacheDir, args) {
    atMost(args, 0);
    const info = await cacheInfo(cacheDir);
    const lines = [
      `Package index page cache location: ${info.pages.location}`,
      `Package index page cache size: ${formatSize(info.pages.bytes)}`,
      `Number of index pages: ${info.pages.files}`,
      `Metadata cache location: ${info.metadata.location}`,
      `Metadata cache size: ${formatSize(info.metadata.bytes)}`,
      `Number of metadata files: ${info.metadata.files}`,
      `Downloaded files location: ${info.files.location}`,
      `Downloaded files size: ${formatSize(info.files.bytes)}`,
      `Number of downloaded wheels: ${info.files.wheels}`,
      `Number of downloaded sdists: ${info.files.sdists}`,
    ];
    ctx.stdout.write(`${lines.join("\n")}\n`);
  },

  async list(ctx, cacheDir, args) {
    atMost(args, 1);
    const files = await listCachedDistributions(cacheDir, args[0] ?? "*");
    if (ctx.options.cacheListFormat === "abspath") {
      if (files.length > 0) ctx.stdout.write(`${files.map((f) => f.path).join("\n")}\n`);
      return;
    }
    if (files.length === 0) {
      ctx.stdout.write("No cached wheels or sdists.\n");
      return;
    }
    ctx.stdout.write(`Cache contents:\n\n${files.map((f) => ` - ${f.filename} (${formatSize(f.bytes)})`).join("\n")}\n`);
  },

  async remove(ctx, cacheDir, args) {
    if (args.length === 0) throw new CommandError("Please provide a pattern");
    atMost(args, 1);
    const pattern = args[0]!;
    const removed = await removeCachedDistributions(cacheDir, pattern);
    if (removed.length === 0) ctx.stderr.write(`WARNING: No matching packages for pattern "${pattern}"\n`);
    ctx.stdout.write(`Files removed: ${removed.length}\n`);
  },

  async purge(ctx, cacheDir, args) {
    atMost(args, 0);
    ctx.stdout.write(`Files removed: ${await purgeCache(cacheDir)}\n`);
  },
};
