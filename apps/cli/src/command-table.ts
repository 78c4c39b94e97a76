/**
 * Every command's module, imported only when that command runs. Each import is written out (not
 * built from the name) so that esbuild (scripts/build-cli.mjs) bundles these modules and nothing
 * else from commands/, and a command's code is still loaded by that command alone.
 */
import type { CommandModule, CommandName } from "./core/config/cli-options.ts";

export const COMMAND_TABLE: Readonly<Record<CommandName, () => Promise<CommandModule>>> = {
  install: () => import("./commands/install.ts"),
  download: () => import("./commands/download.ts"),
  uninstall: () => import("./commands/uninstall.ts"),
  freeze: () => import("./commands/freeze.ts"),
  list: () => import("./commands/list.ts"),
  show: () => import("./commands/show.ts"),
  check: () => import("./commands/check.ts"),
  config: () => import("./commands/config.ts"),
  hash: () => import("./commands/hash.ts"),
  index: () => import("./commands/index.ts"),
  cache: () => import("./commands/cache.ts"),
  wheel: () => import("./commands/wheel.ts"),
  lock: () => import("./commands/lock.ts"),
  upload: () => import("./commands/upload.ts"),
  audit: () => import("./commands/audit.ts"),
  sync: () => import("./commands/sync.ts"),
  tree: () => import("./commands/tree.ts"),
  search: () => import("./commands/search.ts"),
  completion: () => import("./commands/completion.ts"),
};
