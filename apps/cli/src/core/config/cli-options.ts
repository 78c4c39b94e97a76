/**
 * Every command-line option of `wheelhouse`, declared once: its flag, the `Options` property it
 * sets, how a value is read (from argv, pip.conf or a PIP_* variable), and the commands that
 * accept it. main.ts builds the commander program from this table and config/ reads pip.conf and
 * the environment through it, so a flag, a config key and an environment variable cannot disagree.
 *
 * As in pip, the config key and the environment variable are the long flag's name:
 * `--extra-index-url` ↔ `extra-index-url = …` in `[global]` or `[install]` ↔ `PIP_EXTRA_INDEX_URL`.
 */
import type { OptionOrigins, Options } from "./options.ts";

export const COMMAND_NAMES = [
  "install",
  "download",
  "uninstall",
  "freeze",
  "list",
  "show",
  "check",
  "config",
  "hash",
  "index",
  "cache",
  "wheel",
  "lock",
  "upload",
  "audit",
  "sync",
  "tree",
  "search",
  "completion",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandInfo {
  name: CommandName;
  summary: string;
  /** Positional arguments in commander syntax. */
  args: string;
}

export const COMMANDS: readonly CommandInfo[] = [
  { name: "install", summary: "Install packages.", args: "[requirements...]" },
  { name: "download", summary: "Download packages.", args: "[requirements...]" },
  { name: "uninstall", summary: "Uninstall packages.", args: "[packages...]" },
  { name: "freeze", summary: "Output installed packages in requirements format.", args: "" },
  { name: "list", summary: "List installed packages.", args: "" },
  { name: "show", summary: "Show information about installed packages.", args: "[packages...]" },
  { name: "check", summary: "Verify installed packages have compatible dependencies.", args: "" },
  { name: "config", summary: "Manage local and global configuration.", args: "[action] [args...]" },
  { name: "hash", summary: "Compute hashes of package archives.", args: "[files...]" },
  { name: "index", summary: "Inspect information available from package indexes.", args: "[action] [args...]" },
  { name: "cache", summary: "Inspect and manage wheelhouse's wheel cache.", args: "[action] [args...]" },
  { name: "wheel", summary: "Build wheels from your requirements.", args: "[requirements...]" },
  { name: "lock", summary: "Resolve requirements and write a pinned, hashed requirements file.", args: "[requirements...]" },
  { name: "upload", summary: "Upload distributions to a Wheelhouse (or any legacy-upload) repository.", args: "[files...]" },
  { name: "audit", summary: "List installed or pinned packages with known vulnerabilities (from the registry's advisories).", args: "" },
  { name: "sync", summary: "Make the environment match requirements files exactly (install, upgrade, remove).", args: "[files...]" },
  { name: "tree", summary: "Show the dependency tree of installed packages.", args: "" },
  { name: "search", summary: "Search the registry for packages by name and summary.", args: "<terms...>" },
  { name: "completion", summary: "Print a shell completion script (bash, zsh or fish).", args: "<shell>" },
];

/**
 * How a value is read:
 * - `flag`: store true (`--pre`; `pre = yes` in a file); `false-flag`: store false (`--no-compile`).
 * - `count`: `-vv` counts; a file or variable gives a number or a boolean (true = 1).
 * - `string` / `path` (`~` expanded) / `int` / `float` / `choice`.
 * - `list` / `path-list`: repeatable on the command line; a file or variable gives a
 *   whitespace-separated list (the indented multi-line values of pip.conf). As with pip, command
 *   line values are appended to the configured ones.
 * - `no-binary` / `only-binary`: pip's format control (@wheelhouse/packaging's format-control.ts).
 * - `no-cache-dir`: any (boolean) value disables the cache, as in pip.
 */
export type OptionKind =
  | "flag"
  | "false-flag"
  | "count"
  | "string"
  | "path"
  | "int"
  | "float"
  | "choice"
  | "list"
  | "path-list"
  | "no-binary"
  | "only-binary"
  | "no-cache-dir";

export interface OptionSpec {
  /** The long flag without `--`: also the pip.conf key and, upper-cased with `_`, the PIP_ variable. */
  name: string;
  /** Other long names pip accepts for it (flag, key and variable alike), e.g. `default-timeout`. */
  aliases?: readonly string[];
  short?: string;
  key: keyof Options;
  kind: OptionKind;
  choices?: readonly string[];
  metavar?: string;
  description: string;
  /** "general": every command, before or after the command name. Otherwise the commands that take it. */
  scope: "general" | readonly CommandName[];
  /** Read from the command line only, never from pip.conf or PIP_* (the config command's own file switches). */
  cliOnly?: boolean;
}

const INDEX_COMMANDS = ["install", "download", "wheel", "list", "index", "lock", "audit", "sync", "search"] as const;
const RESOLVING = ["install", "download", "wheel", "lock", "sync"] as const;

export const OPTION_SPECS: readonly OptionSpec[] = [
  // ---- general (pip's general_group) ----
  {
    name: "isolated",
    key: "isolated",
    kind: "flag",
    scope: "general",
    description: "Run in an isolated mode, ignoring environment variables and user configuration.",
  },
  {
    name: "require-virtualenv",
    key: "requireVirtualenv",
    kind: "flag",
    scope: "general",
    description: "Allow running only in a virtual environment; exit with an error otherwise.",
  },
  { name: "python", key: "python", kind: "path", metavar: "python", scope: "general", description: "Run against the given Python interpreter (path)." },
  {
    name: "verbose",
    short: "v",
    key: "verbose",
    kind: "count",
    scope: "general",
    description: "Give more output. Option is additive, and can be used up to 3 times.",
  },
  {
    name: "quiet",
    short: "q",
    key: "quiet",
    kind: "count",
    scope: "general",
    description: "Give less output. Option is additive, and can be used up to 3 times.",
  },
  { name: "log", key: "log", kind: "path", metavar: "path", scope: "general", description: "Path to a verbose appending log." },
  { name: "no-input", key: "noInput", kind: "flag", scope: "general", description: "Disable prompting for input." },
  {
    name: "keyring-provider",
    key: "keyringProvider",
    kind: "choice",
    choices: ["auto", "disabled", "import", "subprocess"],
    metavar: "keyring_provider",
    scope: "general",
    description: "Use keyring for credentials after a 401 (auto: the keyring executable on PATH, if any).",
  },
  {
    name: "proxy",
    key: "proxy",
    kind: "string",
    metavar: "proxy",
    scope: "general",
    description: "Specify a proxy in the form scheme://[user:passwd@]proxy.server:port.",
  },
  {
    name: "retries",
    key: "retries",
    kind: "int",
    metavar: "retries",
    scope: "general",
    description: "Maximum attempts to establish a new HTTP connection. (default: 5)",
  },
  {
    name: "timeout",
    aliases: ["default-timeout"],
    key: "timeout",
    kind: "float",
    metavar: "sec",
    scope: "general",
    description: "Set the socket timeout (default 15 seconds).",
  },
  {
    name: "trusted-host",
    key: "trustedHosts",
    kind: "list",
    metavar: "hostname",
    scope: "general",
    description: "Mark this host or host:port pair as trusted, even though it does not have valid or any HTTPS.",
  },
  { name: "cert", key: "cert", kind: "path", metavar: "path", scope: "general", description: "Path to PEM-encoded CA certificate bundle." },
  {
    name: "client-cert",
    key: "clientCert",
    kind: "path",
    metavar: "path",
    scope: "general",
    description: "Path to SSL client certificate, a single file containing the private key and the certificate in PEM format.",
  },
  { name: "cache-dir", key: "cacheDir", kind: "path", metavar: "dir", scope: "general", description: "Store the cache data in <dir>." },
  { name: "no-cache-dir", key: "noCacheDir", kind: "no-cache-dir", scope: "general", description: "Disable the cache." },
  {
    name: "disable-pip-version-check",
    key: "disablePipVersionCheck",
    kind: "flag",
    scope: "general",
    description: "Accepted for pip compatibility (there is no version check).",
  },
  { name: "no-color", key: "noColor", kind: "flag", scope: "general", description: "Suppress colored output." },

  // ---- package index (pip's index_group) ----
  {
    name: "index-url",
    short: "i",
    key: "indexUrl",
    kind: "string",
    metavar: "url",
    scope: INDEX_COMMANDS,
    description: "Base URL of the Python Package Index (default https://pypi.org/simple).",
  },
  {
    name: "extra-index-url",
    key: "extraIndexUrls",
    kind: "list",
    metavar: "url",
    scope: INDEX_COMMANDS,
    description: "Extra URLs of package indexes to use in addition to --index-url.",
  },
  { name: "no-index", key: "noIndex", kind: "flag", scope: INDEX_COMMANDS, description: "Ignore package index (only looking at --find-links URLs instead)." },
  {
    name: "find-links",
    short: "f",
    key: "findLinks",
    kind: "list",
    metavar: "url",
    scope: INDEX_COMMANDS,
    description: "A URL or path to an HTML file or directory of archives to look for packages in.",
  },

  // ---- selecting and installing ----
  {
    name: "requirement",
    short: "r",
    key: "requirements",
    kind: "path-list",
    metavar: "file",
    scope: ["install", "download", "wheel", "uninstall", "freeze", "lock", "audit"],
    description: "Install from the given requirements file. This option can be used multiple times.",
  },
  {
    name: "constraint",
    short: "c",
    key: "constraints",
    kind: "path-list",
    metavar: "file",
    scope: RESOLVING,
    description: "Constrain versions using the given constraints file. This option can be used multiple times.",
  },
  {
    name: "editable",
    short: "e",
    key: "editables",
    kind: "list",
    metavar: "path/url",
    scope: ["install", "download", "wheel"],
    description: "Install a project in editable mode from a local path or a VCS url.",
  },
  {
    name: "upgrade",
    short: "U",
    key: "upgrade",
    kind: "flag",
    scope: ["install"],
    description: "Upgrade all specified packages to the newest available version.",
  },
  {
    name: "upgrade-strategy",
    key: "upgradeStrategy",
    kind: "choice",
    choices: ["only-if-needed", "eager"],
    metavar: "upgrade_strategy",
    scope: ["install"],
    description: "Determines how dependency upgrading should be handled [default: only-if-needed].",
  },
  {
    name: "force-reinstall",
    key: "forceReinstall",
    kind: "flag",
    scope: ["install"],
    description: "Reinstall all packages even if they are already up-to-date.",
  },
  {
    name: "ignore-installed",
    short: "I",
    key: "ignoreInstalled",
    kind: "flag",
    scope: ["install"],
    description: "Ignore the installed packages, overwriting them.",
  },
  {
    name: "ignore-requires-python",
    key: "ignoreRequiresPython",
    kind: "flag",
    scope: ["install", "download", "wheel", "index", "lock"],
    description: "Ignore the Requires-Python information.",
  },
  { name: "no-deps", key: "noDeps", kind: "flag", scope: RESOLVING, description: "Don't install package dependencies." },
  {
    name: "pre",
    key: "pre",
    kind: "flag",
    scope: [...RESOLVING, "list", "index"],
    description: "Include pre-release and development versions. By default, only stable versions are considered.",
  },
  {
    name: "prefer-binary",
    key: "preferBinary",
    kind: "flag",
    scope: RESOLVING,
    description: "Prefer binary packages over source packages, even if the source packages are newer.",
  },
  {
    name: "only-binary",
    key: "onlyBinary",
    kind: "only-binary",
    metavar: "format_control",
    scope: [...RESOLVING, "index"],
    description: 'Do not use source packages: ":all:", ":none:" or package names (comma separated).',
  },
  {
    name: "no-binary",
    key: "noBinary",
    kind: "no-binary",
    metavar: "format_control",
    scope: [...RESOLVING, "index"],
    description: 'Do not use binary packages: ":all:", ":none:" or package names (comma separated).',
  },
  { name: "require-hashes", key: "requireHashes", kind: "flag", scope: RESOLVING, description: "Require a hash to check each requirement against." },
  { name: "target", short: "t", key: "target", kind: "path", metavar: "dir", scope: ["install"], description: "Install packages into <dir>." },
  {
    name: "prefix",
    key: "prefix",
    kind: "path",
    metavar: "dir",
    scope: ["install"],
    description: "Installation prefix where lib, bin and other top-level folders are placed.",
  },
  { name: "root", key: "root", kind: "path", metavar: "dir", scope: ["install"], description: "Install everything relative to this alternate root directory." },
  { name: "user", key: "user", kind: "flag", scope: ["install", "freeze", "list"], description: "Install to (or list) the Python user install directory." },
  {
    name: "dry-run",
    key: "dryRun",
    kind: "flag",
    scope: ["install", "sync", "audit"],
    description: "Don't actually install anything, just print what would be.",
  },
  {
    name: "no-build-isolation",
    key: "noBuildIsolation",
    kind: "flag",
    scope: RESOLVING,
    description: "Disable isolation when building a modern source distribution.",
  },
  { name: "compile", key: "compile", kind: "flag", scope: ["install", "sync", "audit"], description: "Compile Python source files to bytecode." },
  {
    name: "no-compile",
    key: "compile",
    kind: "false-flag",
    scope: ["install", "sync", "audit"],
    description: "Do not compile Python source files to bytecode.",
  },
  {
    name: "no-warn-script-location",
    key: "noWarnScriptLocation",
    kind: "flag",
    scope: ["install"],
    description: "Do not warn when installing scripts outside PATH.",
  },
  {
    name: "progress-bar",
    key: "progressBar",
    kind: "choice",
    choices: ["on", "off", "raw"],
    metavar: "progress_bar",
    scope: ["install", "download", "wheel", "sync", "audit"],
    description: "Specify whether the progress bar should be used [on, off, raw] (default: on).",
  },
  {
    name: "report",
    key: "report",
    kind: "path",
    metavar: "file",
    scope: ["install"],
    description: 'Generate a JSON file describing what would be installed ("-" for stdout).',
  },
  {
    name: "platform",
    key: "platforms",
    kind: "list",
    metavar: "platform",
    scope: ["install", "download"],
    description: "Only use wheels compatible with <platform>.",
  },
  {
    name: "python-version",
    key: "pythonVersion",
    kind: "string",
    metavar: "python_version",
    scope: ["install", "download"],
    description: "The Python interpreter version to use for wheel and Requires-Python compatibility checks.",
  },
  {
    name: "implementation",
    key: "implementation",
    kind: "string",
    metavar: "implementation",
    scope: ["install", "download"],
    description: "Only use wheels compatible with Python implementation <implementation>.",
  },
  { name: "abi", key: "abis", kind: "list", metavar: "abi", scope: ["install", "download"], description: "Only use wheels compatible with Python abi <abi>." },

  // ---- download / wheel ----
  { name: "dest", short: "d", key: "dest", kind: "path", metavar: "dir", scope: ["download"], description: "Download packages into <dir>." },
  {
    name: "wheel-dir",
    short: "w",
    key: "wheelDir",
    kind: "path",
    metavar: "dir",
    scope: ["wheel"],
    description: "Build wheels into <dir>, where the default is the current working directory.",
  },

  // ---- uninstall ----
  { name: "yes", short: "y", key: "yes", kind: "flag", scope: ["uninstall", "sync"], description: "Don't ask for confirmation of uninstall deletions." },

  // ---- freeze / list ----
  {
    name: "local",
    short: "l",
    key: "local",
    kind: "flag",
    scope: ["freeze", "list"],
    description: "If in a virtualenv that has global access, do not output globally-installed packages.",
  },
  { name: "all", key: "all", kind: "flag", scope: ["freeze"], description: "Do not skip these packages in the output: pip, setuptools, wheel, distribute." },
  { name: "exclude-editable", key: "excludeEditable", kind: "flag", scope: ["freeze", "list"], description: "Exclude editable package from output." },
  { name: "exclude", key: "exclude", kind: "list", metavar: "package", scope: ["freeze", "list"], description: "Exclude specified package from the output." },
  { name: "outdated", short: "o", key: "outdated", kind: "flag", scope: ["list"], description: "List outdated packages." },
  { name: "uptodate", short: "u", key: "uptodate", kind: "flag", scope: ["list"], description: "List uptodate packages." },
  { name: "editable", short: "e", key: "editable", kind: "flag", scope: ["list"], description: "List editable projects." },
  {
    name: "format",
    key: "listFormat",
    kind: "choice",
    choices: ["columns", "freeze", "json"],
    metavar: "list_format",
    scope: ["list"],
    description: "Select the output format among: columns (default), freeze, or json.",
  },
  { name: "not-required", key: "notRequired", kind: "flag", scope: ["list"], description: "List packages that are not dependencies of installed packages." },

  // ---- show / hash / cache ----
  { name: "files", short: "f", key: "files", kind: "flag", scope: ["show"], description: "Show the full list of installed files for each package." },
  {
    name: "algorithm",
    short: "a",
    key: "algorithm",
    kind: "choice",
    choices: ["sha256", "sha384", "sha512"],
    metavar: "algorithm",
    scope: ["hash"],
    description: "The hash algorithm to use: one of sha256, sha384, sha512.",
  },
  {
    name: "format",
    key: "cacheListFormat",
    kind: "choice",
    choices: ["human", "abspath"],
    metavar: "format",
    scope: ["cache"],
    description: "Select the output format among: human (default) or abspath.",
  },

  // ---- upload ----
  {
    name: "repository",
    short: "r",
    key: "repository",
    kind: "string",
    metavar: "repository",
    scope: ["upload"],
    description: "The repository (package index) to upload to, by name in ~/.pypirc.",
  },
  {
    name: "repository-url",
    key: "repositoryUrl",
    kind: "string",
    metavar: "url",
    scope: ["upload"],
    description: "The repository (package index) URL to upload to; overrides --repository.",
  },
  {
    name: "username",
    short: "u",
    key: "username",
    kind: "string",
    metavar: "username",
    scope: ["upload"],
    description: "The username to authenticate to the repository as.",
  },
  {
    name: "password",
    short: "p",
    key: "password",
    kind: "string",
    metavar: "password",
    scope: ["upload"],
    description: "The password (or API token) to authenticate with.",
  },
  { name: "skip-existing", key: "skipExisting", kind: "flag", scope: ["upload"], description: "Continue uploading files if one already exists." },

  {
    name: "config-file",
    key: "configFile",
    kind: "path",
    metavar: "path",
    scope: ["upload"],
    cliOnly: true,
    description: "The .pypirc file to read repositories and credentials from (default: ~/.pypirc).",
  },

  // ---- lock ----
  {
    name: "output",
    short: "o",
    key: "output",
    kind: "path",
    metavar: "file",
    scope: ["lock"],
    description: "Write the pinned requirements to <file> (default: stdout).",
  },
  { name: "generate-hashes", key: "generateHashes", kind: "flag", scope: ["lock"], description: "Include --hash lines for every file of each pinned version." },

  // ---- audit / tree ----
  {
    name: "format",
    key: "auditFormat",
    kind: "choice",
    choices: ["columns", "json"],
    metavar: "format",
    scope: ["audit"],
    description: "Select the output format among: columns (default) or json.",
  },
  { name: "fix", key: "fix", kind: "flag", scope: ["audit"], description: "Upgrade vulnerable packages to the nearest fixed versions that still resolve." },
  { name: "reverse", key: "reverse", kind: "flag", scope: ["tree"], description: "Show, for each package, the packages that require it." },
  {
    name: "packages",
    short: "p",
    key: "treePackages",
    kind: "list",
    metavar: "package",
    scope: ["tree"],
    description: "Show only these packages (comma separated or repeated).",
  },
  { name: "depth", key: "depth", kind: "int", metavar: "depth", scope: ["tree"], description: "Limit the depth of the tree." },
  {
    name: "format",
    key: "treeFormat",
    kind: "choice",
    choices: ["text", "json"],
    metavar: "format",
    scope: ["tree"],
    description: "Select the output format among: text (default) or json.",
  },

  // ---- config ----
  {
    name: "editor",
    key: "editor",
    kind: "string",
    metavar: "editor",
    scope: ["config"],
    cliOnly: true,
    description: "Editor to use to edit the file. Uses VISUAL or EDITOR environment variables if not provided.",
  },
  { name: "global", key: "globalFile", kind: "flag", scope: ["config"], cliOnly: true, description: "Use the system-wide configuration file only." },
  { name: "user", key: "userFile", kind: "flag", scope: ["config"], cliOnly: true, description: "Use the user configuration file only." },
  { name: "site", key: "siteFile", kind: "flag", scope: ["config"], cliOnly: true, description: "Use the current environment configuration file only." },
];

export function isGeneral(spec: OptionSpec): boolean {
  return spec.scope === "general";
}

/** The options a command accepts: its own, then the general ones. */
export function specsFor(command: CommandName): OptionSpec[] {
  const own = OPTION_SPECS.filter((s) => s.scope !== "general" && s.scope.includes(command));
  return [...own, ...OPTION_SPECS.filter(isGeneral)];
}

/** The spec a pip.conf key or PIP_ variable (already normalized: lower case, `-`) names for a command. */
export function specForConfigName(command: CommandName, name: string): OptionSpec | undefined {
  return specsFor(command).find((s) => (s.name === name || s.aliases?.includes(name)) && !s.cliOnly);
}

/** commander flags text, e.g. `-i, --index-url <url>`; `name` selects an alias. */
export function commanderFlags(spec: OptionSpec, name = spec.name): string {
  const takesValue = !["flag", "false-flag", "count", "no-cache-dir"].includes(spec.kind);
  const long = `--${name}${takesValue ? ` <${spec.metavar ?? "value"}>` : ""}`;
  return spec.short && name === spec.name ? `-${spec.short}, ${long}` : long;
}

/** Where a command's output goes (process.stdout / stderr, or a test's collector). */
export interface OutputStream {
  write(chunk: string): unknown;
}

/** What every command's `run` receives. */
export interface CommandContext {
  command: CommandName;
  options: Options;
  /** Where each option's value came from (absent: the default). */
  origins: OptionOrigins;
  /** Positional arguments after the command name (for `config`, `cache`, `index`: the action first). */
  args: string[];
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The shape of `./commands/<name>.ts`: resolves to pip's exit status (0 ok, 1 error, 2 usage). */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number>;
}
