import { run, type RunResult } from "./run.ts";
import { isolatedPipEnv } from "./isolated-env.ts";

/** Debian's twine (4.0.x); override with WHEELHOUSE_E2E_TWINE. */
export const TWINE = process.env.WHEELHOUSE_E2E_TWINE ?? "/usr/bin/twine";

export interface TwineUploadOptions {
  username: string;
  password: string;
  skipExisting?: boolean;
  /** `--verbose` makes twine print the response body on errors (default true). */
  verbose?: boolean;
}

/**
 * `twine upload --repository-url URL FILES…`, non-interactive, with HOME a
 * fresh directory (no ~/.pypirc) and no TWINE_* variables. Never throws.
 */
export function twineUpload(url: string, files: readonly string[], options: TwineUploadOptions): Promise<RunResult> {
  const args = [
    "--no-color",
    "upload",
    "--non-interactive",
    "--disable-progress-bar",
    "--repository-url",
    url,
    "--username",
    options.username,
    "--password",
    options.password,
  ];
  if (options.skipExisting) args.push("--skip-existing");
  if (options.verbose ?? true) args.push("--verbose");
  args.push(...files);
  // twine prints through rich, which wraps at 80 columns without a terminal:
  // a wide COLUMNS keeps each server message on one line for assertions.
  return run(TWINE, args, { env: isolatedPipEnv({ COLUMNS: "1000" }), timeoutMs: 60_000 });
}
