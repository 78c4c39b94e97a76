// `wheelhouse install ./dir` and `install -e ./dir` (PEP 517 / PEP 660, built in place) into
// fresh venvs, checked against pip (23.2, run isolated with `--python`): the same direct_url.json,
// the same `freeze` and `list -e`; pip and wheelhouse each uninstall the other's install cleanly.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { pip, removeDir, run, snapshot, tempDir } from "../../test/installer-support.ts";
import { freshVenv, makeTestWheel, TestIndex, wheelhouse } from "../../test/test-index.ts";
import { makeTestProject } from "../../test/test-project.ts";

describe("wheelhouse install of a project directory", () => {
  let index: TestIndex;
  let dir: string;
  let project: string;
  let projectUrl: string;
  let n = 0;
  const speedup = makeTestWheel("speedup", "1.0");
  const helper = makeTestWheel("helper-req", "1.0", { files: { "helper_req.py": "OK = True\n" } });

  const cli = (args: string[]) => wheelhouse(args, { home: dir, cwd: dir });
  const common = () => ["--cache-dir", path.join(dir, "cache"), "--index-url", index.url];
  const venv = () => freshVenv(path.join(dir, `venv-${n++}`));
  const pipIn = (python: string, args: string[]) => pip(python, [...args.slice(0, 1), "--no-cache-dir", ...args.slice(1)]);
  const value = async (python: string) => (await run(python, ["-c", "import local_proj; print(local_proj.VALUE)"], { cwd: "/" })).stdout.trim();
  const hooks = async () => (await readFile(path.join(project, "hooks.log"), "utf8").catch(() => "")).trim().split("\n").filter(Boolean);
  const siteFiles = async (site: string) => (await readdir(site)).filter((f) => !f.startsWith("_distutils_hack") && f !== "distutils-precedence.pth").sort();

  before(async () => {
    dir = await tempDir("wh-install-local-");
    index = await new TestIndex().start();
    index.publish(speedup, helper);
    project = await makeTestProject(path.join(dir, "proj"), "Local-Proj", "1.0", {
      dependencies: ["speedup"],
      buildRequires: ["helper-req"],
      imports: ["helper_req"],
    });
    projectUrl = pathToFileURL(project).href;
  });
  after(async () => {
    await index.stop();
    await removeDir(dir);
  });

  test("./dir is built in place (build requirements from the index) and installed with dir_info; pip freeze agrees; both uninstallers remove it", async () => {
    const { python, site } = await venv();
    const before = await siteFiles(site);
    await rm(path.join(project, "hooks.log"), { force: true });
    const result = await cli(["install", "--python", python, ...common(), "./proj"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Processing ${project}$`, "m"));
    assert.match(result.stdout, /^Successfully installed Local-Proj-1\.0 speedup-1\.0$/m);
    // One build, whose wheel gave the metadata too.
    assert.deepEqual(await hooks(), ["get_requires_for_build_wheel", "build_wheel"]);
    assert.equal(await value(python), "original");
    const info = path.join(site, "Local_Proj-1.0.dist-info");
    assert.equal(await readFile(path.join(info, "direct_url.json"), "utf8"), `{"dir_info": {}, "url": "${projectUrl}"}`);
    assert.equal(existsSync(path.join(info, "REQUESTED")), true);

    const ours = await cli(["freeze", "--python", python]);
    const theirs = await pipIn(python, ["freeze"]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.stdout, theirs.stdout);
    assert.equal(ours.stdout, `Local-Proj @ ${projectUrl}\nspeedup==1.0\n`);

    // A directory is always reinstalled, as pip does.
    const again = await cli(["install", "--python", python, ...common(), "./proj"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^ {6}Successfully uninstalled Local-Proj-1\.0$/m);
    assert.match(again.stdout, /^Requirement already satisfied: speedup /m);

    const removed = await pipIn(python, ["uninstall", "-y", "local-proj", "speedup"]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(await siteFiles(site), before);
    const reinstalled = await cli(["install", "--python", python, ...common(), "--no-deps", "./proj"]);
    assert.equal(reinstalled.code, 0, reinstalled.stderr);
    const ourRemoval = await cli(["uninstall", "-y", "--python", python, "local-proj"]);
    assert.equal(ourRemoval.code, 0, ourRemoval.stderr);
    assert.deepEqual(await siteFiles(site), before);
  });

  test("-e installs a PEP 660 editable wheel: source edits show at once; freeze, list -e and the exclusions are pip's", async () => {
    const { python, site } = await venv();
    const before = await siteFiles(site);
    await rm(path.join(project, "hooks.log"), { force: true });
    const result = await cli(["install", "--python", python, ...common(), "-e", "./proj"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Obtaining ${projectUrl}$`, "m"));
    assert.match(result.stdout, /^Successfully installed Local-Proj-1\.0 speedup-1\.0$/m);
    assert.deepEqual(await hooks(), ["get_requires_for_build_editable", "build_editable"]);
    const info = path.join(site, "Local_Proj-1.0.dist-info");
    assert.equal(await readFile(path.join(info, "direct_url.json"), "utf8"), `{"dir_info": {"editable": true}, "url": "${projectUrl}"}`);
    assert.equal(await value(python), "original");
    const init = path.join(project, "local_proj", "__init__.py");
    await writeFile(init, 'VALUE = "edited"\n');
    try {
      assert.equal(await value(python), "edited");
    } finally {
      await writeFile(init, 'VALUE = "original"\n');
    }

    const freeze = async (args: string[]) => {
      const ours = await cli(["freeze", "--python", python, ...args]);
      const theirs = await pipIn(python, ["freeze", ...args]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.stdout, theirs.stdout, `freeze ${args.join(" ")}`);
      return ours.stdout;
    };
    assert.equal(await freeze([]), `# Editable install with no version control (Local-Proj==1.0)\n-e ${project}\nspeedup==1.0\n`);
    assert.equal(await freeze(["--exclude-editable"]), "speedup==1.0\n");
    const list = async (args: string[]) => {
      const ours = await cli(["list", "--python", python, "--format", "json", ...args]);
      const theirs = await pipIn(python, ["list", "--format", "json", ...args]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs.stdout), `list ${args.join(" ")}`);
      return JSON.parse(ours.stdout) as { name: string }[];
    };
    assert.deepEqual(await list(["-e"]), [{ name: "Local-Proj", version: "1.0", editable_project_location: project }]);
    assert.deepEqual(
      (await list(["--exclude-editable"])).map((p) => p.name),
      ["speedup"],
    );
    const columns = await cli(["list", "--python", python, "-e"]);
    assert.match(columns.stdout, new RegExp(`^Local-Proj 1\\.0\\s+${project}$`, "m"));

    const removed = await pipIn(python, ["uninstall", "-y", "local-proj", "speedup"]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(await siteFiles(site), before);
    assert.notEqual((await run(python, ["-c", "import local_proj"], { cwd: "/" })).code, 0);

    // An `-e` line of a requirements file; then wheelhouse's uninstall.
    await writeFile(path.join(dir, "reqs.txt"), "-e ./proj\n");
    const fromFile = await cli(["install", "--python", python, ...common(), "--no-deps", "-r", "reqs.txt"]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(await value(python), "original");
    const ourRemoval = await cli(["uninstall", "-y", "--python", python, "local-proj"]);
    assert.equal(ourRemoval.code, 0, ourRemoval.stderr);
    assert.deepEqual(await siteFiles(site), before);
  });

  test("pip's editable install of the same project: the same direct_url.json and freeze", async () => {
    const ours = await venv();
    const theirs = await venv();
    const mine = await cli(["install", "--python", ours.python, ...common(), "-e", "./proj"]);
    assert.equal(mine.code, 0, mine.stderr);
    const pipped = await pip(theirs.python, ["install", "--no-cache-dir", "--index-url", index.url, "-e", project]);
    assert.equal(pipped.code, 0, pipped.stderr);
    const directUrl = (site: string) => readFile(path.join(site, "Local_Proj-1.0.dist-info", "direct_url.json"), "utf8");
    assert.equal(await directUrl(ours.site), await directUrl(theirs.site));
    const ourFreeze = await cli(["freeze", "--python", theirs.python]);
    assert.equal(ourFreeze.stdout, (await pipIn(ours.python, ["freeze"])).stdout);
    // Each uninstaller removes the other's install.
    const removed = await cli(["uninstall", "-y", "--python", theirs.python, "local-proj"]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(
      (await snapshot(theirs.site)).some((f) => /local_proj/i.test(f)),
      false,
    );
  });

  test("freeze of an editable project in a Git checkout: pip's lines, with no remote, then with one (and a subdirectory)", async () => {
    const repo = path.join(dir, "repo");
    const sub = await makeTestProject(path.join(repo, "pkg"), "git-proj", "0.4");
    const { python } = await venv();
    const result = await cli(["install", "--python", python, ...common(), "-e", sub]);
    assert.equal(result.code, 0, result.stderr);
    const git = (args: string[]) =>
      run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", ...args], { cwd: repo });
    const freeze = async () => {
      const ours = await cli(["freeze", "--python", python]);
      const theirs = await pipIn(python, ["freeze"]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.stdout, theirs.stdout);
      return ours.stdout;
    };
    assert.equal((await git(["init", "-q"])).code, 0);
    assert.equal(await freeze(), `# Editable Git install with no remote (git-proj==0.4)\n-e ${sub}\n`);
    await git(["remote", "add", "origin", "git@example.com:org/repo.git"]);
    await git(["add", "pkg/pyproject.toml", "pkg/test_backend.py", "pkg/git_proj/__init__.py"]);
    assert.equal((await git(["commit", "-q", "-m", "first"])).code, 0);
    const sha = (await git(["rev-parse", "HEAD"])).stdout.trim();
    assert.equal(await freeze(), `-e git+ssh://git@example.com/org/repo.git@${sha}#egg=git_proj&subdirectory=pkg\n`);
  });

  test("a backend without build_editable: pip's message, nothing installed", async () => {
    const plain = await makeTestProject(path.join(dir, "plain"), "plain-proj", "0.1", { editable: false });
    const { python, site } = await venv();
    const result = await cli(["install", "--python", python, ...common(), "-e", "./plain"]);
    assert.equal(result.code, 1);
    const message =
      `ERROR: Project ${pathToFileURL(plain).href} has a 'pyproject.toml' and its build backend is missing the 'build_editable' hook. ` +
      `Since it does not have a 'setup.py' nor a 'setup.cfg', it cannot be installed in editable mode. ` +
      `Consider using a build backend that supports PEP 660.`;
    assert.equal(result.stderr, `${message}\n`);
    const pipped = await pip(python, ["install", "--no-cache-dir", "--no-index", "-e", plain]);
    assert.notEqual(pipped.code, 0);
    assert.ok(pipped.stderr.includes(message), pipped.stderr);
    assert.equal(
      (await readdir(site)).some((f) => f.startsWith("plain")),
      false,
    );
  });

  test("--dry-run prepares metadata only (PEP 660's hook for -e) and installs nothing", async () => {
    const { python, site } = await venv();
    const before = await siteFiles(site);
    await rm(path.join(project, "hooks.log"), { force: true });
    const result = await cli(["install", "--python", python, ...common(), "--dry-run", "-e", "./proj"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Would install Local-Proj-1\.0 speedup-1\.0$/m);
    assert.deepEqual(await hooks(), ["get_requires_for_build_editable", "prepare_metadata_for_build_editable"]);
    assert.deepEqual(await siteFiles(site), before);
  });

  test("hash-checking mode refuses a directory as pip does", async () => {
    const { python } = await venv();
    const result = await cli(["install", "--python", python, ...common(), "--require-hashes", "--no-deps", "./proj"]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `ERROR: Can't verify hashes for these file:// requirements because they point to directories:\n    ${projectUrl}\n`);
  });
});
