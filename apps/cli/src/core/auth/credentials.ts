/**
 * Which user and password to send to a URL, as pip's MultiDomainBasicAuth finds them
 * (pip/_internal/network/auth.py):
 *
 * Up front (`forUrl`), in order:
 *   1. the URL's own userinfo (user and password);
 *   2. the userinfo of the configured index URL the request falls under
 *      (`https://u:p@host/simple/` covers `https://host/simple/<project>/`);
 *   3. netrc, for the host;
 *   4. what was used before for the same netloc (from 1–3 or a 401 retry).
 * After a 401 (`handle401`), once per request: keyring, asked for the index URL and then the
 * netloc, with the username known from the URL or the index URL. A 403 or 404 never asks.
 *
 * Requests must go out without userinfo (`removeAuthFromUrl`), with an `Authorization` header
 * from `authorizationHeader`; messages show URLs through `redactUrl`.
 */
import type { Options } from "../config/options.ts";
import { keyringBackend, NO_KEYRING, type BasicCredentials, type KeyringBackend } from "./keyring.ts";
import { InvalidNetrc, netrcAuthenticators, netrcCredentials, netrcHost, netrcPath, readNetrc, type Netrc } from "./netrc.ts";
import { redactUrl, removeAuthFromUrl, splitAuthFromUrl } from "./redact.ts";

export type { BasicCredentials } from "./keyring.ts";

export type AuthLogLevel = "debug" | "warning";

export interface CredentialsInit {
  /** `--index-url` and `--extra-index-url` values as configured (they may carry userinfo). */
  indexUrls?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** A `--keyring-provider` setting, or a backend (tests). Default "auto". */
  keyring?: Options["keyringProvider"] | KeyringBackend;
  /** The netrc file; default `$NETRC`, `~/.netrc`. null: no netrc. */
  netrcFile?: string | null;
  log?: (level: AuthLogLevel, message: string) => void;
}

/** The status (and URL) of a response, as much of it as 401 handling needs. */
export interface ResponseLike {
  status: number;
}

export class Credentials {
  private readonly indexUrls: string[];
  private readonly keyring: KeyringBackend;
  private readonly log: (level: AuthLogLevel, message: string) => void;
  private readonly netrcFile: string | null;
  private netrc: Netrc | null | undefined;
  /** netloc → the credentials last used for it. */
  private readonly passwords = new Map<string, BasicCredentials>();

  constructor(init: CredentialsInit = {}) {
    const env = init.env ?? process.env;
    this.indexUrls = [...(init.indexUrls ?? [])];
    this.log = init.log ?? (() => undefined);
    const debug = (message: string): void => this.log("debug", message);
    this.keyring = typeof init.keyring === "object" ? init.keyring : keyringBackend(init.keyring ?? "auto", env, debug);
    this.netrcFile = init.netrcFile === undefined ? netrcPath(env) : init.netrcFile;
  }

  /** Credentials for the indexes and keyring setting of a command's options. */
  static fromOptions(
    options: Pick<Options, "indexUrl" | "extraIndexUrls" | "noIndex" | "keyringProvider">,
    env: NodeJS.ProcessEnv,
    log?: CredentialsInit["log"],
  ): Credentials {
    const indexUrls = options.noIndex ? [] : [options.indexUrl, ...options.extraIndexUrls];
    return new Credentials({ indexUrls, env, keyring: options.keyringProvider, ...(log ? { log } : {}) });
  }

  /** The credentials to send with a first request to `url` (which may carry userinfo), or null for none. */
  forUrl(url: string): BasicCredentials | null {
    const { netloc, username: urlUser } = splitAuthFromUrl(url);
    const key = netloc.toLowerCase();
    let found = this.newCredentials(url, { allowNetrc: true });
    if (found.password === null || found.username === null) {
      const stored = this.passwords.get(key);
      if (stored && (found.username === null || found.username === stored.username)) {
        found = { username: stored.username, password: stored.password };
      }
    }
    if (found.username === null && found.password === null) return null;
    const credentials = { username: found.username ?? urlUser ?? "", password: found.password ?? "" };
    this.passwords.set(key, credentials);
    return credentials;
  }

  /**
   * After a 401 to `url`: credentials to retry with (from keyring), or null to give up. Call it
   * once per request and retry at most once; a 401 on the retry goes to `warnOn401`.
   */
  async handle401(url: string, response: ResponseLike): Promise<BasicCredentials | null> {
    if (response.status !== 401) return null;
    const { netloc } = splitAuthFromUrl(url);
    const found = await this.newCredentialsWithKeyring(url);
    if (found === null) {
      this.log("debug", `No credentials for ${redactUrl(url)} after a 401`);
      return null;
    }
    this.passwords.set(netloc.toLowerCase(), found);
    return found;
  }

  /** pip's warning when the retry with new credentials is refused too. */
  warnOn401(url: string, response: ResponseLike): void {
    if (response.status === 401) this.log("warning", `401 Error, Credentials not correct for ${redactUrl(url)}`);
  }

  /** The configured index URL (with its userinfo) that `url` falls under, if any. */
  indexUrlFor(url: string): string | null {
    const bare = removeAuthFromUrl(url);
    for (const index of this.indexUrls) {
      const prefix = `${removeAuthFromUrl(index).replace(/\/+$/, "")}/`;
      if (bare.startsWith(prefix) || `${bare}/` === prefix) return index;
    }
    return null;
  }

  private newCredentials(url: string, { allowNetrc }: { allowNetrc: boolean }): { username: string | null; password: string | null } {
    const { netloc, username, password } = splitAuthFromUrl(url);
    if (username !== null && password !== null) {
      this.log("debug", `Found credentials in url for ${netloc}`);
      return { username, password };
    }
    const index = this.indexUrlFor(url);
    if (index !== null) {
      const fromIndex = splitAuthFromUrl(index);
      if (fromIndex.username !== null && fromIndex.password !== null) {
        this.log("debug", `Found credentials in index url for ${netloc}`);
        return { username: fromIndex.username, password: fromIndex.password };
      }
    }
    if (allowNetrc) {
      const entry = this.netrcEntry(netrcHost(netloc));
      if (entry) {
        this.log("debug", `Found credentials in netrc for ${netloc}`);
        return entry;
      }
    }
    return { username, password };
  }

  private async newCredentialsWithKeyring(url: string): Promise<BasicCredentials | null> {
    const { netloc, username, password } = splitAuthFromUrl(url);
    if (username !== null && password !== null) return { username, password };
    const index = this.indexUrlFor(url);
    let user = username;
    if (index !== null) {
      const fromIndex = splitAuthFromUrl(index);
      if (fromIndex.username !== null && fromIndex.password !== null) {
        return { username: fromIndex.username, password: fromIndex.password };
      }
      user ??= fromIndex.username;
    }
    if (this.keyring === NO_KEYRING) return null;
    // The index URL is more specific than the netloc, so it is asked first.
    const services = [...(index !== null ? [removeAuthFromUrl(index)] : []), netloc];
    for (const service of services) {
      try {
        const found = await this.keyring.get(service, user);
        if (found) {
          this.log("debug", `Found credentials in keyring for ${netloc}`);
          return found;
        }
      } catch (e) {
        this.log("warning", `Keyring is skipped due to an exception: ${(e as Error).message}`);
        return null;
      }
    }
    return null;
  }

  private netrcEntry(host: string): BasicCredentials | null {
    if (this.netrcFile === null) return null;
    if (this.netrc === undefined) {
      try {
        this.netrc = readNetrc(this.netrcFile);
      } catch (e) {
        if (!(e instanceof InvalidNetrc)) throw e;
        this.log("warning", `Ignoring netrc file: ${e.message}`);
        this.netrc = null;
      }
    }
    if (!this.netrc) return null;
    const entry = netrcAuthenticators(this.netrc, host);
    return entry ? netrcCredentials(entry) : null;
  }
}

/** `Basic …` for an Authorization header. */
export function authorizationHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64")}`;
}
