/**
 * Where a resolving command's log goes: pip's INFO lines on stdout (above the progress frame on
 * a terminal), its warnings on stderr; `-q` silences the first, `-qq` the second as well.
 */
import type { CommandContext } from "../core/config/cli-options.ts";
import { progressFor, type ProgressRenderer } from "./progress.ts";

/** Where a run's lines go (pip's INFO and WARNING levels): the pipeline writes to one, a command makes it. */
export interface Reporter {
  info(line: string): void;
  warning(line: string): void;
}

export function commandReporter(ctx: Pick<CommandContext, "stdout" | "stderr" | "options">, progress: ProgressRenderer | null): Reporter {
  const quiet = ctx.options.quiet;
  return {
    info: (line) => void (quiet > 0 ? undefined : progress ? progress.log(line) : ctx.stdout.write(`${line}\n`)),
    warning: (line) => void (quiet > 1 ? undefined : ctx.stderr.write(`WARNING: ${line}\n`)),
  };
}

/** The progress frame for a command: on a terminal, unless `-q` or `--progress-bar off`. */
export function commandProgress(ctx: Pick<CommandContext, "stdout" | "options">): ProgressRenderer | null {
  return ctx.options.progressBar === "off" ? null : progressFor(ctx.stdout, ctx.options.quiet);
}
