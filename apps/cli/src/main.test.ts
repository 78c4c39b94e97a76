import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadOptions } from "./core/config/load-options.ts";
import { main, parseCommandLine } from "./main.ts";

class Collector {
  text = "";
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = tmpdir()) {
  const stdout = new Collector();
  const stderr = new Collector();
  const status = await main(argv, { stdout, stderr, env, cwd });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/** A HOME with an XDG config dir; PIP_CONFIG_FILE=/dev/null keeps the machine's /etc/pip.conf out unless a test wants files. */
function home(): { home: string; env: NodeJS.ProcessEnv; userFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "wh-main-"));
  const xdg = join(dir, "xdg-config");
  return {
    home: dir,
    env: { HOME: dir, XDG_CONFIG_HOME: xdg, XDG_CONFIG_DIRS: join(dir, "xdg-dirs"), PATH: process.env.PATH },
    userFile: join(xdg, "pip", "pip.conf"),
  };
}

test("--version", async () => {
  const result = await run(["--version"]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^wheelhouse \d+\.\d+\.\d+ from .*apps\/cli \(node [\d.]+\)\n$/);
});

test("no command: help, status 0", async () => {
  const result = await run([]);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: wheelhouse <command> \[options\]/);
  assert.match(result.stdout, /install \[options\] \[requirements\.\.\.\]/);
});

test("unknown command: pip's message, status 2", async () => {
  assert.deepEqual(await run(["instal", "requests"]), {
    status: 2,
    stdout: "",
    stderr: 'ERROR: unknown command "instal" - maybe you meant "install"\n',
  });
  assert.deepEqual(await run(["frobnicate"]), { status: 2, stdout: "", stderr: 'ERROR: unknown command "frobnicate"\n' });
});

test("unknown option and a bad value: status 2", async () => {
  const unknown = await run(["install", "--bogus"]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^ERROR: unknown option '--bogus'/);
  const bad = await run(["install", "--keyring-provider", "magic", "x"], { PIP_CONFIG_FILE: "/dev/null" });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "ERROR: option --keyring-provider: invalid choice: 'magic' (choose from 'auto', 'disabled', 'import', 'subprocess')\n");
  // A command's own option is not a general one: `-i` before the command is refused, as by pip.
  assert.equal((await run(["-i", "https://x/simple", "install", "pkg"])).status, 2);
});

test("general options before or after the command; command options after it", async () => {
  const parsed = await parseCommandLine(
    [
      "-v",
      "--cache-dir",
      "/c",
      "install",
      "-i",
      "https://idx/simple",
      "pkg[extra]>=1",
      "-vq",
      "--no-cache-dir",
      "--index-url=https://idx2/simple",
      "other",
      "--extra-index-url",
      "https://e1/",
      "-r",
      "req.txt",
    ],
    new Collector(),
  );
  assert.equal(parsed.kind, "command");
  if (parsed.kind !== "command") return;
  assert.equal(parsed.command, "install");
  assert.deepEqual(parsed.args, ["pkg[extra]>=1", "other"]);
  const { options, origins } = loadOptions({
    commandName: parsed.command,
    argv: parsed.options,
    env: { PIP_CONFIG_FILE: "/dev/null" },
    cwd: "/",
    sitePrefix: null,
  });
  assert.equal(options.verbose, 2);
  assert.equal(options.quiet, 1);
  assert.equal(options.cacheDir, "/c");
  assert.equal(options.noCacheDir, true);
  assert.equal(options.indexUrl, "https://idx2/simple");
  assert.deepEqual(options.extraIndexUrls, ["https://e1/"]);
  assert.deepEqual(options.requirements, ["req.txt"]);
  assert.deepEqual(origins.indexUrl, { kind: "cli", flag: "--index-url" });
});

test("--compile / --no-compile: the last one wins; --default-timeout is --timeout", async () => {
  const parsed = await parseCommandLine(["install", "--no-compile", "--compile", "--no-compile", "--default-timeout", "60", "x"], new Collector());
  assert.equal(parsed.kind, "command");
  if (parsed.kind !== "command") return;
  const { options } = loadOptions({ commandName: "install", argv: parsed.options, env: { PIP_CONFIG_FILE: "/dev/null" }, cwd: "/", sitePrefix: null });
  assert.equal(options.compile, false);
  assert.equal(options.timeout, 60);
});

test("the same short flag means different things per command (-r: requirement / repository)", async () => {
  const upload = await parseCommandLine(["upload", "-r", "corp", "dist/a.whl"], new Collector());
  assert.equal(upload.kind, "command");
  if (upload.kind !== "command") return;
  const { options } = loadOptions({ commandName: "upload", argv: upload.options, env: { PIP_CONFIG_FILE: "/dev/null" }, cwd: "/", sitePrefix: null });
  assert.equal(options.repository, "corp");
  assert.deepEqual(options.requirements, []);
});

test("config list: section.key='value' sorted, with PIP_ variables as :env:", async () => {
  const { env, userFile } = home();
  mkdirSync(join(userFile, ".."), { recursive: true });
  writeFileSync(userFile, "[install]\npre = yes\n[global]\nindex-url = https://u/simple\nfind-links =\n    /a\n    /b\n");
  const result = await run(["config", "list"], { ...env, PIP_TIMEOUT: "60", PIP_CONFIG_FILE: userFile });
  assert.equal(result.status, 0, result.stderr);
  // This machine's own /etc/pip.conf (always a global file, as for pip) is left out of the comparison.
  const ours = /^(:env:|global\.(find-links|index-url)=|install\.)/;
  assert.equal(
    result.stdout
      .split("\n")
      .filter((line) => line === "" || ours.test(line))
      .join("\n"),
    [
      `:env:.config-file='${userFile}'`,
      ":env:.timeout='60'",
      "global.find-links='\\n/a\\n/b'",
      "global.index-url='https://u/simple'",
      "install.pre='yes'",
      "",
    ].join("\n"),
  );
});

test("config list with PIP_CONFIG_FILE=/dev/null shows only variables", async () => {
  const { env } = home();
  const result = await run(["config", "list"], { ...env, PIP_CONFIG_FILE: "/dev/null", PIP_INDEX_URL: "https://e/simple" });
  assert.equal(result.stdout, ":env:.config-file='/dev/null'\n:env:.index-url='https://e/simple'\n");
});

test("config debug: each file with exists: True/False and its values, variables first", async () => {
  const { env, home: dir, userFile } = home();
  mkdirSync(join(userFile, ".."), { recursive: true });
  writeFileSync(userFile, "[global]\ntimeout = 60\n");
  const venv = join(dir, "venv");
  mkdirSync(venv);
  const result = await run(["config", "debug"], { ...env, PIP_INDEX_URL: "https://e/simple", VIRTUAL_ENV: venv });
  assert.equal(result.status, 0, result.stderr);
  const out = result.stdout;
  assert.ok(out.startsWith("env_var:\n  PIP_INDEX_URL='https://e/simple'\nenv:\nglobal:\n"), out);
  assert.ok(out.includes(`  ${join(dir, "xdg-dirs", "pip", "pip.conf")}, exists: False\n`), out);
  assert.ok(out.includes(`  /etc/pip.conf, exists: `), out);
  assert.ok(out.includes(`site:\n  ${join(venv, "pip.conf")}, exists: False\nuser:\n`), out);
  assert.ok(out.endsWith(`user:\n  ${join(dir, ".pip", "pip.conf")}, exists: False\n  ${userFile}, exists: True\n    global.timeout: 60\n`), out);
});

test("config set / get / unset on the user file; errors as pip words them", async () => {
  const { env, userFile } = home();
  const set = await run(["config", "set", "global.index-url", "https://corp/simple"], env);
  assert.deepEqual(set, { status: 0, stdout: `Writing to ${userFile}\n`, stderr: "" });
  await run(["config", "set", "install.no_deps", "yes"], env);
  assert.equal(readFileSync(userFile, "utf8"), "[global]\nindex-url = https://corp/simple\n\n[install]\nno-deps = yes\n\n");
  assert.deepEqual(await run(["config", "get", "global.index-url"], env), { status: 0, stdout: "https://corp/simple\n", stderr: "" });
  assert.equal((await run(["config", "unset", "install.no-deps"], env)).status, 0);
  assert.equal(readFileSync(userFile, "utf8"), "[global]\nindex-url = https://corp/simple\n\n");

  assert.deepEqual(await run(["config", "get", "global.nope"], env), { status: 1, stdout: "", stderr: "ERROR: No such key - global.nope\n" });
  assert.equal(
    (await run(["config", "get", "index-url"], env)).stderr,
    "ERROR: Key does not contain dot separated section and key. Perhaps you wanted to use 'global.index-url' instead?\n",
  );
  assert.equal((await run(["config"], env)).stderr, "ERROR: Need an action (debug, edit, get, list, set, unset) to perform.\n");
  assert.equal(
    (await run(["config", "get"], env)).stderr,
    'ERROR: Got unexpected number of arguments, expected 1. (example: "wheelhouse config get [name]")\n',
  );
  assert.equal(
    (await run(["config", "--user", "--global", "set", "a.b", "c"], env)).stderr,
    "ERROR: Need exactly one file to operate upon (--user, --site, --global) to perform.\n",
  );
});

test("config --site set writes the virtual environment's pip.conf, which then wins by default", async () => {
  const { env, home: dir } = home();
  const venv = join(dir, "venv");
  mkdirSync(venv);
  const venvEnv = { ...env, VIRTUAL_ENV: venv };
  assert.equal((await run(["config", "--site", "set", "global.timeout", "5"], venvEnv)).status, 0);
  assert.equal(readFileSync(join(venv, "pip.conf"), "utf8"), "[global]\ntimeout = 5\n\n");
  // With a site file present, set/get default to it.
  assert.equal((await run(["config", "set", "global.retries", "2"], venvEnv)).stdout, `Writing to ${join(venv, "pip.conf")}\n`);
});

test("config edit runs $VISUAL / $EDITOR on the file", async () => {
  const { env, userFile, home: dir } = home();
  const marker = join(dir, "edited");
  const editor = `sh -c 'echo "$0" > ${marker}'`;
  assert.equal((await run(["config", "edit"], { ...env, EDITOR: editor })).status, 0);
  assert.equal(readFileSync(marker, "utf8").trim(), userFile);
  assert.equal((await run(["config", "edit"], env)).stderr, "ERROR: Could not determine editor to use.\n");
});

test("bin/wheelhouse.cjs runs from any working directory", async () => {
  const bin = fileURLToPath(new URL("../bin/wheelhouse.cjs", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [bin, "--version"], { cwd: tmpdir() });
  assert.match(stdout, /^wheelhouse /);
  await assert.rejects(promisify(execFile)(process.execPath, [bin, "nope"], { cwd: tmpdir() }), (e: { code?: number; stderr?: string }) => {
    assert.equal(e.code, 2);
    assert.equal(e.stderr, 'ERROR: unknown command "nope"\n');
    return true;
  });
});
