/**
 * What the shell completion scripts complete, derived from the command table and the option
 * specs (cli-options.ts), so a new command or option is completed without touching the scripts:
 * the commands, each command's options (its own, then the general ones), the values of an option
 * (files for a path, directories for a `dir`, the choices of a choice option), and positional
 * arguments (files for requirement and file arguments, the shells for `completion`).
 */
import { COMMANDS, OPTION_SPECS, specsFor, type OptionSpec } from "../../core/config/cli-options.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** How a value (of an option, or a positional argument) is completed. */
export type ValueCompletion = { kind: "files" } | { kind: "dirs" } | { kind: "choices"; choices: readonly string[] } | { kind: "none" };

export interface CompletionOption {
  /** `--index-url`, then the aliases, then `-i`. */
  flags: string[];
  long: string;
  short: string | null;
  /** null: a flag, which takes no value. */
  value: ValueCompletion | null;
  description: string;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  /** Its own options, then the general ones. */
  options: CompletionOption[];
  /** Positional arguments; null: nothing to offer. */
  positional: ValueCompletion | null;
  /** Only one positional argument (e.g. `completion <shell>`). */
  single: boolean;
}

export interface CompletionModel {
  /** Before the command: the general options, `--version` and `--help`. */
  general: CompletionOption[];
  commands: CompletionCommand[];
}

const HELP: CompletionOption = { flags: ["--help", "-h"], long: "--help", short: "-h", value: null, description: "Show help." };
const VERSION: CompletionOption = { flags: ["--version", "-V"], long: "--version", short: "-V", value: null, description: "Show version and exit." };

export function completionModel(): CompletionModel {
  const general = [...OPTION_SPECS.filter((s) => s.scope === "general").map(completionOption), VERSION, HELP];
  const commands: CompletionCommand[] = COMMANDS.map((info) => {
    const positional = positionalCompletion(info.args);
    return {
      name: info.name,
      summary: info.summary,
      options: [...specsFor(info.name).map(completionOption), HELP],
      positional: positional?.value ?? null,
      single: positional?.single ?? false,
    };
  });
  // `wheelhouse help <command>`, as `pip help install`.
  commands.push({
    name: "help",
    summary: "Show help for commands.",
    options: [...general],
    positional: { kind: "choices", choices: COMMANDS.map((c) => c.name) },
    single: true,
  });
  return { general, commands };
}

function completionOption(spec: OptionSpec): CompletionOption {
  const flags = [`--${spec.name}`, ...(spec.aliases ?? []).map((a) => `--${a}`), ...(spec.short ? [`-${spec.short}`] : [])];
  return { flags, long: `--${spec.name}`, short: spec.short ? `-${spec.short}` : null, value: valueCompletion(spec), description: spec.description };
}

function valueCompletion(spec: OptionSpec): ValueCompletion | null {
  switch (spec.kind) {
    case "flag":
    case "false-flag":
    case "count":
    case "no-cache-dir":
      return null;
    case "path":
    case "path-list":
      return spec.metavar === "dir" ? { kind: "dirs" } : { kind: "files" };
    case "choice":
      return { kind: "choices", choices: spec.choices ?? [] };
    default:
      return { kind: "none" };
  }
}

/** From commander's argument syntax (`[requirements...]`, `<shell>`, `[files...]`). */
function positionalCompletion(args: string): { value: ValueCompletion; single: boolean } | null {
  const first = args.split(" ").find((a) => a !== "");
  if (!first) return null;
  const name = first.replace(/[[\]<>.]/g, "");
  const single = !first.includes("...");
  if (name === "files" || name === "requirements") return { value: { kind: "files" }, single };
  if (name === "shell") return { value: { kind: "choices", choices: SHELLS }, single };
  return null;
}
