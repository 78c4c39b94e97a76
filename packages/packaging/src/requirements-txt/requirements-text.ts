/**
 * A requirements file's text stored somewhere (a mirror's sync selection, a bundle request), read
 * with the same line reader as requirements files (requirements-file.ts: pip's joining of `\`
 * lines, comments, option parsing), but for choosing what to fetch from an index:
 * - only requirement lines count; nothing is fatal, every line that cannot be followed is a problem;
 * - option lines (-r, -c, -e, --index-url, …) cannot be followed from a stored text: reported;
 * - `${NAME}` is not expanded (no environment), `--hash` values are ignored;
 * - URLs and local paths (`name @ url`, `https://…/x.whl`, `./x.whl`) name no index release: reported.
 */
import { split as shlexSplit } from "shlex";
import { InvalidRequirement, type Requirement } from "../requirements.ts";
import { InvalidRequirementLine, NO_LOCAL_PATHS, parseRequirementText, type LineLocation } from "./requirement-line.ts";
import { breakArgsOptions, parseLineOptions, preprocess, type WrittenOption } from "./requirements-file.ts";

export interface RequirementsTextLine {
  /** The first physical line (of a `\`-continued line). */
  line: number;
  /** The requirement as written, without its options. */
  text: string;
  requirement: Requirement;
}

/** Options a requirement line may carry in pip; only `--hash` leaves nothing to report. */
const HASH_OPTION = "hash";

export type RequirementsTextProblem =
  /** An option line: not followed. `option` is pip's long name (`--requirement`), `written` as written (`-r`). */
  | { kind: "option"; line: number; text: string; option: string; written: string; message: string }
  /** An option pip does not know (pip refuses the whole file); `onRequirement` when it follows a requirement. */
  | { kind: "unknown-option"; line: number; text: string; option: string; onRequirement: boolean; message: string }
  /** A known option other than --hash after a requirement (--config-settings, --global-option); the requirement is kept. */
  | { kind: "requirement-option"; line: number; text: string; option: string; written: string; message: string }
  /** `name @ url`, a URL or a local path: nothing to choose from an index. `name` is null when the line names none. */
  | { kind: "direct-url"; line: number; text: string; name: string | null; message: string }
  /** Not a requirement pip would read; `detail` is the parser's reason (for PEP 508 errors, InvalidRequirement's message). */
  | { kind: "invalid"; line: number; text: string; detail: string; message: string };

export interface ParsedRequirementsText {
  requirements: RequirementsTextLine[];
  problems: RequirementsTextProblem[];
}

class LineProblem extends Error {}

/** Reads every requirement line of `text`; never throws for what the text says. */
export function parseRequirementsText(text: string): ParsedRequirementsText {
  const requirements: RequirementsTextLine[] = [];
  const problems: RequirementsTextProblem[] = [];
  for (const [line, content] of preprocess(text, {})) {
    const at = `requirements line ${line}`;
    const invalid = (detail: string) => problems.push({ kind: "invalid", line, text: content, detail, message: `${at}: ${detail}` });
    const [argsText, optionsText] = breakArgsOptions(content);
    const written: WrittenOption[] = [];
    try {
      const fail = (reason: string): never => {
        throw new LineProblem(reason);
      };
      let tokens: string[];
      try {
        tokens = shlexSplit(optionsText);
      } catch {
        return fail(`Could not split options: ${optionsText}`);
      }
      parseLineOptions(tokens, fail, written);
    } catch (err) {
      if (!(err instanceof LineProblem)) throw err;
      const unknown = /^no such option: (\S+)$/.exec(err.message);
      if (unknown) {
        const option = unknown[1]!;
        const message = argsText === "" ? `${at}: unknown option "${option}"` : `${at}: unknown option "${option}" after the requirement`;
        problems.push({ kind: "unknown-option", line, text: content, option, onRequirement: argsText !== "", message });
      } else invalid(err.message);
      continue;
    }

    if (argsText === "") {
      for (const option of written) {
        const message = `${at}: option ${JSON.stringify(option.written)} ignored`;
        problems.push({ kind: "option", line, text: content, option: `--${option.long}`, written: option.written, message });
      }
      continue;
    }
    for (const option of written) {
      if (option.long === HASH_OPTION) continue;
      const message = `${at}: option ${JSON.stringify(option.written)} of the requirement ignored`;
      problems.push({ kind: "requirement-option", line, text: content, option: `--${option.long}`, written: option.written, message });
    }
    const where: LineLocation = { source: at, lineSource: null, comesFrom: null, isConstraint: false };
    try {
      // No files: a path stays a path (an archive path becomes a file: URL, reported below).
      const parsed = parseRequirementText(argsText, where, "/", NO_LOCAL_PATHS);
      const url = parsed.url ?? parsed.requirement?.url ?? null;
      if (url !== null || parsed.requirement === null) {
        const name = parsed.requirement?.name ?? null;
        const message = `${at}: ${name ?? argsText.trim()} is a direct URL requirement; not mirrored`;
        problems.push({ kind: "direct-url", line, text: argsText.trim(), name, message });
      } else {
        requirements.push({ line, text: argsText.trim(), requirement: parsed.requirement });
      }
    } catch (err) {
      if (!(err instanceof InvalidRequirementLine)) throw err;
      invalid(err.cause instanceof InvalidRequirement ? err.cause.message : err.message);
    }
  }
  return { requirements, problems };
}
