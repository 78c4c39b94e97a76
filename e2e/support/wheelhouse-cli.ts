// Runs the `wheelhouse` installer as a user would: its own process, an isolated environment.
import { fileURLToPath } from "node:url";
import { run, type RunResult } from "./run.ts";
import { isolatedPipEnv } from "./isolated-env.ts";

/** The checkout's entry point (through tsx), or another build such as the single-file bundle. */
const BIN = process.env.WHEELHOUSE_CLI_BIN ?? fileURLToPath(new URL("../../apps/cli/bin/wheelhouse.mjs", import.meta.url));

/** `wheelhouse <args>` with no pip configuration, env or user files leaking in. */
export function wheelhouse(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], { env: options.env ?? isolatedPipEnv(), cwd: options.cwd, timeoutMs: options.timeoutMs ?? 180_000 });
}
