// Runs the `wheelhouse` installer as a user would: its own process, an isolated environment.
import { fileURLToPath } from "node:url";
import { run, type RunResult } from "./run.ts";
import { isolatedPipEnv } from "./isolated-env.ts";

/**
 * The checkout's command, run as `wheelhouse` on a PATH runs it (its own launcher line, see
 * apps/cli/bin/wheelhouse.cjs), or another build such as the single-file bundle, run by node.
 */
const OTHER_BIN = process.env.WHEELHOUSE_CLI_BIN;
const CHECKOUT_BIN = fileURLToPath(new URL("../../apps/cli/bin/wheelhouse.cjs", import.meta.url));

/** `wheelhouse <args>` with no pip configuration, env or user files leaking in. */
export function wheelhouse(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const [command, commandArgs] = OTHER_BIN ? [process.execPath, [OTHER_BIN, ...args]] : [CHECKOUT_BIN, [...args]];
  return run(command, commandArgs, { env: options.env ?? isolatedPipEnv(), cwd: options.cwd, timeoutMs: options.timeoutMs ?? 180_000 });
}
