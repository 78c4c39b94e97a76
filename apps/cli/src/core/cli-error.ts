/**
 * The base of every failure the CLI reports to its user as pip does (`ERROR: …`), carrying the
 * exit status the run ends with. What reaches main.ts without it is a bug, printed with its stack.
 */
export class CliError extends Error {
  /** pip's exit status: 1 (error), unless a subclass says otherwise (2: a usage error). */
  readonly exitCode: number = 1;

  /** What stderr shows: `ERROR: ` and the message; a subclass may add lines (a build's output, pip's help link). */
  report(): string {
    return `ERROR: ${this.message}`;
  }
}
