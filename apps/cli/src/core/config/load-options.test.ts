import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import type { CommandName } from "./cli-options.ts";
import type { ConfigLocations } from "./configuration.ts";
import { describeOrigin, InvalidOptionValue, loadOptions, type CliOption } from "./load-options.ts";
import type { Options } from "./options.ts";

type FileName = "global1" | "global2" | "userLegacy" | "user" | "site" | "envFile";

function setup(files: Partial<Record<FileName, string>>): { root: string; paths: Record<FileName, string>; locations: ConfigLocations } {
  const root = mkdtempSync(join(tmpdir(), "wh-config-"));
  const paths: Record<FileName, string> = {
    global1: join(root, "xdg/pip/pip.conf"),
    global2: join(root, "etc/pip.conf"),
    userLegacy: join(root, "home/.pip/pip.conf"),
    user: join(root, "home/.config/pip/pip.conf"),
    site: join(root, "venv/pip.conf"),
    envFile: join(root, "env.conf"),
  };
  for (const [name, text] of Object.entries(files) as Array<[FileName, string]>) {
    mkdirSync(dirname(paths[name]), { recursive: true });
    writeFileSync(paths[name], text);
  }
  return {
    root,
    paths,
    locations: { global: [paths.global1, paths.global2], user: [paths.userLegacy, paths.user], site: [paths.site] },
  };
}

interface Case {
  name: string;
  files?: Partial<Record<FileName, string>>;
  env?: Record<string, string>;
  /** PIP_CONFIG_FILE: a file of the setup, or a literal path. */
  configFile?: FileName | "/dev/null";
  argv?: CliOption[];
  command?: CommandName;
  expect: Partial<Options>;
  /** Expected origin descriptions, by option. */
  origins?: Partial<Record<keyof Options, RegExp>>;
}

const cases: Case[] = [
  { name: "defaults", expect: { indexUrl: "https://pypi.org/simple", timeout: 15, retries: 5, compile: true, extraIndexUrls: [] } },
  {
    name: "global file",
    files: { global2: "[global]\nindex-url = https://global/simple\n" },
    expect: { indexUrl: "https://global/simple" },
    origins: { indexUrl: /^global config .*etc\/pip.conf \[global\] index-url$/ },
  },
  {
    name: "the later global file wins",
    files: { global1: "[global]\nindex-url = https://xdg/simple\n", global2: "[global]\nindex-url = https://etc/simple\n" },
    expect: { indexUrl: "https://etc/simple" },
  },
  {
    name: "user over global",
    files: { global2: "[global]\nindex-url = https://global/simple\ntimeout = 3\n", user: "[global]\nindex-url = https://user/simple\n" },
    expect: { indexUrl: "https://user/simple", timeout: 3 },
  },
  {
    name: "the XDG user file over the legacy ~/.pip one",
    files: { userLegacy: "[global]\ntimeout = 1\nretries = 9\n", user: "[global]\ntimeout = 2\n" },
    expect: { timeout: 2, retries: 9 },
  },
  {
    name: "site over user",
    files: { user: "[global]\nindex-url = https://user/simple\n", site: "[global]\nindex-url = https://site/simple\n" },
    expect: { indexUrl: "https://site/simple" },
    origins: { indexUrl: /^site config / },
  },
  {
    name: "PIP_CONFIG_FILE over site, and it replaces the user files",
    files: {
      user: "[global]\nretries = 9\n",
      site: "[global]\nindex-url = https://site/simple\n",
      envFile: "[global]\nindex-url = https://env-file/simple\n",
    },
    configFile: "envFile",
    expect: { indexUrl: "https://env-file/simple", retries: 5 },
    origins: { indexUrl: /^env config / },
  },
  {
    name: "PIP_CONFIG_FILE that does not exist keeps the user files",
    files: { user: "[global]\nretries = 9\n" },
    configFile: "/nonexistent/pip.conf" as FileName,
    expect: { retries: 9 },
  },
  {
    name: "PIP_CONFIG_FILE=/dev/null turns every file off, variables still apply",
    files: { global2: "[global]\ntimeout = 1\n", user: "[global]\nretries = 9\n", site: "[global]\npre = yes\n" },
    configFile: "/dev/null",
    env: { PIP_INDEX_URL: "https://env/simple" },
    command: "install",
    expect: { timeout: 15, retries: 5, pre: false, indexUrl: "https://env/simple" },
  },
  {
    name: "PIP_ variables over every file",
    files: { site: "[global]\nindex-url = https://site/simple\n[install]\nindex-url = https://site-install/simple\n" },
    env: { PIP_INDEX_URL: "https://env/simple" },
    command: "install",
    expect: { indexUrl: "https://env/simple" },
    origins: { indexUrl: /^environment variable PIP_INDEX_URL$/ },
  },
  {
    name: "command line over variables",
    env: { PIP_INDEX_URL: "https://env/simple", PIP_TIMEOUT: "7" },
    argv: [{ name: "index-url", value: "https://cli/simple" }],
    command: "install",
    expect: { indexUrl: "https://cli/simple", timeout: 7 },
    origins: { indexUrl: /^command line \(--index-url\)$/ },
  },
  {
    name: "the command's section over [global], even from a lower-priority file",
    files: { global2: "[install]\nindex-url = https://install/simple\n", user: "[global]\nindex-url = https://global/simple\n" },
    command: "install",
    expect: { indexUrl: "https://install/simple" },
  },
  {
    name: "another command's section does not apply",
    files: { user: "[global]\nindex-url = https://global/simple\n[download]\nindex-url = https://download/simple\n" },
    command: "install",
    expect: { indexUrl: "https://global/simple" },
  },
  {
    name: "an option the command does not take is ignored",
    files: { user: "[global]\ntarget = /somewhere\nindex-url = https://x/simple\n" },
    command: "freeze",
    expect: { target: null, indexUrl: "https://pypi.org/simple" },
  },
  {
    name: "--isolated ignores variables and the user files, keeps global and site",
    files: { global2: "[global]\ntimeout = 1\n", user: "[global]\nretries = 9\n", site: "[global]\npre = yes\n" },
    env: { PIP_INDEX_URL: "https://env/simple" },
    argv: [{ name: "isolated" }],
    command: "install",
    expect: { isolated: true, timeout: 1, retries: 5, pre: true, indexUrl: "https://pypi.org/simple" },
  },
  {
    name: "list values: a multi-line file value, replaced by a variable, appended to by the command line",
    files: { user: "[global]\nextra-index-url =\n    https://a/simple\n    https://b/simple\nfind-links = /x /y\n" },
    env: { PIP_FIND_LINKS: "/env1 /env2" },
    argv: [
      { name: "extra-index-url", value: "https://cli/simple" },
      { name: "find-links", value: "/cli" },
    ],
    command: "install",
    expect: {
      extraIndexUrls: ["https://a/simple", "https://b/simple", "https://cli/simple"],
      findLinks: ["/env1", "/env2", "/cli"],
    },
  },
  {
    name: "PIP_EXTRA_INDEX_URL is whitespace-separated",
    env: { PIP_EXTRA_INDEX_URL: "https://a/simple  https://b/simple" },
    command: "download",
    expect: { extraIndexUrls: ["https://a/simple", "https://b/simple"] },
  },
  {
    name: "booleans in files and variables",
    files: { user: "[global]\npre = yes\nno-index = off\n[install]\nno-compile = 1\nrequire-hashes = True\n" },
    env: { PIP_NO_DEPS: "on", PIP_USER: "0" },
    command: "install",
    expect: { pre: true, noIndex: false, compile: false, requireHashes: true, noDeps: true, user: false },
  },
  {
    name: "PIP_NO_CACHE_DIR disables the cache whatever boolean it holds (as pip)",
    env: { PIP_NO_CACHE_DIR: "false" },
    expect: { noCacheDir: true },
  },
  {
    name: "counts: a variable sets the start, -v adds",
    env: { PIP_VERBOSE: "2", PIP_QUIET: "yes" },
    argv: [{ name: "verbose" }],
    expect: { verbose: 3, quiet: 1 },
  },
  {
    name: "pip's alias: PIP_DEFAULT_TIMEOUT",
    env: { PIP_DEFAULT_TIMEOUT: "180" },
    expect: { timeout: 180 },
  },
  {
    name: "keys with _ and upper case, unknown keys ignored",
    files: { user: "[global]\nIndex_Url = https://u/simple\nno-such-option = 1\n" },
    env: { PIP_CONFIG_FILE_X: "1", PIP_NOT_AN_OPTION: "x" },
    command: "install",
    expect: { indexUrl: "https://u/simple" },
  },
  {
    name: "format control: --no-binary then --only-binary :all: on the command line",
    files: { user: "[install]\nno-binary = Foo_Bar\n" },
    argv: [
      { name: "only-binary", value: "baz" },
      { name: "no-binary", value: "baz,:none:" },
    ],
    command: "install",
    expect: { noBinary: [], onlyBinary: [] },
  },
  {
    name: "format control: :all: clears the other list",
    files: { user: "[install]\nno-binary = foo\n" },
    argv: [{ name: "only-binary", value: ":all:" }],
    command: "install",
    expect: { noBinary: [], onlyBinary: [":all:"] },
  },
  {
    name: "the config command's own switches are never read from files or variables",
    files: { user: "[global]\nuser = yes\n" },
    env: { PIP_GLOBAL: "1", PIP_EDITOR: "vi" },
    command: "config",
    expect: { userFile: false, globalFile: false, editor: null },
  },
  {
    name: "keyring provider and paths",
    files: { user: "[global]\nkeyring-provider = subprocess\ncache-dir = ~/c\n" },
    expect: { keyringProvider: "subprocess" },
  },
];

for (const c of cases) {
  test(`precedence: ${c.name}`, () => {
    const { paths, locations, root } = setup(c.files ?? {});
    const env: Record<string, string> = { HOME: join(root, "home"), ...c.env };
    if (c.configFile) env.PIP_CONFIG_FILE = c.configFile in paths ? paths[c.configFile as FileName] : c.configFile;
    const { options, origins } = loadOptions({
      commandName: c.command ?? "install",
      argv: c.argv ?? [],
      env,
      cwd: root,
      locations,
      sitePrefix: join(root, "venv"),
    });
    for (const [key, value] of Object.entries(c.expect)) {
      assert.deepEqual(options[key as keyof Options], value, `${key}`);
    }
    for (const [key, pattern] of Object.entries(c.origins ?? {})) {
      assert.match(describeOrigin(origins[key as keyof Options]), pattern as RegExp, `origin of ${key}`);
    }
  });
}

test("~ in path options expands to $HOME", () => {
  const { locations, root } = setup({ user: "[global]\ncache-dir = ~/c\n" });
  const { options } = loadOptions({ commandName: "install", argv: [], env: { HOME: "/home/me" }, cwd: root, locations, sitePrefix: null });
  assert.equal(options.cacheDir, "/home/me/c");
});

test("the default cache dir follows XDG_CACHE_HOME", () => {
  const { locations, root } = setup({});
  const load = (env: Record<string, string>) => loadOptions({ commandName: "install", argv: [], env, cwd: root, locations, sitePrefix: null }).options.cacheDir;
  assert.equal(load({ HOME: "/home/me" }), "/home/me/.cache/wheelhouse");
  assert.equal(load({ HOME: "/home/me", XDG_CACHE_HOME: "/xdg/cache" }), "/xdg/cache/wheelhouse");
});

const invalid: Array<[string, Partial<Record<FileName, string>>, Record<string, string>, CliOption[], string]> = [
  [
    "a bad boolean in a file",
    { user: "[global]\npre = maybe\n" },
    {},
    [],
    "pre.conf-path [global] pre): maybe is not a valid value for pre option, please specify a boolean value like yes/no, true/false or 1/0 instead.",
  ],
  [
    "a bad count in a variable",
    {},
    { PIP_VERBOSE: "-1" },
    [],
    "An error occurred during configuration (environment variable PIP_VERBOSE): " +
      "-1 is not a valid value for verbose option, please instead specify either a non-negative integer " +
      "or a boolean value like yes/no or false/true which is equivalent to 1/0.",
  ],
  [
    "a bad choice on the command line",
    {},
    {},
    [{ name: "keyring-provider", value: "magic" }],
    "option --keyring-provider: invalid choice: 'magic' (choose from 'auto', 'disabled', 'import', 'subprocess')",
  ],
  [
    "a bad number",
    {},
    { PIP_TIMEOUT: "soon" },
    [],
    "An error occurred during configuration (environment variable PIP_TIMEOUT): option --timeout: invalid floating-point value: 'soon'",
  ],
  ["an option the command does not take", {}, {}, [{ name: "target", value: "x" }], "no such option: --target"],
];
for (const [what, files, env, argv, message] of invalid) {
  test(`invalid: ${what}`, () => {
    const { locations, root, paths } = setup(files);
    assert.throws(
      () => loadOptions({ commandName: "download", argv, env: { HOME: root, ...env }, cwd: root, locations, sitePrefix: null }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidOptionValue);
        assert.equal(e.message.replace(paths.user, "pre.conf-path").replace(/^.*\(pre\.conf-path/, "pre.conf-path"), message);
        return true;
      },
    );
  });
}
