/**
 * `wheelhouse upload [options] DIST...` — twine's `upload` (twine/commands/upload.py) against a
 * Wheelhouse or any legacy-upload repository:
 * - the repository as features/upload/upload-target.ts finds it (never pypi.org by default);
 * - credentials as features/upload/upload-credentials.ts describes;
 * - the run (read every file, then upload one by one; `--skip-existing`) in features/upload/upload-dists.ts.
 * Exit status: 0 when every file was uploaded or skipped, 1 on the first failure, 2 for usage.
 */
import { redactUrlsInText } from "../core/auth/index.ts";
import type { CommandContext } from "../core/config/cli-options.ts";
import { DistributionNotFound } from "../features/upload/find-dists.ts";
import { InvalidDistribution } from "../features/upload/package-file.ts";
import { InvalidPypirc } from "../features/upload/pypirc.ts";
import { UploadNetworkError } from "../features/upload/repository.ts";
import { uploadDists, type UploadDeps } from "../features/upload/upload-dists.ts";
import { UploadFailed } from "../features/upload/upload-target.ts";

const SUCCESS = 0;
const ERROR = 1;
const USAGE_ERROR = 2;

export async function run(ctx: CommandContext, deps: UploadDeps = {}): Promise<number> {
  const { options } = ctx;
  const out = (line: string): void => {
    if (options.quiet === 0) ctx.stdout.write(`${redactUrlsInText(line)}\n`);
  };
  const debug = (line: string): void => {
    if (options.verbose > 0) ctx.stdout.write(`${redactUrlsInText(line)}\n`);
  };
  const warn = (line: string): void => {
    if (options.quiet < 2) ctx.stderr.write(`WARNING: ${redactUrlsInText(line)}\n`);
  };
  const fail = (message: string): number => {
    ctx.stderr.write(`ERROR: ${redactUrlsInText(message)}\n`);
    return ERROR;
  };

  if (ctx.args.length === 0) {
    ctx.stderr.write("Usage: wheelhouse upload [options] <dist> ...\nERROR: You must give at least one distribution file (e.g. dist/*).\n");
    return USAGE_ERROR;
  }

  try {
    await uploadDists(ctx, deps, { out, debug, warn });
    return SUCCESS;
  } catch (e) {
    if (e instanceof UploadFailed) return fail(e.message);
    if (e instanceof UploadNetworkError) return fail(e.message);
    if (e instanceof DistributionNotFound || e instanceof InvalidDistribution) return fail(`InvalidDistribution: ${e.message}`);
    if (e instanceof InvalidPypirc) return fail(`InvalidConfiguration: ${e.message}`);
    if (e instanceof Error && e.name === "InvalidWheel") return fail(`InvalidDistribution: ${e.message}`);
    throw e;
  }
}
