import { makeTempDirSync } from "./temp-dir.ts";

/** Variables that would let pip, twine or requests reach past the registry under test. */
const INHERITED_TO_DROP = [
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONUSERBASE",
  "VIRTUAL_ENV",
  "NETRC",
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "XDG_DATA_HOME",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "all_proxy",
];

/**
 * An environment for pip and twine that sees only what a test gives it: no
 * PIP_* / TWINE_* variables (this machine sets find-links and extra indexes),
 * no pip config files (PIP_CONFIG_FILE=/dev/null makes pip load none), no
 * proxies, no keyring, and HOME a fresh empty directory (no ~/.pypirc,
 * ~/.netrc, ~/.config/pip). Pass `--isolated` to pip as well.
 */
export function isolatedPipEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("PIP_") || key.startsWith("TWINE_") || key.startsWith("KEYRING_")) continue;
    if (INHERITED_TO_DROP.includes(key)) continue;
    env[key] = value;
  }
  const home = makeTempDirSync("wheelhouse-e2e-home-");
  Object.assign(env, {
    HOME: home,
    PIP_CONFIG_FILE: "/dev/null",
    PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    PYTHONDONTWRITEBYTECODE: "1",
  });
  return { ...env, ...extra };
}
