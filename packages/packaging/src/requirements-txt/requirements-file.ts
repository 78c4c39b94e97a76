/**
 * pip's requirements file format (pip/_internal/req/req_file.py), without network access of its
 * own (URLs are read through the `fetch` the caller passes):
 * - lines ending in `\` continue on the next line (not after a comment);
 * - `#` starts a comment at the start of a line or after whitespace, so `…#egg=x` and
 *   `…#sha256=…` inside URLs stay;
 * - `${NAME}` (upper case, digits, `_`) is replaced by the environment variable, when set;
 * - option lines: `-i/--index-url`, `--extra-index-url`, `-f/--find-links`, `--no-index`,
 *   `--pre`, `--prefer-binary`, `--only-binary`, `--no-binary`, `--require-hashes`,
 *   `--trusted-host`, `-r/--requirement` and `-c/--constraint` (nested; relative to the file
 *   that names them, URLs allowed), `-e/--editable`;
 * - requirement lines: a requirement, then its own options: `--hash=algo:digest` (repeatable),
 *   `--config-settings`, `--global-option` (accepted, not used).
 * Files are read, and paths looked up, through the caller's RequirementsFiles (no I/O here).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { split as shlexSplit } from "shlex";
import { applyFormatControl, InvalidFormatControl, type FormatControl } from "./format-control.ts";
import {
  COMMAND_LINE,
  InvalidRequirementLine,
  parseEditableText,
  parseRequirementText,
  pyQuote,
  type LineLocation,
  type LocalPaths,
  type RequirementLine,
} from "./requirement-line.ts";

export class RequirementsFileError extends Error {
  override name = "RequirementsFileError";
}

/** Options set by option lines, across every nested file. */
export interface RequirementsFileOptions {
  /** The last `-i` seen. */
  indexUrl?: string;
  extraIndexUrls: string[];
  /** Relative find-links are taken from the requirements file's directory when they exist there. */
  findLinks: string[];
  noIndex?: boolean;
  requireHashes?: boolean;
  pre?: boolean;
  preferBinary?: boolean;
  /** The format control after the file's `--only-binary` / `--no-binary` lines (starting from `formatControl`). */
  onlyBinary: string[];
  noBinary: string[];
  trustedHosts: string[];
}

export interface ParsedRequirements {
  requirements: RequirementLine[];
  constraints: RequirementLine[];
  options: RequirementsFileOptions;
  /** e.g. a `--hash` on a line without a requirement. */
  warnings: string[];
}

/** How requirements files are read and local paths looked up (node:fs in the CLI). */
export interface RequirementsFiles extends LocalPaths {
  /**
   * Reads a local requirements file (an absolute path). A Node-style error with `code` ENOENT,
   * EISDIR or EACCES is reported in pip's words ("[Errno 2] No such file or directory").
   */
  readFile(path: string): Promise<string>;
}

/** Environment variables for `${NAME}` expansion. */
export type RequirementsEnv = Readonly<Record<string, string | undefined>>;

export interface ParseRequirementsOptions {
  files: RequirementsFiles;
  /** Resolves relative file names and requirement paths. */
  cwd: string;
  /** For `${NAME}`; none by default. */
  env?: RequirementsEnv;
  /** Reads an http(s) requirements file; without it such a file is an error. */
  fetch?: (url: string) => Promise<string>;
  /** Parse the file as a constraints file (`-c` on the command line). */
  isConstraint?: boolean;
  /** The format control the command line already set, for `--only-binary` / `--no-binary` lines to build on. */
  formatControl?: FormatControl;
}

const URL_FILE_RE = /^(http|https|file):/i;
const COMMENT_RE = /(^|\s+)#.*$/;
const ENV_VAR_RE = /\$\{([A-Z0-9_]+)\}/g;
export const STRONG_HASHES = ["sha256", "sha384", "sha512"] as const;

/** Parses a requirements file (a path, relative to `cwd`, or a URL), following `-r` and `-c`. */
export async function parseRequirementsFile(path: string, options: ParseRequirementsOptions): Promise<ParsedRequirements> {
  const state: ParseState = {
    env: options.env ?? {},
    fetch: options.fetch,
    files: options.files,
    cwd: options.cwd,
    result: {
      requirements: [],
      constraints: [],
      options: {
        extraIndexUrls: [],
        findLinks: [],
        onlyBinary: [...(options.formatControl?.onlyBinary ?? [])],
        noBinary: [...(options.formatControl?.noBinary ?? [])],
        trustedHosts: [],
      },
      warnings: [],
    },
  };
  await parseFile(state, path, options.isConstraint ?? false, [], null);
  return state.result;
}

/** Parses requirements given as command-line arguments (`"pkg[x]>=1,<2"`, `./dist/x.whl`, URLs). */
export function parseRequirementArgs(args: readonly string[], options: { cwd: string; files: LocalPaths }): RequirementLine[] {
  return args.map((arg) => {
    try {
      return parseRequirementText(arg.trim(), COMMAND_LINE, options.cwd, options.files);
    } catch (e) {
      if (e instanceof InvalidRequirementLine) throw new RequirementsFileError(e.message);
      throw e;
    }
  });
}

/** Parses `-e` arguments given on the command line. */
export function parseEditableArgs(args: readonly string[], options: { cwd: string; files: LocalPaths }): RequirementLine[] {
  return args.map((arg) => {
    try {
      return parseEditableText(arg, COMMAND_LINE, options.cwd, options.files);
    } catch (e) {
      if (e instanceof InvalidRequirementLine) throw new RequirementsFileError(e.message);
      throw e;
    }
  });
}

interface ParseState {
  env: RequirementsEnv;
  fetch: ((url: string) => Promise<string>) | undefined;
  files: RequirementsFiles;
  cwd: string;
  result: ParsedRequirements;
}

async function parseFile(state: ParseState, filename: string, isConstraint: boolean, stack: string[], includedFrom: string | null): Promise<void> {
  const identity = URL_FILE_RE.test(filename) ? filename : resolve(state.cwd, filename);
  if (stack.includes(identity)) {
    throw new RequirementsFileError(`Requirements file ${filename} includes itself${includedFrom ? ` (from ${includedFrom})` : ""}.`);
  }
  const content = await readContent(state, filename);
  for (const [lineNo, line] of preprocess(content, state.env)) {
    const lineSource = `line ${lineNo} of ${filename}`;
    const where: LineLocation = {
      source: `${filename}:${lineNo}`,
      lineSource,
      comesFrom: `${isConstraint ? "-c" : "-r"} ${filename} (line ${lineNo})`,
      isConstraint,
    };
    const fail = (reason: string): never => {
      throw new RequirementsFileError(`Invalid requirement: ${pyQuote(line)} (from ${lineSource}): ${reason}`);
    };
    const [argsText, optionsText] = breakArgsOptions(line);
    let tokens: string[];
    try {
      tokens = shlexSplit(optionsText);
    } catch {
      return fail(`Could not split options: ${optionsText}`);
    }
    const opts = parseLineOptions(tokens, fail);
    const list = isConstraint ? state.result.constraints : state.result.requirements;

    try {
      if (argsText !== "") {
        list.push(parseRequirementText(argsText, where, state.cwd, state.files, hashesOf(opts.hash ?? [], fail)));
        continue;
      }
      if (opts.editable) {
        list.push(parseEditableText(opts.editable[0]!, where, state.cwd, state.files));
        continue;
      }
    } catch (e) {
      if (e instanceof InvalidRequirementLine) throw new RequirementsFileError(e.message);
      throw e;
    }

    // An option line.
    if (opts.hash) state.result.warnings.push(`${filename} line ${lineNo} has --hash but no requirement, and will be ignored.`);
    const nested = opts.requirement?.[0] ?? opts.constraint?.[0];
    if (nested !== undefined) {
      let nestedPath = nested;
      if (URL_FILE_RE.test(filename)) nestedPath = new URL(nested, filename).href;
      else if (!URL_FILE_RE.test(nested)) nestedPath = join(dirname(filename), nested);
      await parseFile(state, nestedPath, opts.requirement === undefined, [...stack, identity], lineSource);
      continue;
    }
    applyOptionLine(state, opts, filename, fail);
  }
}

function applyOptionLine(state: ParseState, opts: LineOptions, filename: string, fail: (reason: string) => never): void {
  const out = state.result.options;
  if (opts["no-index"]) out.noIndex = true;
  if (opts["index-url"]) out.indexUrl = opts["index-url"].at(-1)!;
  if (opts["extra-index-url"]) out.extraIndexUrls.push(...opts["extra-index-url"]);
  for (const link of opts["find-links"] ?? []) {
    // pip: a relative find-links that exists beside the requirements file is taken from there.
    if (!URL_FILE_RE.test(filename) && !URL_FILE_RE.test(link)) {
      const besideFile = join(dirname(resolve(state.cwd, filename)), link);
      out.findLinks.push(state.files.exists(besideFile) ? besideFile : link);
    } else {
      out.findLinks.push(link);
    }
  }
  if (opts.pre) out.pre = true;
  if (opts["prefer-binary"]) out.preferBinary = true;
  if (opts["require-hashes"]) out.requireHashes = true;
  if (opts["trusted-host"]) out.trustedHosts.push(...opts["trusted-host"]);
  for (const [option, which] of [
    ["no-binary", "noBinary"],
    ["only-binary", "onlyBinary"],
  ] as const) {
    for (const value of opts[option] ?? []) {
      try {
        const next = applyFormatControl({ noBinary: out.noBinary, onlyBinary: out.onlyBinary }, which, value);
        out.noBinary = next.noBinary;
        out.onlyBinary = next.onlyBinary;
      } catch (e) {
        if (e instanceof InvalidFormatControl) fail(e.message);
        throw e;
      }
    }
  }
}

/** How Python words the OSError pip shows. */
const PYTHON_ERRNO: Record<string, string> = {
  ENOENT: "[Errno 2] No such file or directory",
  EISDIR: "[Errno 21] Is a directory",
  EACCES: "[Errno 13] Permission denied",
};

async function readContent(state: ParseState, filename: string): Promise<string> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(filename)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") {
    if (!state.fetch) throw new RequirementsFileError(`Could not open requirements file: no way to fetch ${filename}`);
    try {
      return await state.fetch(filename);
    } catch (e) {
      throw new RequirementsFileError(`Could not open requirements file: ${(e as Error).message}`);
    }
  }
  const path = scheme === "file" ? fileURLToPath(filename) : resolve(state.cwd, filename);
  try {
    return (await state.files.readFile(path)).replace(/^\uFEFF/, "");
  } catch (e) {
    const err = e as { code?: string };
    const errno = PYTHON_ERRNO[err.code ?? ""] ?? `[${err.code}]`;
    throw new RequirementsFileError(`Could not open requirements file: ${errno}: ${pyQuote(filename)}`);
  }
}

/** Joined, comment-free, expanded lines with their first line number (pip's preprocess). */
export function preprocess(content: string, env: RequirementsEnv): Array<[number, string]> {
  const joined: Array<[number, string]> = [];
  let pending: string[] = [];
  let pendingLine = 0;
  content.split(/\r\n|\n|\r/).forEach((line, index) => {
    const lineNo = index + 1;
    const isComment = /^(\s*)#/.test(line);
    if (!line.endsWith("\\") || isComment) {
      // A comment ends a continued line; the leading space keeps it a comment once joined.
      const piece = isComment ? ` ${line}` : line;
      if (pending.length > 0) {
        pending.push(piece);
        joined.push([pendingLine, pending.join("")]);
        pending = [];
      } else {
        joined.push([lineNo, piece]);
      }
    } else {
      if (pending.length === 0) pendingLine = lineNo;
      pending.push(line.replace(/^\\+|\\+$/g, ""));
    }
  });
  if (pending.length > 0) joined.push([pendingLine, pending.join("")]);

  const out: Array<[number, string]> = [];
  for (const [lineNo, raw] of joined) {
    const line = raw.replace(COMMENT_RE, "").trim();
    if (line === "") continue;
    out.push([lineNo, line.replace(ENV_VAR_RE, (whole, name: string) => env[name] || whole)]);
  }
  return out;
}

/** Requirement text before the first token starting with "-", options after (pip's break_args_options). */
export function breakArgsOptions(line: string): [string, string] {
  const tokens = line.split(" ");
  const index = tokens.findIndex((t) => t.startsWith("-"));
  if (index === -1) return [line, ""];
  return [tokens.slice(0, index).join(" "), tokens.slice(index).join(" ")];
}

export interface LineOptionSpec {
  long: string;
  short?: string;
  takesValue: boolean;
}

/** The options a requirements file line may carry (pip's SUPPORTED_OPTIONS + SUPPORTED_OPTIONS_REQ). */
const LINE_OPTIONS: readonly LineOptionSpec[] = [
  { long: "index-url", short: "i", takesValue: true },
  { long: "extra-index-url", takesValue: true },
  { long: "no-index", takesValue: false },
  { long: "constraint", short: "c", takesValue: true },
  { long: "requirement", short: "r", takesValue: true },
  { long: "editable", short: "e", takesValue: true },
  { long: "find-links", short: "f", takesValue: true },
  { long: "no-binary", takesValue: true },
  { long: "only-binary", takesValue: true },
  { long: "prefer-binary", takesValue: false },
  { long: "require-hashes", takesValue: false },
  { long: "pre", takesValue: false },
  { long: "trusted-host", takesValue: true },
  { long: "use-feature", takesValue: true },
  { long: "hash", takesValue: true },
  { long: "global-option", takesValue: true },
  { long: "config-settings", short: "C", takesValue: true },
];

/** Values by long option name. */
export type LineOptions = Partial<Record<string, string[]>>;

/** An option as written on a line (`-r`, `--index-url`) and the long name it stands for. */
export interface WrittenOption {
  long: string;
  written: string;
}

/**
 * optparse over LINE_OPTIONS: `--long value`, `--long=value`, `-xvalue`, `-x value`, unique
 * prefixes of long names. `written`, when given, collects each option as written, in order.
 */
export function parseLineOptions(tokens: string[], fail: (reason: string) => never, written?: WrittenOption[]): LineOptions {
  const out: LineOptions = {};
  const add = (spec: LineOptionSpec, value: string, token: string): void => {
    out[spec.long] = [...(out[spec.long] ?? []), value];
    written?.push({ long: spec.long, written: token });
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      const name = token.slice(2, eq === -1 ? undefined : eq);
      const exact = LINE_OPTIONS.find((o) => o.long === name);
      const matches = exact ? [exact] : LINE_OPTIONS.filter((o) => o.long.startsWith(name));
      if (matches.length === 0 || name === "") fail(`no such option: --${name}`);
      if (matches.length > 1) fail(`ambiguous option: --${name} (${matches.map((m) => `--${m.long}`).join(", ")}?)`);
      const spec = matches[0]!;
      const asWritten = `--${name}`;
      if (!spec.takesValue) {
        if (eq !== -1) fail(`--${spec.long} option does not take a value`);
        add(spec, "", asWritten);
      } else if (eq !== -1) {
        add(spec, token.slice(eq + 1), asWritten);
      } else {
        const value = tokens[++i];
        if (value === undefined) fail(`--${spec.long} option requires 1 argument`);
        add(spec, value!, asWritten);
      }
    } else if (token.startsWith("-") && token.length > 1) {
      const spec = LINE_OPTIONS.find((o) => o.short === token[1]);
      if (!spec) fail(`no such option: ${token.slice(0, 2)}`);
      if (token.length > 2) add(spec!, token.slice(2), token.slice(0, 2));
      else {
        const value = tokens[++i];
        if (value === undefined) fail(`${token} option requires 1 argument`);
        add(spec!, value!, token);
      }
    }
    // Stray positional tokens after options are ignored, as pip does.
  }
  return out;
}

function hashesOf(values: string[], fail: (reason: string) => never): Record<string, string[]> {
  const hashes: Record<string, string[]> = {};
  for (const value of values) {
    const colon = value.indexOf(":");
    if (colon === -1) fail("Arguments to --hash must be a hash name followed by a value, like --hash=sha256:abcde...");
    const algo = value.slice(0, colon);
    if (!(STRONG_HASHES as readonly string[]).includes(algo)) {
      fail(`Allowed hash algorithms for --hash are ${STRONG_HASHES.join(", ")}.`);
    }
    hashes[algo] = [...(hashes[algo] ?? []), value.slice(colon + 1)];
  }
  return hashes;
}
