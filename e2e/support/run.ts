import { spawn } from "node:child_process";

export interface RunResult {
  /** Exit code; -1 when the process was killed (timeout or signal) or could not start. */
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the process after this many milliseconds (default 120 s). */
  timeoutMs?: number;
}

/**
 * Runs a command to completion and collects its output. Never throws on a
 * non-zero exit: the caller asserts on `code` and the output.
 */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { env = process.env, cwd, timeoutMs = 120_000 } = options;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout: "", stderr: `could not start ${cmd}: ${error.message}`, timedOut });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8") + (timedOut ? `\n[killed after ${timeoutMs} ms]` : ""),
        timedOut,
      });
    });
  });
}

/** Both streams of a result, for assertions on messages and for failure reports. */
export function output(result: RunResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

/** A readable description of a run for assertion messages. */
export function describeRun(label: string, result: RunResult): string {
  return `${label} exited ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}
