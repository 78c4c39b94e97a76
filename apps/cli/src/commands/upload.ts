/**
 * `wheelhouse upload [options] DIST...` — twine's `upload` (twine/commands/upload.py) against a
 * Wheelhouse or any legacy-upload repository:
 * - the repository from `--repository-url` / `TWINE_REPOSITORY_URL`, or a named section of
 *   ~/.pypirc (`--repository` / `TWINE_REPOSITORY`, default `pypi`) that sets `repository`;
 *   unlike twine there is no implicit upload.pypi.org;
 * - credentials as features/upload/upload-credentials.ts describes;
 * - every file read first (metadata, sha256, BLAKE2b-256), then uploaded one by one, wheels first;
 * - `--skip-existing`: files the repository already lists, or refuses as existing, are skipped.
 * Exit status: 0 when every file was uploaded or skipped, 1 on the first failure, 2 for usage.
 */
import { CliError } from "../core/cli-error.ts";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { keyringBackend, netrcPath, redactUrl, redactUrlsInText, removeAuthFromUrl, type BasicCredentials } from "../core/auth/index.ts";
import type { CommandContext } from "../core/config/cli-options.ts";
import type { Options } from "../core/config/options.ts";
import { DistributionNotFound, findDists } from "../features/upload/find-dists.ts";
import { InvalidDistribution, readPackageFile, type PackageFile } from "../features/upload/package-file.ts";
import { canPrompt, prompt } from "../features/upload/prompt.ts";
import { InvalidPypirc, readPypirc, repositoryConfig, type RepositoryConfig } from "../features/upload/pypirc.ts";
import { Repository, UploadNetworkError } from "../features/upload/repository.ts";
import { appearsToExist, failureMessage, redirectMessage } from "../features/upload/upload-answer.ts";
import { resolveCredentials } from "../features/upload/upload-credentials.ts";

const SUCCESS = 0;
const ERROR = 1;
const USAGE_ERROR = 2;

/** A problem that stops the upload: printed as one `ERROR:` message, exit status 1. */
class UploadFailed extends CliError {
  override name = "UploadFailed";
}

/** Test seams: retry pacing, and the .pypirc to read instead of ~/.pypirc. */
export interface UploadDeps {
  retryBackoffMs?: number;
  configFile?: string;
}

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

  let repository: Repository | null = null;
  try {
    const target = await findRepository(ctx, deps.configFile ?? ctx.options.configFile ?? undefined);
    const shownUrl = redactUrl(target.url);

    const paths = await findDists(ctx.args, ctx.cwd);
    out(`Uploading distributions to ${shownUrl}`);
    // twine reads every file before sending any: a bad one stops the run with nothing uploaded.
    const packages: PackageFile[] = [];
    for (const path of paths) {
      const pkg = await readPackageFile(path, resolve(ctx.cwd, path));
      debug(`${pkg.path} (${humanSize(pkg.size)})`);
      packages.push(pkg);
    }

    const log = (level: "debug" | "warning", message: string): void => (level === "warning" ? warn(message) : debug(message));
    const { credentials: found, passwordSource } = await resolveCredentials({
      cli: { username: cliValue(ctx, "username"), password: cliValue(ctx, "password") },
      configured: { username: configuredValue(ctx, "username"), password: configuredValue(ctx, "password") },
      env: ctx.env,
      pypirc: target.config,
      repositoryUrl: target.url,
      netrcFile: netrcPath(ctx.env),
      keyring: keyringBackend(options.keyringProvider, ctx.env, (m) => debug(m)),
      log,
    });
    let credentials = found;
    debug(`username: ${credentials?.username || "<empty>"}`);
    debug(`password: <${credentials?.password ? "hidden" : "empty"}>${passwordSource ? ` (from ${passwordSource})` : ""}`);

    const uploadUrl = removeAuthFromUrl(target.url);
    repository = new Repository({
      url: uploadUrl,
      timeout: options.timeout,
      cert: options.cert ?? target.config?.caCert ?? null,
      clientCert: options.clientCert ?? target.config?.clientCert ?? null,
      trustedHosts: options.trustedHosts,
      proxy: options.proxy,
      ...(deps.retryBackoffMs !== undefined ? { retryBackoffMs: deps.retryBackoffMs } : {}),
      onRetry: (problem, retry, of) => warn(`Received "${problem}"\nPackage upload appears to have failed. Retry ${retry} of ${of}.`),
    });

    for (const pkg of packages) {
      const skipMessage = `Skipping ${pkg.filename} because it appears to already exist`;
      // As twine does for PyPI: ask first, so an existing file is not sent again.
      if (options.skipExisting && (await repository.isUploaded(pkg, credentials))) {
        warn(skipMessage);
        continue;
      }
      out(`Uploading ${pkg.filename}`);
      const absolute = resolve(ctx.cwd, pkg.path);
      let answer = await repository.upload(pkg, absolute, credentials);
      if (answer.status === 401 && credentials === null && canPrompt(options.noInput, ctx.env)) {
        // twine prompts when nothing was found; we ask only once the repository wants credentials.
        credentials = await askCredentials();
        answer = await repository.upload(pkg, absolute, credentials);
      }
      debug(`Response from ${shownUrl}:\n${answer.status} ${answer.reason}`);
      if (answer.body.trim() !== "") debug(answer.body.trimEnd());

      if (answer.status >= 300 && answer.status < 400 && answer.location !== null) {
        throw new UploadFailed(redirectMessage(shownUrl, redactUrl(new URL(answer.location, uploadUrl).toString())));
      }
      if (options.skipExisting && appearsToExist(answer)) {
        warn(skipMessage);
        continue;
      }
      if (answer.status < 200 || answer.status > 299) {
        let message = failureMessage(answer, shownUrl);
        if (answer.status === 401 && credentials === null) {
          message +=
            "\nNo credentials were found for this repository: pass -u/-p (an API token as -u __token__ -p <token>), " +
            "set TWINE_USERNAME and TWINE_PASSWORD, or add them to its section of ~/.pypirc, netrc or keyring.";
        }
        return fail(message);
      }
    }
    return SUCCESS;
  } catch (e) {
    if (e instanceof UploadFailed) return fail(e.message);
    if (e instanceof UploadNetworkError) return fail(e.message);
    if (e instanceof DistributionNotFound || e instanceof InvalidDistribution) return fail(`InvalidDistribution: ${e.message}`);
    if (e instanceof InvalidPypirc) return fail(`InvalidConfiguration: ${e.message}`);
    if (e instanceof Error && e.name === "InvalidWheel") return fail(`InvalidDistribution: ${e.message}`);
    throw e;
  } finally {
    await repository?.close();
  }
}

interface RepositoryTarget {
  /** As configured: it may carry userinfo. */
  url: string;
  /** The .pypirc section used, if any (its credentials and certificates apply). */
  config: RepositoryConfig | null;
}

/** Where to upload: an explicit URL, or a .pypirc section that names one. Never pypi.org by default. */
async function findRepository(ctx: CommandContext, configFile: string | undefined): Promise<RepositoryTarget> {
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
function cliValue(ctx: CommandContext, key: UploadOption): string | null {
  return ctx.origins[key]?.kind === "cli" ? (ctx.options[key] as Options[UploadOption]) : null;
}

/** An option's value when it came from pip's configuration files or PIP_* variables. */
function configuredValue(ctx: CommandContext, key: UploadOption): string | null {
  return ctx.origins[key]?.kind === "config" ? (ctx.options[key] as Options[UploadOption]) : null;
}

async function askCredentials(): Promise<BasicCredentials> {
  const username = (await prompt("Enter your username: ", false)).trim();
  const password = await prompt("Enter your password: ", true);
  return { username: username || "__token__", password };
}

/** twine's get_file_size: KB, or MB from 1024 KB. */
function humanSize(bytes: number): string {
  const kb = bytes / 1024;
  return kb > 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb.toFixed(1)} KB`;
}
