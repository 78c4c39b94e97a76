// What the index-using commands (download, index) share: the session built from their options,
// credentials from auth/, and the target interpreter from environment/ (replaceable in tests).
import { Credentials, redactUrl } from "../core/auth/index.ts";
import type { CommandContext } from "../core/config/cli-options.ts";
import type { TargetEnvironment } from "../core/types.ts";
import { findPython } from "../core/environment/find-python.ts";
import { inspectPython } from "../core/environment/inspect-python.ts";
import type { CredentialProvider } from "../core/net/http-client.ts";
import { IndexSession, type IndexOptions } from "../core/index/index-session.ts";
import type { ProgressCallback } from "../core/index/downloader.ts";

export type CommandTarget = Pick<TargetEnvironment, "tags" | "pythonFullVersion" | "markers">;

/** What a command may be given instead of finding it itself (tests, the integration lead's wiring). */
export interface IndexCommandDeps {
  target?: () => Promise<CommandTarget>;
  credentials?: CredentialProvider | null;
  onProgress?: ProgressCallback;
}

/** The interpreter `--python` (or the active environment, or python3 on PATH) names. */
export async function findTarget(ctx: CommandContext): Promise<CommandTarget> {
  const python = await findPython({ ...(ctx.options.python ? { python: ctx.options.python } : {}), env: ctx.env });
  return inspectPython(python, ctx.options.noCacheDir ? {} : { cacheDir: ctx.options.cacheDir });
}

export function openSession(ctx: CommandContext, deps: IndexCommandDeps, options: IndexOptions = ctx.options): IndexSession {
  const credentials =
    deps.credentials !== undefined
      ? deps.credentials
      : Credentials.fromOptions({ ...ctx.options, ...options }, ctx.env, (level, message) => {
          if (level === "warning") ctx.stderr.write(`WARNING: ${message}\n`);
        });
  return new IndexSession({
    options,
    credentials,
    cwd: ctx.cwd,
    redact: redactUrl,
    onWarning: (message) => ctx.stderr.write(`WARNING: ${message}\n`),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
  });
}
