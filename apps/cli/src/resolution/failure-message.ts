/**
 * The failures a resolving command reports to the user — as pip prints them, `ERROR: ` first —
 * rather than as an unexpected exception with a stack.
 */
import { BuildError } from "../build/build-wheel.ts";
import { InvalidSdist } from "../build/unpack-sdist.ts";
import { InterpreterError } from "../environment/inspect-python.ts";
import { CertificateFileError, HashMismatch, HttpError, InvalidWheel, NetworkError } from "../index/errors.ts";
import { InstallationError } from "../installer/errors.ts";
import { RequirementsFileError } from "../requirements/index.ts";
import { ResolutionImpossible, ResolutionTooDeep } from "../resolver/resolution-impossible.ts";
import { HashCheckFailed } from "./hash-checking.ts";
import { InconsistentCandidate, UnreadableMetadata, UnsupportedReference } from "./index-provider.ts";

/** Where a command writes its errors (process.stderr, or a test's collector). */
interface ErrorStream {
  write(chunk: string): unknown;
}

/**
 * How a resolving command ends on an error: a failure pip reports plainly (`failureMessage`) is
 * written to `stderr` and gives pip's status 1; anything else is rethrown, for main.ts to print
 * with its stack.
 */
export function reportFailure(e: unknown, stderr: ErrorStream): number {
  const message = failureMessage(e);
  if (message === null) throw e;
  stderr.write(`${message}\n`);
  return 1;
}

/** A command's `fail`: writes the message (pip's `ERROR: …` lines, given whole) and gives status 1. */
export function failWith(stderr: ErrorStream): (message: string) => number {
  return (message) => {
    stderr.write(`${message}\n`);
    return 1;
  };
}

const RESOLUTION_HELP = "ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts";

/** What to write to stderr for `e`, or null when it is not a failure the user is told about plainly. */
export function failureMessage(e: unknown): string | null {
  if (e instanceof ResolutionImpossible) {
    if (e.kind === "no-matching-distribution") {
      // pip: the yanked note is information; the two sentences are errors.
      return e.message
        .split("\n")
        .map((line) => (line.startsWith("Ignored the following yanked versions") ? line : `ERROR: ${line}`))
        .join("\n");
    }
    return `ERROR: ${e.message}\n\nERROR: ${RESOLUTION_HELP}`;
  }
  if (e instanceof BuildError) return `${e.output ? `${e.output.trimEnd()}\n` : ""}ERROR: ${e.message}`;
  if (
    e instanceof HashCheckFailed ||
    e instanceof HashMismatch ||
    e instanceof HttpError ||
    e instanceof NetworkError ||
    e instanceof CertificateFileError ||
    e instanceof InvalidWheel ||
    e instanceof InvalidSdist ||
    e instanceof InstallationError ||
    e instanceof RequirementsFileError ||
    e instanceof InterpreterError ||
    e instanceof ResolutionTooDeep ||
    e instanceof UnsupportedReference ||
    e instanceof InconsistentCandidate ||
    e instanceof UnreadableMetadata
  ) {
    return `ERROR: ${e.message}`;
  }
  return null;
}
