/**
 * Credentials from the `keyring` command-line tool, as pip's `--keyring-provider=subprocess`
 * (pip/_internal/network/auth.py, KeyRingCliProvider):
 * - with a username: `keyring get <service> <username>` prints the password;
 * - without one: `keyring --mode=creds --output=json get <service>` (keyring ≥ 25.2) prints
 *   `{"username": …, "password": …}`; an older keyring rejects the flags and we get nothing,
 *   as pip gets nothing without a username.
 * A non-zero exit means "not found". The service is tried as the index URL, then the netloc.
 *
 * `import` (Python's keyring module inside pip's interpreter) has no equivalent here; it is
 * served by the same executable. `auto` uses the executable when one is on PATH.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { KeyringProvider as KeyringProviderSetting } from "../config/options.ts";

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Looks up credentials for a service (an index URL or a netloc). */
export interface KeyringBackend {
  readonly name: string;
  get(service: string, username: string | null): Promise<BasicCredentials | null>;
}

export const NO_KEYRING: KeyringBackend = {
  name: "disabled",
  get: async () => null,
};

/** Runs the `keyring` executable; `log` receives debug lines (no secrets). */
export class SubprocessKeyring implements KeyringBackend {
  readonly name = "subprocess";
  constructor(
    readonly executable: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async get(service: string, username: string | null): Promise<BasicCredentials | null> {
    if (username !== null) {
      this.log(`Getting password from keyring for ${username}@${service}`);
      const result = await this.run(["get", service, username]);
      if (result === null) return null;
      return { username, password: result.replace(/^\n+|\n+$/g, "") };
    }
    this.log(`Getting credentials from keyring for ${service}`);
    const result = await this.run(["--mode=creds", "--output=json", "get", service]);
    if (result === null) return null;
    try {
      const data = JSON.parse(result) as { username?: unknown; password?: unknown };
      if (typeof data.username === "string" && typeof data.password === "string") {
        return { username: data.username, password: data.password };
      }
    } catch {
      // Not JSON: not a keyring that knows --output=json.
    }
    return null;
  }

  /** stdout of a successful run, or null. */
  private run(args: string[]): Promise<string | null> {
    return new Promise((resolve) => {
      const child = execFile(
        this.executable,
        args,
        { env: { ...this.env, PYTHONIOENCODING: "utf-8" }, encoding: "utf8", maxBuffer: 1024 * 1024 },
        (error, stdout) => resolve(error ? null : stdout),
      );
      child.stdin?.end();
    });
  }
}

/** The first executable named `name` on `$PATH` (shutil.which). */
export function which(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The backend for a `--keyring-provider` setting. */
export function keyringBackend(setting: KeyringProviderSetting, env: NodeJS.ProcessEnv, log?: (message: string) => void): KeyringBackend {
  if (setting === "disabled") return NO_KEYRING;
  const executable = which("keyring", env);
  if (executable === null) {
    log?.(`Keyring provider ${setting}: no keyring executable on PATH; keyring disabled`);
    return NO_KEYRING;
  }
  log?.(`Keyring provider set: subprocess with executable ${executable}`);
  return new SubprocessKeyring(executable, env, log);
}
