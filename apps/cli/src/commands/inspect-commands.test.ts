// freeze, list, show, check and uninstall, compared with pip's own output on the same environment.
import assert from "node:assert/strict";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { CommandContext } from "../core/config/cli-options.ts";
import type { Options } from "../core/config/options.ts";
import { defaultOptions } from "../core/config/options.ts";
import { inspectPython, type InspectedEnvironment } from "../core/environment/inspect-python.ts";
import { installWheel } from "../core/installer/install-wheel.ts";
import { makeVenv, makeWheel, pip, removeDir, tempDir } from "../../test/installer-support.ts";
import { run as check } from "./check.ts";
import { run as freeze } from "./freeze.ts";
import { run as list, type ListContext } from "./list.ts";
import { run as show } from "./show.ts";
import { run as uninstall } from "./uninstall.ts";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

describe("freeze, list, show, check, uninstall", () => {
  let dir: string;
  let python: string;
  let env: InspectedEnvironment;

  async function call(
    command: (ctx: ListContext) => Promise<number>,
    args: string[],
    options: Partial<Options> = {},
    extra: Partial<ListContext> = {},
  ): Promise<Captured> {
    let stdout = "";
    let stderr = "";
    const ctx: CommandContext = {
      command: "list",
      options: { ...defaultOptions(process.env), python, noCacheDir: true, ...options },
      origins: {},
      args,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: process.env,
      cwd: dir,
    };
    const code = await command({ ...ctx, ...extra });
    return { code, stdout, stderr };
  }

  before(async () => {
    dir = await tempDir();
    const wheels = path.join(dir, "wheels");
    await mkdir(wheels);
    python = await makeVenv(path.join(dir, "venv"));
    env = await inspectPython(python);
    const alpha = await makeWheel(wheels, {
      name: "Alpha",
      version: "1.0",
      files: { "alpha/__init__.py": "" },
      requires: ["beta>=2", "Gamma.Thing", 'never ; python_version < "3"', "beta[extra]>=0.5"],
      entryPoints: "[console_scripts]\nalpha = alpha:main\n",
    });
    const beta = await makeWheel(wheels, { name: "beta", version: "1.0", files: { "beta.py": "" } });
    const delta = await makeWheel(wheels, { name: "delta", version: "2.0.0", files: { "delta/__init__.py": "" }, requires: ["beta"] });
    const setuptools = await makeWheel(wheels, { name: "setuptools", version: "68.0", files: { "setuptools/__init__.py": "" } });
    await installWheel(alpha, env, { requested: true, compile: false });
    await installWheel(delta, env, {
      compile: false,
      directUrl: { url: "file:///tmp/delta-2.0.0-py3-none-any.whl", archive_info: { hash: "sha256=abc", hashes: { sha256: "abc" } } },
    });
    await installWheel(setuptools, env, { compile: false });
    // beta by pip, the rest by us.
    const r = await pip(python, ["install", "--no-deps", "--no-index", "--find-links", wheels, "--no-compile", "beta"]);
    assert.equal(r.code, 0, r.stderr);
    void beta;
  });
  after(async () => removeDir(dir));

  test("freeze matches pip freeze, with and without --all", async () => {
    for (const args of [[], ["--all"]]) {
      const theirs = await pip(python, ["freeze", ...args]);
      const ours = await call(freeze, [], { all: args.length > 0 });
      assert.equal(ours.stdout, theirs.stdout, `freeze ${args.join(" ")}`);
      assert.equal(ours.code, 0);
    }
    assert.match((await call(freeze, [])).stdout, /^delta @ file:\/\/\/tmp\/delta-2\.0\.0-py3-none-any\.whl#sha256=abc$/m);
  });

  test("list matches pip list in every format", async () => {
    for (const format of ["json", "columns", "freeze"] as const) {
      const theirs = await pip(python, ["list", "--format", format]);
      const ours = await call(list, [], { listFormat: format });
      assert.equal(ours.stdout, theirs.stdout, `list --format ${format}`);
    }
    const theirs = await pip(python, ["list", "--not-required", "--format", "json"]);
    const ours = await call(list, [], { listFormat: "json", notRequired: true });
    assert.equal(ours.stdout, theirs.stdout, "list --not-required");
    assert.equal((await call(list, [], { listFormat: "json", exclude: ["Alpha"] })).stdout.includes("Alpha"), false);
  });

  test("list --outdated and --uptodate use latestVersion", async () => {
    const latestVersion = async (name: string) =>
      name === "beta" ? { version: "2.1", filetype: "wheel" as const } : { version: name === "alpha" ? "1.0" : "99", filetype: "sdist" as const };
    const outdated = await call(list, [], { listFormat: "json", outdated: true }, { latestVersion });
    assert.deepEqual(JSON.parse(outdated.stdout), [
      { name: "beta", version: "1.0", latest_version: "2.1", latest_filetype: "wheel" },
      { name: "delta", version: "2.0.0", latest_version: "99", latest_filetype: "sdist" },
      { name: "setuptools", version: "68.0", latest_version: "99", latest_filetype: "sdist" },
    ]);
    assert.match(outdated.stdout, /^\[\{"name": "beta", "version": "1\.0", "latest_version": "2\.1", "latest_filetype": "wheel"\}, /);
    const uptodate = await call(list, [], { listFormat: "columns", uptodate: true }, { latestVersion });
    assert.equal(uptodate.stdout, "Package Version\n------- -------\nAlpha   1.0\n");
    const columns = await call(list, [], { listFormat: "columns", outdated: true }, { latestVersion });
    assert.match(columns.stdout, /^Package {4}Version Latest Type\n---------- ------- ------ -----\nbeta {7}1\.0 {5}2\.1 {4}wheel\n/);
    assert.equal((await call(list, [], { outdated: true, uptodate: true })).stderr, "ERROR: Options --outdated and --uptodate cannot be combined.\n");
  });

  test("show matches pip show, with -f and -v", async () => {
    for (const [args, options] of [
      [["alpha", "BETA"], {}],
      [["alpha", "delta"], { files: true }],
      [["alpha"], { verbose: 1 }],
    ] as const) {
      const flags = [...("files" in options ? ["-f"] : []), ...("verbose" in options ? ["-v"] : [])];
      const theirs = await pip(python, ["show", ...flags, ...args]);
      const ours = await call(show, [...args], options);
      assert.equal(ours.stdout, theirs.stdout, `show ${flags.join(" ")} ${args.join(" ")}`);
    }
    const missing = await call(show, ["nope"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "WARNING: Package(s) not found: nope\n");
  });

  test("check matches pip check", async () => {
    const theirs = await pip(python, ["check"]);
    const ours = await call(check, []);
    assert.equal(ours.stdout, theirs.stdout);
    assert.equal(ours.code, 1);
    assert.equal(theirs.code, 1);
    assert.equal(ours.stdout, "alpha 1.0 requires gamma-thing, which is not installed.\nalpha 1.0 has requirement beta>=2, but you have beta 1.0.\n");
  });

  test("uninstall -y prints pip's messages and removes the files", async () => {
    const r = await call(uninstall, ["delta", "not-installed"], { yes: true });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "Found existing installation: delta 2.0.0\nUninstalling delta-2.0.0:\n  Successfully uninstalled delta-2.0.0\n");
    assert.equal(r.stderr, "WARNING: Skipping not-installed as it is not installed.\n");
    assert.ok(!(await readdir(env.paths.purelib)).includes("delta"));
    const none = await call(uninstall, [], { yes: true });
    assert.equal(none.code, 1);
    const declined = await call(uninstall, ["beta"], {}, { confirm: async () => false } as Partial<ListContext>);
    assert.match(declined.stdout, /Would remove:\n {4}.*beta-1\.0\.dist-info\/\*\n {4}.*beta\.py\n/);
    assert.ok((await readdir(env.paths.purelib)).includes("beta.py"));
  });
});
