/**
 * The failures a resolving command reports to the user — as pip prints them, `ERROR: ` first —
 * rather than as an unexpected exception with a stack.
 */
import { CliError } from "../core/cli-error.ts";

/** Where a command writes its errors (process.stderr, or a test's collector). */
interface ErrorStream {
  write(chunk: string): unknown;
}

/**
 * How a resolving command ends on an error: a failure pip reports plainly (a `CliError`) is
 * written to `stderr` and gives its exit status; anything else is rethrown, for main.ts to print
 * with its stack.
 */
export function reportFailure(e: unknown, stderr: ErrorStream): number {
  if (!(e instanceof CliError)) throw e;
  stderr.write(`${e.report()}\n`);
  return e.exitCode;
}

/** A command's `fail`: writes the message (pip's `ERROR: …` lines, given whole) and gives status 1. */
export function failWith(stderr: ErrorStream): (message: string) => number {
  return (message) => {
    stderr.write(`${message}\n`);
    return 1;
  };
}

/** What to write to stderr for `e`, or null when it is not a failure the user is told about plainly. */
export function failureMessage(e: unknown): string | null {
  return e instanceof CliError ? e.report() : null;
}
