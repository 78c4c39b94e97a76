/**
 * Who to upload as, looked up as twine does (twine/auth.py, twine/utils.py get_userpass_value)
 * with pip's other places added where twine relies on requests for them. Each of username and
 * password, first found wins:
 *   1. `-u` / `-p` on the command line;
 *   2. `TWINE_USERNAME` / `TWINE_PASSWORD`;
 *   3. `username` / `password` in pip's configuration (`[upload]`, `PIP_USERNAME`, …);
 *   4. the repository's section of .pypirc (or its `[server-login]`);
 *   5. the repository URL's userinfo;
 *   6. netrc, for the repository's host (when no password yet, and the login matches any username);
 *   7. keyring, for the repository URL and then its netloc (when no password yet).
 * A password (an API token) without a username is sent as `__token__`, the username PyPI and
 * Wheelhouse take tokens under.
 */
import {
  InvalidNetrc,
  netrcAuthenticators,
  netrcCredentials,
  netrcHost,
  readNetrc,
  splitAuthFromUrl,
  type BasicCredentials,
  type KeyringBackend,
} from "../../core/auth/index.ts";
import type { RepositoryConfig } from "./pypirc.ts";

export const TOKEN_USERNAME = "__token__";

export interface CredentialSources {
  /** `-u` / `-p` as given on the command line. */
  cli: { username: string | null; password: string | null };
  /** `username` / `password` from pip's configuration files or PIP_* variables. */
  configured: { username: string | null; password: string | null };
  env: NodeJS.ProcessEnv;
  pypirc: RepositoryConfig | null;
  /** The repository URL as configured (it may carry userinfo). */
  repositoryUrl: string;
  /** null: no netrc. */
  netrcFile: string | null;
  keyring: KeyringBackend;
  /** Debug and warning lines; never a secret. */
  log: (level: "debug" | "warning", message: string) => void;
}

export interface ResolvedCredentials {
  credentials: BasicCredentials | null;
  /** Where the password came from, for `-v` ("command line", "keyring", …); null when none. */
  passwordSource: string | null;
}

export async function resolveCredentials(sources: CredentialSources): Promise<ResolvedCredentials> {
  const url = splitAuthFromUrl(sources.repositoryUrl);
  const env = (name: string): string | null => {
    const value = sources.env[name];
    return value === undefined || value === "" ? null : value;
  };
  const pick = (candidates: Array<[string | null | undefined, string]>): { value: string | null; source: string | null } => {
    for (const [value, source] of candidates) if (value !== null && value !== undefined) return { value, source };
    return { value: null, source: null };
  };
  const username = pick([
    [sources.cli.username, "command line"],
    [env("TWINE_USERNAME"), "TWINE_USERNAME"],
    [sources.configured.username, "configuration"],
    [sources.pypirc?.username, ".pypirc"],
    [url.username, "repository URL"],
  ]);
  let password = pick([
    [sources.cli.password, "command line"],
    [env("TWINE_PASSWORD"), "TWINE_PASSWORD"],
    [sources.configured.password, "configuration"],
    [sources.pypirc?.password, ".pypirc"],
    [url.password, "repository URL"],
  ]);
  let user = username.value;

  if (password.value === null && sources.netrcFile !== null && url.netloc !== "") {
    const entry = netrcFor(sources.netrcFile, netrcHost(url.netloc), sources.log);
    if (entry && (user === null || user === entry.username)) {
      sources.log("debug", `password set from netrc for ${url.netloc}`);
      user ??= entry.username;
      password = { value: entry.password, source: "netrc" };
    }
  }

  if (password.value === null) {
    const bare = url.url;
    for (const service of [bare, url.netloc]) {
      if (service === "") continue;
      try {
        const found = await sources.keyring.get(service, user);
        if (found) {
          sources.log("debug", `password set from keyring for ${service}`);
          user ??= found.username;
          password = { value: found.password, source: "keyring" };
          break;
        }
      } catch (e) {
        sources.log("warning", `Error getting password from keyring: ${(e as Error).message}`);
        break;
      }
    }
  }

  if (password.value === null && user === null) return { credentials: null, passwordSource: null };
  return {
    credentials: { username: user ?? TOKEN_USERNAME, password: password.value ?? "" },
    passwordSource: password.source,
  };
}

function netrcFor(file: string, host: string, log: CredentialSources["log"]): BasicCredentials | null {
  try {
    const netrc = readNetrc(file);
    if (!netrc) return null;
    const entry = netrcAuthenticators(netrc, host);
    return entry ? netrcCredentials(entry) : null;
  } catch (e) {
    if (e instanceof InvalidNetrc) {
      log("warning", `Ignoring netrc file: ${e.message}`);
      return null;
    }
    if ((e as { code?: string }).code === "ENOENT") return null;
    throw e;
  }
}
