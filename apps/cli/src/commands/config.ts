/**
 * `wheelhouse config list|get|set|unset|edit|debug` — pip's `config` command, with its output and
 * messages (pip/_internal/commands/configuration.py).
 *
 * `get`, `set`, `unset` and `edit` work on one file: `--global`, `--user` or `--site`; without
 * one, the site file when it exists, else the user file (`~/.config/pip/pip.conf`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { CommandContext } from "../core/config/cli-options.ts";
import { Configuration, ConfigurationError, configLocations, findSitePrefix, type FileVariant } from "../core/config/configuration.ts";
import { pyRepr } from "../core/config/load-options.ts";

const ACTIONS = ["debug", "edit", "get", "list", "set", "unset"] as const;
type Action = (typeof ACTIONS)[number];
const PROG = "wheelhouse";

export async function run(ctx: CommandContext): Promise<number> {
  const [action, ...args] = ctx.args;
  const error = (message: string): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) {
    return error(`Need an action (${ACTIONS.join(", ")}) to perform.`);
  }
  const sitePrefix = findSitePrefix(ctx.env, ctx.options.python);
  try {
    const loadOnly = determineFile(ctx, sitePrefix, ["get", "set", "unset", "edit"].includes(action));
    const configuration = new Configuration({ env: ctx.env, isolated: ctx.options.isolated, loadOnly, sitePrefix }).load();
    return HANDLERS[action as Action](ctx, configuration, args);
  } catch (e) {
    if (e instanceof ConfigurationError) return error(e.message);
    throw e;
  }
}

type Handler = (ctx: CommandContext, configuration: Configuration, args: string[]) => number;

const HANDLERS: Record<Action, Handler> = {
  list(ctx, configuration, args) {
    nArgs(args, "list", 0);
    const items = [...configuration.items()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, { value }] of items) ctx.stdout.write(`${key}=${pyRepr(value)}\n`);
    return 0;
  },
  get(ctx, configuration, args) {
    const [key] = nArgs(args, "get [name]", 1);
    ctx.stdout.write(`${configuration.getValue(key!)}\n`);
    return 0;
  },
  set(ctx, configuration, args) {
    const [key, value] = nArgs(args, "set [name] [value]", 2);
    configuration.setValue(key!, value!);
    for (const file of configuration.save()) ctx.stdout.write(`Writing to ${file}\n`);
    return 0;
  },
  unset(ctx, configuration, args) {
    const [key] = nArgs(args, "unset [name]", 1);
    configuration.unsetValue(key!);
    for (const file of configuration.save()) ctx.stdout.write(`Writing to ${file}\n`);
    return 0;
  },
  debug(ctx, configuration, args) {
    nArgs(args, "debug", 0);
    ctx.stdout.write("env_var:\n");
    const envVars = configuration.environVars().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, value] of envVars) ctx.stdout.write(`  PIP_${name.toUpperCase()}=${pyRepr(value)}\n`);
    const variants = configuration.configFiles().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [variant, files] of variants) {
      ctx.stdout.write(`${variant}:\n`);
      for (const file of files) {
        const exists = existsSync(file);
        ctx.stdout.write(`  ${file}, exists: ${exists ? "True" : "False"}\n`);
        if (!exists) continue;
        for (const [key, value] of configuration.valuesInFile(file)) ctx.stdout.write(`    ${key}: ${value}\n`);
      }
    }
    return 0;
  },
  edit(ctx, configuration, args) {
    nArgs(args, "edit", 0);
    const editor = ctx.options.editor ?? ctx.env.VISUAL ?? ctx.env.EDITOR;
    if (!editor) throw new ConfigurationError("Could not determine editor to use.");
    const file = configuration.fileToEdit();
    if (file === null) throw new ConfigurationError("Could not determine appropriate file.");
    if (file.includes('"')) throw new ConfigurationError(`Can not open an editor for a file name containing "\n${file}`);
    // As pip: the editor setting may carry arguments ("code --wait"), so it goes through the shell.
    const result = spawnSync(`${editor} "${file}"`, { shell: true, stdio: "inherit", cwd: ctx.cwd, env: ctx.env });
    if (result.error) throw new ConfigurationError(`Could not run editor ${JSON.stringify(editor)}: ${result.error.message}`);
    if (result.status !== 0) throw new ConfigurationError(`Editor Subprocess exited with exit code ${result.status ?? 1}`);
    return 0;
  },
};

function nArgs(args: string[], example: string, n: number): string[] {
  if (args.length !== n) {
    throw new ConfigurationError(`Got unexpected number of arguments, expected ${n}. (example: "${PROG} config ${example}")`);
  }
  return args;
}

function determineFile(ctx: CommandContext, sitePrefix: string | null, needValue: boolean): FileVariant | null {
  const chosen: FileVariant[] = [];
  if (ctx.options.userFile) chosen.push("user");
  if (ctx.options.globalFile) chosen.push("global");
  if (ctx.options.siteFile) chosen.push("site");
  if (chosen.length === 0) {
    if (!needValue) return null;
    const siteFiles = configLocations(ctx.env, sitePrefix).site;
    return siteFiles.some((f) => existsSync(f)) ? "site" : "user";
  }
  if (chosen.length === 1) {
    if (chosen[0] === "site" && sitePrefix === null) {
      throw new ConfigurationError("No site configuration file: not in a virtual environment (set VIRTUAL_ENV or --python).");
    }
    return chosen[0]!;
  }
  throw new ConfigurationError("Need exactly one file to operate upon (--user, --site, --global) to perform.");
}
