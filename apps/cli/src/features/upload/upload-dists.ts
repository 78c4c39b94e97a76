/**
 * twine's upload run (twine/commands/upload.py): every file read first (metadata, sha256,
 * BLAKE2b-256), credentials found (upload-credentials.ts), then the files sent one by one, wheels
 * first; with `--skip-existing`, files the repository already lists, or refuses as existing, are
 * skipped. A failure is thrown (UploadFailed and the errors of the modules it calls); the command prints it.
 */
import { resolve } from "node:path";
import { keyringBackend, netrcPath, redactUrl, removeAuthFromUrl, type BasicCredentials } from "../../core/auth/index.ts";
import type { CommandContext } from "../../core/config/cli-options.ts";
import { formatSizeAsTwine } from "../../ui/format-size.ts";
import { findDists } from "./find-dists.ts";
import { readPackageFile, type PackageFile } from "./package-file.ts";
import { canPrompt, prompt } from "./prompt.ts";
import { Repository } from "./repository.ts";
import { appearsToExist, failureMessage, redirectMessage } from "./upload-answer.ts";
import { resolveCredentials } from "./upload-credentials.ts";
import { cliValue, configuredValue, findRepository, UploadFailed } from "./upload-target.ts";

/** Test seams: retry pacing, and the .pypirc to read instead of ~/.pypirc. */
export interface UploadDeps {
  retryBackoffMs?: number;
  configFile?: string;
}

/** Where the run's lines go: twine's normal output, its --verbose lines, its warnings. */
export interface UploadLog {
  out(line: string): void;
  debug(line: string): void;
  warn(line: string): void;
}

/** Uploads the distributions `ctx.args` names; resolves when every file was uploaded or skipped. */
export async function uploadDists(ctx: CommandContext, deps: UploadDeps, log: UploadLog): Promise<void> {
  const { options } = ctx;
  const { out, debug, warn } = log;
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
      debug(`${pkg.path} (${formatSizeAsTwine(pkg.size)})`);
      packages.push(pkg);
    }

    const { credentials: found, passwordSource } = await resolveCredentials({
      cli: { username: cliValue(ctx, "username"), password: cliValue(ctx, "password") },
      configured: { username: configuredValue(ctx, "username"), password: configuredValue(ctx, "password") },
      env: ctx.env,
      pypirc: target.config,
      repositoryUrl: target.url,
      netrcFile: netrcPath(ctx.env),
      keyring: keyringBackend(options.keyringProvider, ctx.env, (m) => debug(m)),
      log: (level, message) => (level === "warning" ? warn(message) : debug(message)),
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
        throw new UploadFailed(message);
      }
    }
  } finally {
    await repository?.close();
  }
}

async function askCredentials(): Promise<BasicCredentials> {
  const username = (await prompt("Enter your username: ", false)).trim();
  const password = await prompt("Enter your password: ", true);
  return { username: username || "__token__", password };
}
