/**
 * Options for one command, layered as pip layers them (pip/_internal/cli/parser.py,
 * ConfigOptionParser):
 *
 *   defaults
 *   < configuration values in section `[global]`, then in the command's section (`[install]` …),
 *     each taken from the highest-priority file that sets it (global < user < site < PIP_CONFIG_FILE)
 *   < PIP_<NAME> environment variables (not with --isolated)
 *   < the command line.
 *
 * So `[install] index-url` in /etc/pip.conf beats `[global] index-url` in the user file, as in pip.
 * List options (`--extra-index-url`, `--find-links`, `--trusted-host`, …) given on the command
 * line are appended to the configured list, as pip's optparse "append" does; a configured value is
 * a whitespace-separated list (so multi-line values work). Unknown keys are ignored.
 */
import { CliError } from "../cli-error.ts";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { specForConfigName, specsFor, type CommandName, type OptionSpec } from "./cli-options.ts";
import { Configuration, findSitePrefix, type ConfigLocations } from "./configuration.ts";
// The subpath, not the package root: every command loads this module at start, and the root also
// holds the zip reader (yauzl) and the requirements parsers, which most commands never use.
import { applyFormatControl, InvalidFormatControl } from "@wheelhouse/packaging/format-control";
import { defaultOptions, type OptionOrigin, type OptionOrigins, type Options } from "./options.ts";

/** A bad value in argv, a file or a variable: the CLI reports it as a usage error (exit 2). */
export class InvalidOptionValue extends CliError {
  override name = "InvalidOptionValue";
  override readonly exitCode = 2;
}

/** One option as it appeared on the command line, in order: its long name without `--`, and its value (none for flags). */
export interface CliOption {
  name: string;
  value?: string;
}

export interface LoadOptionsInput {
  commandName: CommandName;
  /** The command line's options in the order given. */
  argv: readonly CliOption[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Default: whether `--isolated` is in argv (pip decides this from the command line alone). */
  isolated?: boolean;
  /** The target environment's sys.prefix, for its site pip.conf. Default: see `findSitePrefix`. */
  sitePrefix?: string | null;
  /** The configuration files to read instead of pip's (tests). */
  locations?: ConfigLocations;
}

export interface LoadedOptions {
  options: Options;
  origins: OptionOrigins;
  configuration: Configuration;
}

export function loadOptions(input: LoadOptionsInput): LoadedOptions {
  const { commandName, argv, env, cwd } = input;
  const specs = specsFor(commandName);
  const isolated = input.isolated ?? argv.some((o) => o.name === "isolated");
  const home = env.HOME || homedir();

  const cliPython = [...argv].reverse().find((o) => o.name === "python")?.value;
  const python = cliPython ?? (isolated ? undefined : env.PIP_PYTHON);
  const sitePrefix = input.sitePrefix !== undefined ? input.sitePrefix : findSitePrefix(env, python ? resolve(cwd, expandUser(python, home)) : null);

  const configuration = new Configuration({ env, isolated, sitePrefix, ...(input.locations ? { locations: input.locations } : {}) }).load();
  const options = defaultOptions(env);
  const origins: OptionOrigins = {};
  const state = options as unknown as Record<string, unknown>;

  // Configuration: [global], then [<command>], then PIP_ variables (section ":env:").
  const items = configuration.items();
  for (const section of ["global", commandName, ":env:"]) {
    for (const [key, { value, source }] of items) {
      const dot = key.indexOf(".");
      if (key.slice(0, dot) !== section || value === "") continue;
      const name = key.slice(dot + 1);
      const spec = specForConfigName(commandName, name);
      if (!spec) continue;
      const where = source.variant === "env-var" ? `environment variable ${source.envName}` : `${source.file} [${source.section}] ${source.name}`;
      try {
        state[spec.key] = configValue(spec, value, options, home);
      } catch (e) {
        if (e instanceof InvalidOptionValue || e instanceof InvalidFormatControl) {
          throw new InvalidOptionValue(`An error occurred during configuration (${where}): ${e.message}`);
        }
        throw e;
      }
      origins[spec.key] = { kind: "config", source };
    }
  }

  // The command line.
  for (const occurrence of argv) {
    const spec = specs.find((s) => s.name === occurrence.name || s.aliases?.includes(occurrence.name));
    if (!spec) throw new InvalidOptionValue(`no such option: --${occurrence.name}`);
    try {
      state[spec.key] = cliValue(spec, occurrence.value, options, home);
    } catch (e) {
      if (e instanceof InvalidFormatControl) throw new InvalidOptionValue(e.message);
      throw e;
    }
    origins[spec.key] = { kind: "cli", flag: `--${spec.name}` };
  }

  options.isolated = isolated;
  return { options, origins, configuration };
}

/** Describes an origin for messages and `config debug`-style output. */
export function describeOrigin(origin: OptionOrigin | undefined): string {
  if (!origin) return "default";
  if (origin.kind === "cli") return `command line (${origin.flag})`;
  const source = origin.source;
  if (source.variant === "env-var") return `environment variable ${source.envName}`;
  return `${source.variant} config ${source.file} [${source.section}] ${source.name}`;
}

// Python's distutils.util.strtobool, which pip uses for booleans in files and variables.
const TRUE_WORDS = new Set(["y", "yes", "t", "true", "on", "1"]);
const FALSE_WORDS = new Set(["n", "no", "f", "false", "off", "0"]);

export function strtobool(value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw new InvalidOptionValue(`invalid truth value ${pyRepr(value)}`);
}

function configBool(spec: OptionSpec, value: string): boolean {
  try {
    return strtobool(value);
  } catch {
    throw new InvalidOptionValue(
      `${value} is not a valid value for ${spec.name} option, please specify a boolean value like yes/no, true/false or 1/0 instead.`,
    );
  }
}

function configValue(spec: OptionSpec, value: string, current: Options, home: string): unknown {
  switch (spec.kind) {
    case "flag":
      return configBool(spec, value);
    case "false-flag":
      // `no-compile = yes` turns compiling off (pip itself would store the boolean unchanged).
      return !configBool(spec, value);
    case "no-cache-dir":
      // pip: any valid boolean, even "false", disables the cache.
      configBool(spec, value);
      return true;
    case "count": {
      const lower = value.trim().toLowerCase();
      if (TRUE_WORDS.has(lower)) return 1;
      if (FALSE_WORDS.has(lower)) return 0;
      if (/^\d+$/.test(value.trim())) return Number(value.trim());
      throw new InvalidOptionValue(
        `${value} is not a valid value for ${spec.name} option, please instead specify ` +
          `either a non-negative integer or a boolean value like yes/no or false/true which is equivalent to 1/0.`,
      );
    }
    case "list":
      return splitList(value);
    case "path-list":
      return splitList(value).map((v) => expandUser(v, home));
    default:
      return cliValue(spec, value, current, home, true);
  }
}

function cliValue(spec: OptionSpec, value: string | undefined, current: Options, home: string, fromConfig = false): unknown {
  const need = (): string => {
    if (value === undefined) throw new InvalidOptionValue(`--${spec.name} option requires 1 argument`);
    return value;
  };
  const previous = current[spec.key];
  switch (spec.kind) {
    case "flag":
      return true;
    case "false-flag":
      return false;
    case "no-cache-dir":
      return true;
    case "count":
      return (typeof previous === "number" ? previous : 0) + 1;
    case "string":
      return need();
    case "path":
      return expandUser(need(), home);
    case "int": {
      const raw = need().trim();
      if (!/^[+-]?\d+$/.test(raw)) throw new InvalidOptionValue(`option --${spec.name}: invalid integer value: ${pyRepr(raw)}`);
      return Number(raw);
    }
    case "float": {
      const raw = need().trim();
      const parsed = Number(raw);
      if (raw === "" || !Number.isFinite(parsed)) {
        throw new InvalidOptionValue(`option --${spec.name}: invalid floating-point value: ${pyRepr(raw)}`);
      }
      return parsed;
    }
    case "choice": {
      const raw = need();
      const choices = spec.choices ?? [];
      if (!choices.includes(raw)) {
        throw new InvalidOptionValue(`option --${spec.name}: invalid choice: ${pyRepr(raw)} (choose from ${choices.map(pyRepr).join(", ")})`);
      }
      return raw;
    }
    case "list":
    case "path-list": {
      const raw = spec.kind === "path-list" ? expandUser(need(), home) : need();
      return fromConfig ? splitList(raw) : [...(Array.isArray(previous) ? previous : []), raw];
    }
    case "no-binary":
    case "only-binary": {
      const which = spec.kind === "no-binary" ? "noBinary" : "onlyBinary";
      const next = applyFormatControl({ noBinary: current.noBinary, onlyBinary: current.onlyBinary }, which, need());
      // Both lists change; the other one is written here as well.
      current.noBinary = next.noBinary;
      current.onlyBinary = next.onlyBinary;
      return next[which];
    }
  }
}

function splitList(value: string): string[] {
  return value.split(/\s+/).filter((v) => v !== "");
}

/** `~` and `~/x` as Python's os.path.expanduser does for the current user. */
export function expandUser(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return path;
}

/** Python's repr() of a str, for messages and `config list` (pip prints values with %r). */
export function pyRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}
