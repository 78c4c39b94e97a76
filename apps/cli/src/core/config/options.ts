/**
 * Every option a `wheelhouse` command can read, typed, with pip's defaults. One flat object: the
 * options a command does not accept keep their defaults. Which flag, config key and commands each
 * option has is declared once, in `../cli-options.ts`.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import type { ConfigSource } from "./configuration.ts";

export type KeyringProvider = "auto" | "disabled" | "import" | "subprocess";
export type ProgressBar = "on" | "off" | "raw";
export type UpgradeStrategy = "only-if-needed" | "eager";
export type ListFormat = "columns" | "freeze" | "json";
export type CacheListFormat = "human" | "abspath";
export type HashAlgorithm = "sha256" | "sha384" | "sha512";
export type AuditFormat = "columns" | "json";
export type TreeFormat = "text" | "json";

export interface Options {
  // ---- general: every command (pip's general_group) ----
  /** Ignore environment variables and user configuration. */
  isolated: boolean;
  /** Refuse to run outside a virtual environment. */
  requireVirtualenv: boolean;
  /** The interpreter to install for (path); null = the one found on PATH / in $VIRTUAL_ENV. */
  python: string | null;
  verbose: number;
  quiet: number;
  /** Append a verbose log to this file. */
  log: string | null;
  /** Never prompt. */
  noInput: boolean;
  keyringProvider: KeyringProvider;
  proxy: string | null;
  retries: number;
  /** Socket timeout in seconds. */
  timeout: number;
  /** Hosts (host or host:port) whose https errors and plain http are accepted. */
  trustedHosts: string[];
  /** CA bundle (PEM) path. */
  cert: string | null;
  /** Client certificate (PEM, key and certificate in one file). */
  clientCert: string | null;
  cacheDir: string;
  noCacheDir: boolean;
  /** Accepted for pip compatibility; there is no self-update check. */
  disablePipVersionCheck: boolean;
  noColor: boolean;

  // ---- package index (install, download, wheel, list, index, lock) ----
  indexUrl: string;
  extraIndexUrls: string[];
  noIndex: boolean;
  findLinks: string[];

  // ---- selecting and installing ----
  requirements: string[];
  constraints: string[];
  /** `-e` paths or VCS URLs (parsed; install may reject them). */
  editables: string[];
  upgrade: boolean;
  upgradeStrategy: UpgradeStrategy;
  forceReinstall: boolean;
  ignoreInstalled: boolean;
  ignoreRequiresPython: boolean;
  noDeps: boolean;
  pre: boolean;
  preferBinary: boolean;
  /** Normalized names, ":all:" (after pip's --no-binary / --only-binary merging). */
  onlyBinary: string[];
  noBinary: string[];
  requireHashes: boolean;
  target: string | null;
  prefix: string | null;
  root: string | null;
  user: boolean;
  dryRun: boolean;
  noBuildIsolation: boolean;
  /** Byte-compile installed .py files. */
  compile: boolean;
  noWarnScriptLocation: boolean;
  progressBar: ProgressBar;
  /** `--report FILE` (install): a JSON installation report; "-" = stdout. */
  report: string | null;
  // download / install --target for another platform
  platforms: string[];
  pythonVersion: string | null;
  implementation: string | null;
  abis: string[];

  // ---- download / wheel ----
  /** download -d: where to save files (default: the current directory). */
  dest: string | null;
  /** wheel -w: where to put built wheels (default: the current directory). */
  wheelDir: string | null;

  // ---- uninstall ----
  yes: boolean;

  // ---- freeze / list ----
  local: boolean;
  all: boolean;
  excludeEditable: boolean;
  exclude: string[];
  outdated: boolean;
  uptodate: boolean;
  /** list -e: only editable installs. */
  editable: boolean;
  listFormat: ListFormat;
  notRequired: boolean;

  // ---- show ----
  files: boolean;

  // ---- hash ----
  algorithm: HashAlgorithm;

  // ---- cache ----
  cacheListFormat: CacheListFormat;

  // ---- upload ----
  repository: string | null;
  repositoryUrl: string | null;
  username: string | null;
  password: string | null;
  skipExisting: boolean;

  // ---- lock ----
  output: string | null;
  generateHashes: boolean;
  /** upload: the .pypirc to read (default ~/.pypirc). */
  configFile: string | null;

  // ---- audit ----
  auditFormat: AuditFormat;
  /** audit --fix: upgrade to the nearest fixed versions. */
  fix: boolean;

  // ---- tree ----
  /** tree --reverse: who requires each package. */
  reverse: boolean;
  /** tree -p: only these packages (names as given). */
  treePackages: string[];
  /** tree --depth; null = unlimited. */
  depth: number | null;
  treeFormat: TreeFormat;

  // ---- config ----
  editor: string | null;
  globalFile: boolean;
  userFile: boolean;
  siteFile: boolean;
}

/** pip's user cache dir, for wheelhouse: `$XDG_CACHE_HOME/wheelhouse`, else `~/.cache/wheelhouse`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg?.startsWith("/") ? xdg : join(env.HOME || homedir(), ".cache");
  return join(base, "wheelhouse");
}

export const DEFAULT_INDEX_URL = "https://pypi.org/simple";

export function defaultOptions(env: NodeJS.ProcessEnv): Options {
  return {
    isolated: false,
    requireVirtualenv: false,
    python: null,
    verbose: 0,
    quiet: 0,
    log: null,
    noInput: false,
    keyringProvider: "auto",
    proxy: null,
    retries: 5,
    timeout: 15,
    trustedHosts: [],
    cert: null,
    clientCert: null,
    cacheDir: defaultCacheDir(env),
    noCacheDir: false,
    disablePipVersionCheck: false,
    noColor: false,

    indexUrl: DEFAULT_INDEX_URL,
    extraIndexUrls: [],
    noIndex: false,
    findLinks: [],

    requirements: [],
    constraints: [],
    editables: [],
    upgrade: false,
    upgradeStrategy: "only-if-needed",
    forceReinstall: false,
    ignoreInstalled: false,
    ignoreRequiresPython: false,
    noDeps: false,
    pre: false,
    preferBinary: false,
    onlyBinary: [],
    noBinary: [],
    requireHashes: false,
    target: null,
    prefix: null,
    root: null,
    user: false,
    dryRun: false,
    noBuildIsolation: false,
    compile: true,
    noWarnScriptLocation: false,
    progressBar: "on",
    report: null,
    platforms: [],
    pythonVersion: null,
    implementation: null,
    abis: [],

    dest: null,
    wheelDir: null,

    yes: false,

    local: false,
    all: false,
    excludeEditable: false,
    exclude: [],
    outdated: false,
    uptodate: false,
    editable: false,
    listFormat: "columns",
    notRequired: false,

    files: false,

    algorithm: "sha256",

    cacheListFormat: "human",

    repository: null,
    repositoryUrl: null,
    username: null,
    password: null,
    skipExisting: false,

    output: null,
    generateHashes: false,
    configFile: null,

    auditFormat: "columns",
    fix: false,

    reverse: false,
    treePackages: [],
    depth: null,
    treeFormat: "text",

    editor: null,
    globalFile: false,
    userFile: false,
    siteFile: false,
  };
}

/** pip's verbosity: `-v` count minus `-q` count. */
export function verbosity(options: Pick<Options, "verbose" | "quiet">): number {
  return options.verbose - options.quiet;
}

export type OptionOrigin = { kind: "config"; source: ConfigSource } | { kind: "cli"; flag: string };

/** Where each option got its value; an option missing here has its default. */
export type OptionOrigins = Partial<Record<keyof Options, OptionOrigin>>;
