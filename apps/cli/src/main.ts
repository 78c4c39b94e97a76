/**
 * `wheelhouse`: pip's command line. Parses argv with commander (built from core/config/cli-options.ts), layers
 * the options with pip.conf and PIP_* (core/config/), and runs the command's module from
 * command-table.ts, imported only when that command is asked for.
 *
 * General options (`-v`, `--isolated`, `--cache-dir`, …) are accepted before and after the command
 * name, as in pip; a command's own options (`-i`, `-r`, `--pre`, …) after it.
 * Exit status as pip's: 0 ok, 1 error, 2 usage error (bad option or value, unknown command),
 * 3 `--require-virtualenv` outside a virtual environment.
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { redactUrlsInText } from "./core/auth/redact.ts";
import {
  COMMANDS,
  OPTION_SPECS,
  commanderFlags,
  type CommandContext,
  type CommandName,
  type OptionSpec,
  type OutputStream,
} from "./core/config/cli-options.ts";
import { CliError } from "./core/cli-error.ts";
import { findSitePrefix } from "./core/config/configuration.ts";
import { loadOptions, type CliOption } from "./core/config/load-options.ts";
import { COMMAND_TABLE } from "./command-table.ts";

export const VERSION = "0.1.0";

export const SUCCESS = 0;
export const ERROR = 1;
export const USAGE_ERROR = 2;
export const VIRTUALENV_NOT_FOUND = 3;

/** Commands that run outside a virtual environment even with --require-virtualenv (pip's ignore_require_venv). */
const IGNORE_REQUIRE_VENV: ReadonlySet<CommandName> = new Set([
  "config",
  "cache",
  "hash",
  "index",
  "download",
  "list",
  "upload",
  "lock",
  "search",
  "completion",
]);

export interface MainIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Runs one `wheelhouse` invocation (argv without the program name); resolves to the exit status. */
export async function main(argv: readonly string[], io: Partial<MainIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const error = (message: string, status: number): number => {
    stderr.write(`ERROR: ${redactUrlsInText(message)}\n`);
    return status;
  };
  const reported = (e: CliError): number => {
    stderr.write(`${redactUrlsInText(e.report())}\n`);
    return e.exitCode;
  };

  const parsed = await parseCommandLine(argv, stdout);
  if (parsed.kind === "exit") {
    if (parsed.error !== undefined) return error(parsed.error, parsed.status);
    return parsed.status;
  }
  const { command, args } = parsed;

  let ctx: CommandContext;
  try {
    const { options, origins } = loadOptions({ commandName: command, argv: parsed.options, env, cwd });
    ctx = { command, options, origins, args, stdout, stderr, env, cwd };
  } catch (e) {
    if (e instanceof CliError) return reported(e);
    throw e;
  }

  if (ctx.options.requireVirtualenv && !IGNORE_REQUIRE_VENV.has(command) && findSitePrefix(env, ctx.options.python) === null) {
    return error("Could not find an activated virtualenv (required).", VIRTUALENV_NOT_FOUND);
  }

  try {
    const module = await COMMAND_TABLE[command]();
    return await module.run(ctx);
  } catch (e) {
    // A failure the CLI knows (a bad option value, an interpreter that cannot be used, …): pip's sentence and status.
    if (e instanceof CliError) return reported(e);
    // pip: an unexpected exception is reported with its traceback and status 2.
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    stderr.write(`ERROR: Exception:\n${redactUrlsInText(detail)}\n`);
    return USAGE_ERROR;
  }
}

/** argv parsed: a command to run with its options in order, or an exit (help, version, usage error). */
export type ParsedCommandLine =
  | { kind: "command"; command: CommandName; args: string[]; options: CliOption[] }
  | { kind: "exit"; status: number; error?: string };

/** Parses argv (help and version are written to `stdout`); no configuration is read. */
export async function parseCommandLine(argv: readonly string[], stdout: OutputStream): Promise<ParsedCommandLine> {
  const occurrences: CliOption[] = [];
  let selected: { command: CommandName; args: string[] } | null = null;
  let unknown: string | null = null;
  const program = buildProgram(occurrences, {
    onCommand: (command, args) => (selected = { command, args }),
    onUnknown: (name) => (unknown = name),
    stdout,
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") {
      return { kind: "exit", status: SUCCESS };
    }
    return { kind: "exit", status: USAGE_ERROR, error: e.message.replace(/^error: /, "") };
  }
  if (unknown !== null) {
    const guess = similarCommand(unknown);
    return { kind: "exit", status: USAGE_ERROR, error: `unknown command "${unknown}"${guess ? ` - maybe you meant "${guess}"` : ""}` };
  }
  if (selected === null) {
    stdout.write(program.helpInformation());
    return { kind: "exit", status: SUCCESS };
  }
  const { command, args } = selected as { command: CommandName; args: string[] };
  return { kind: "command", command, args, options: occurrences };
}

interface ProgramHooks {
  onCommand(command: CommandName, args: string[]): void;
  onUnknown(name: string): void;
  stdout: OutputStream;
}

/** The commander program for one run; every option occurrence is recorded, in order, into `occurrences`. */
export function buildProgram(occurrences: CliOption[], hooks: ProgramHooks): Command {
  const program = new Command("wheelhouse")
    .description("A pip-compatible installer and uploader for Wheelhouse and other Python package indexes.")
    .usage("<command> [options]")
    .version(`wheelhouse ${VERSION} from ${dirname(dirname(fileURLToPath(import.meta.url)))} (node ${process.versions.node})`, "-V, --version")
    .helpOption("-h, --help", "Show help.")
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => hooks.stdout.write(s),
      // Errors are reported by main() in pip's words.
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    .argument("[command]")
    .argument("[args...]")
    .allowExcessArguments(true)
    .action((name: string | undefined, rest: string[]) => {
      if (name === undefined) return;
      if (name === "help") {
        // `wheelhouse help [command]`, as `pip help install`.
        const target = rest[0] === undefined ? program : program.commands.find((c) => c.name() === rest[0]);
        if (target) {
          hooks.stdout.write(target.helpInformation());
          throw new CommanderError(0, "commander.helpDisplayed", "(outputHelp)");
        }
        hooks.onUnknown(rest[0]!);
        return;
      }
      hooks.onUnknown(name);
    });

  const addSpec = (cmd: Command, spec: OptionSpec): void => {
    // Values are not kept by commander: loadOptions interprets the recorded occurrences.
    const option = new Option(commanderFlags(spec), spec.description);
    cmd.addOption(option);
    const record = (value: unknown): void => {
      occurrences.push(typeof value === "string" ? { name: spec.name, value } : { name: spec.name });
    };
    cmd.on(`option:${option.name()}`, record);
    for (const alias of spec.aliases ?? []) {
      const aliasOption = new Option(commanderFlags(spec, alias), spec.description).hideHelp();
      cmd.addOption(aliasOption);
      cmd.on(`option:${aliasOption.name()}`, record);
    }
  };

  for (const spec of OPTION_SPECS) if (spec.scope === "general") addSpec(program, spec);

  for (const info of COMMANDS) {
    const cmd = program
      .command(info.name)
      .description(info.summary)
      .helpOption("-h, --help", "Show help.")
      .exitOverride()
      .configureOutput({ writeOut: (s) => hooks.stdout.write(s), writeErr: () => undefined, outputError: () => undefined })
      .allowExcessArguments(false);
    for (const argument of info.args.split(" ").filter((a) => a !== "")) cmd.argument(argument);
    for (const spec of OPTION_SPECS) {
      if (spec.scope !== "general" && spec.scope.includes(info.name)) addSpec(cmd, spec);
    }
    cmd.action((...actionArgs: unknown[]) => {
      // commander passes the declared arguments, then the options object and the command.
      const positional = actionArgs.slice(0, -2).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a.map(String) : [String(a)]));
      hooks.onCommand(info.name, positional);
    });
  }
  return program;
}

/** The closest command name, as pip's get_similar_commands (difflib.get_close_matches, cutoff 0.6). */
export function similarCommand(name: string): string | null {
  let best: string | null = null;
  let bestRatio = 0.6;
  for (const { name: candidate } of COMMANDS) {
    const ratio = similarity(name.toLowerCase(), candidate);
    if (ratio >= bestRatio) {
      best = candidate;
      bestRatio = ratio;
    }
  }
  return best;
}

/** 2·matches / total length, with matches from the longest common subsequence (close to difflib's ratio). */
function similarity(a: string, b: string): number {
  if (a.length + b.length === 0) return 1;
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(row[j]!, row[j - 1]!);
      diagonal = above;
    }
  }
  return (2 * row[b.length]!) / (a.length + b.length);
}

/**
 * Runs `wheelhouse` as this process: argv from the command line, exit status into
 * process.exitCode; a closed stdout (`wheelhouse list | head`) ends the run quietly with 1, as pip's
 * broken-pipe handling does.
 */
export async function runAsProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(ERROR);
  });
  process.exitCode = await main(argv);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// `node --import tsx apps/cli/src/main.ts …` and the single-file bundle (scripts/build-cli.mjs) start here.
// (No top-level await: the same code is also bundled as CommonJS, see scripts/build-cli.mjs.)
if (isEntryPoint()) void runAsProcess();
