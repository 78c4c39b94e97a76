/**
 * Where an upload goes, as twine finds it: `--repository-url` / `TWINE_REPOSITORY_URL`, or a
 * named section of ~/.pypirc (`--repository` / `TWINE_REPOSITORY`, default `pypi`) that sets
 * `repository`; unlike twine there is no implicit upload.pypi.org. The URL must be http(s) with a host.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { redactUrl } from "../../core/auth/index.ts";
import { CliError } from "../../core/cli-error.ts";
import type { CommandContext } from "../../core/config/cli-options.ts";
import type { Options } from "../../core/config/options.ts";
import { readPypirc, repositoryConfig, type RepositoryConfig } from "./pypirc.ts";

/** A problem that stops the upload: printed as one `ERROR:` message, exit status 1. */
export class UploadFailed extends CliError {
  override name = "UploadFailed";
}

export interface RepositoryTarget {
  /** As configured: it may carry userinfo. */
  url: string;
  /** The .pypirc section used, if any (its credentials and certificates apply). */
  config: RepositoryConfig | null;
}

/** Where to upload: an explicit URL, or a .pypirc section that names one. Never pypi.org by default. */
export async function findRepository(ctx: CommandContext, configFile: string | undefined): Promise<RepositoryTarget> {
  const env = (name: string): string | null => (ctx.env[name] ? ctx.env[name]! : null);
  const url = cliValue(ctx, "repositoryUrl") ?? env("TWINE_REPOSITORY_URL") ?? configuredValue(ctx, "repositoryUrl");
  if (url !== null) {
    validateRepositoryUrl(url);
    // twine: with an explicit URL, .pypirc plays no part (not even its credentials).
    return { url, config: null };
  }
  const explicitName = cliValue(ctx, "repository") ?? env("TWINE_REPOSITORY") ?? configuredValue(ctx, "repository");
  const name = explicitName ?? "pypi";
  const path = configFile ?? join(ctx.env.HOME || homedir(), ".pypirc");
  const pypirc = await readPypirc(path);
  const hint =
    "Give the repository with --repository-url URL (or TWINE_REPOSITORY_URL), " +
    "or name a section of ~/.pypirc that sets `repository = URL` with --repository NAME.";
  if (pypirc === null) {
    if (explicitName !== null) throw new UploadFailed(`InvalidConfiguration: Missing '${name}' section: there is no ${path}.\n${hint}`);
    throw new UploadFailed(`InvalidConfiguration: No repository to upload to (wheelhouse never uploads to pypi.org by default).\n${hint}`);
  }
  const config = repositoryConfig(pypirc, name);
  if (config === null) {
    const listed = pypirc.indexServers.includes(name) ? "" : ` ('${name}' is not listed in [distutils] index-servers)`;
    throw new UploadFailed(`InvalidConfiguration: Missing '${name}' section from ${path}${listed}.\n${hint}`);
  }
  if (config.repository === null || config.repository === "") {
    throw new UploadFailed(
      `InvalidConfiguration: The '${name}' section of ${path} sets no repository URL, and wheelhouse never uploads to pypi.org by default.\n` +
        `Add \`repository = https://…/\` to it, or pass --repository-url.`,
    );
  }
  validateRepositoryUrl(config.repository);
  return { url: config.repository, config };
}

/** twine: http or https, with a host. */
function validateRepositoryUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UploadFailed(`UnreachableRepositoryURLDetected: Invalid repository URL: ${redactUrl(url)} is not a URL.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UploadFailed(`UnreachableRepositoryURLDetected: Invalid repository URL: ${redactUrl(url)} must use http or https.`);
  }
  if (parsed.hostname === "") throw new UploadFailed(`UnreachableRepositoryURLDetected: Invalid repository URL: ${redactUrl(url)} has no host.`);
}

type UploadOption = "repository" | "repositoryUrl" | "username" | "password";

/** An option's value when it was given on the command line. */
export function cliValue(ctx: CommandContext, key: UploadOption): string | null {
  return ctx.origins[key]?.kind === "cli" ? (ctx.options[key] as Options[UploadOption]) : null;
}

/** An option's value when it came from pip's configuration files or PIP_* variables. */
export function configuredValue(ctx: CommandContext, key: UploadOption): string | null {
  return ctx.origins[key]?.kind === "config" ? (ctx.options[key] as Options[UploadOption]) : null;
}
