// `wheelhouse sync` against a local PEP 691 index and fresh venvs: removing and adding packages,
// --dry-run, "Everything up-to-date", the default file, the confirmation, a failed install that
// leaves everything (the removals too) as it was, and the warning about unlisted dependencies.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { removeDir, snapshot, tempDir } from "../../test/installer-support.ts";
import { freshVenv, makeTestWheel, TestIndex, wheelhouse } from "../../test/test-index.ts";

describe("wheelhouse sync", () => {
  let index: TestIndex;
  let dir: string;
  let n = 0;
  const alpha = makeTestWheel("alpha", "1.0");
  const beta1 = makeTestWheel("Beta", "1.0");
  const beta2 = makeTestWheel("Beta", "2.0");
  const gamma = makeTestWheel("gamma", "1.0");
  const app = makeTestWheel("app", "1.0", { requires: ["lib>=1"] });
  const lib = makeTestWheel("lib", "1.0");

  const cli = (args: string[], cwd?: string) => wheelhouse(args, { home: dir, ...(cwd ? { cwd } : {}) });
  const common = () => ["--cache-dir", path.join(dir, "cache"), "--index-url", index.url];
  const freeze = async (python: string) => (await cli(["freeze", "--python", python])).stdout;
  /** A venv with alpha 1.0 and Beta 1.0, and a requirements file asking for Beta 2.0 and gamma 1.0. */
  const setup = async () => {
    const venv = await freshVenv(path.join(dir, `venv-${n++}`));
    const installed = await cli(["install", "--python", venv.python, ...common(), "alpha==1.0", "beta==1.0"]);
    assert.equal(installed.code, 0, installed.stderr);
    const file = path.join(dir, `requirements-${n}.txt`);
    await writeFile(file, "# pinned\nbeta==2.0\ngamma==1.0\n");
    return { ...venv, file };
  };

  before(async () => {
    dir = await tempDir("wh-sync-test-");
    index = await new TestIndex().start();
    index.publish(alpha, beta1, beta2, gamma, app, lib);
  });
  after(async () => {
    await index.stop();
    await removeDir(dir);
  });

  test("removes what the file does not list, upgrades and adds; then everything is up-to-date", async () => {
    const { python, site, file } = await setup();
    const result = await cli(["sync", "--python", python, ...common(), "-y", file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Successfully installed Beta-2\.0 gamma-1\.0$/m);
    assert.match(result.stdout, /^Successfully uninstalled alpha-1\.0$/m);
    assert.equal(result.stderr, "");
    assert.equal(await freeze(python), "Beta==2.0\ngamma==1.0\n");
    assert.equal(existsSync(path.join(site, "alpha")), false);

    const again = await cli(["sync", "--python", python, ...common(), file]);
    assert.deepEqual(again, { code: 0, stdout: "Everything up-to-date\n", stderr: "" });
    const dryRun = await cli(["sync", "--dry-run", "--python", python, ...common(), file]);
    assert.deepEqual(dryRun, { code: 0, stdout: "Everything up-to-date\n", stderr: "" });
  });

  test("--dry-run lists the changes, changes nothing and exits 1 (pip-sync)", async () => {
    const { python, site, file } = await setup();
    const before = await snapshot(site);
    const result = await cli(["sync", "--dry-run", "--python", python, ...common(), file]);
    assert.deepEqual(result, {
      code: 1,
      stdout: "Would uninstall:\n  alpha==1.0\nWould install:\n  beta==2.0 (upgrade from 1.0)\n  gamma==1.0\n",
      stderr: "",
    });
    assert.deepEqual(await snapshot(site), before);
  });

  test("requirements.txt in the current directory by default; none there is a usage error", async () => {
    const { python } = await setup();
    const cwd = path.join(dir, `cwd-${n++}`);
    await import("node:fs/promises").then((fs) => fs.mkdir(cwd));
    const missing = await cli(["sync", "--python", python, ...common()], cwd);
    assert.deepEqual(missing, { code: 2, stdout: "", stderr: "ERROR: No requirement files given and no requirements.txt found in the current directory\n" });
    await writeFile(path.join(cwd, "requirements.txt"), "alpha==1.0\nbeta==1.0\n");
    const result = await cli(["sync", "--python", python, ...common()], cwd);
    assert.deepEqual(result, { code: 0, stdout: "Everything up-to-date\n", stderr: "" });
  });

  test("uninstalling asks first: without a terminal (or with --no-input), -y is required and nothing changes", async () => {
    const { python, site, file } = await setup();
    const before = await snapshot(site);
    const result = await cli(["sync", "--python", python, ...common(), file]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "Would uninstall:\n  alpha==1.0\n");
    assert.equal(result.stderr, "ERROR: sync would uninstall alpha: pass -y (--yes) to confirm, there is no terminal to ask on.\n");
    assert.deepEqual(await snapshot(site), before);
  });

  test("only removals: one transaction, nothing downloaded", async () => {
    const { python, file } = await setup();
    await writeFile(file, "beta==1.0\n");
    const mark = index.server.requests.length;
    const result = await cli(["sync", "-y", "--python", python, ...common(), file]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Successfully uninstalled alpha-1.0\n");
    assert.deepEqual(index.fileRequests(mark), []);
    assert.equal(await freeze(python), "Beta==1.0\n");
  });

  test("a failed install changes nothing, the removals included", async () => {
    const { python, site, file } = await setup();
    await writeFile(file, `beta==2.0 --hash=sha256:${"0".repeat(64)}\ngamma==1.0 --hash=sha256:${"0".repeat(64)}\n`);
    const before = await snapshot(site);
    const result = await cli(["sync", "-y", "--python", python, ...common(), file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /THESE PACKAGES DO NOT MATCH THE HASHES/);
    assert.deepEqual(await snapshot(site), before);
  });

  test("installs with --no-deps (the file is the whole set) and warns about a dependency it does not list", async () => {
    const { python, file } = await setup();
    await writeFile(file, "app==1.0\n");
    const result = await cli(["sync", "-y", "--python", python, ...common(), file]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await freeze(python), "app==1.0\n");
    assert.equal(
      result.stderr,
      "WARNING: app 1.0 requires lib, which is not installed.\n" +
        'WARNING: The requirements files do not list every dependency: add the missing ones (or write the files with "wheelhouse lock").\n',
    );
  });

  test("an unpinned line is accepted with a warning; in hash-checking mode it is an error", async () => {
    const { python, file } = await setup();
    await writeFile(file, "alpha\nbeta>=1\n");
    const result = await cli(["sync", "--python", python, ...common(), file]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Everything up-to-date\n");
    assert.match(
      result.stderr,
      new RegExp(
        /^WARNING: These requirements are not pinned to one version \(name==version\), /.source +
          /so sync keeps any installed version they allow and installs the newest one otherwise: /.source +
          /alpha \(from -r .*\(line 1\)\); beta>=1 \(from -r .*\(line 2\)\)\n$/.source,
      ),
    );
    const hashed = await cli(["sync", "--require-hashes", "--python", python, ...common(), file]);
    assert.equal(hashed.code, 1);
    assert.match(hashed.stderr, /In --require-hashes mode, all requirements must have their versions pinned with ==/);
  });

  test("two files pinning one name differently, and .in files: usage errors", async () => {
    const { python, file } = await setup();
    const other = path.join(dir, `other-${n++}.txt`);
    await writeFile(other, "beta==1.0\n");
    const conflict = await cli(["sync", "--python", python, ...common(), file, other]);
    assert.equal(conflict.code, 2);
    assert.match(
      conflict.stderr,
      new RegExp(
        /^ERROR: Incompatible requirements found: beta==2\.0 \(from -r .*requirements-\d+\.txt \(line 2\)\) /.source +
          /and beta==1\.0 \(from -r .*other-\d+\.txt \(line 1\)\)\n$/.source,
      ),
    );
    const input = await cli(["sync", "--python", python, ...common(), "requirements.in"]);
    assert.equal(input.code, 2);
    assert.match(input.stderr, /^ERROR: requirements\.in: sync takes pinned requirements files/);
  });
});
