// `wheelhouse install` against a local PEP 691 index and fresh venvs: resolution with extras and
// markers, what is already installed, upgrades, hash checking, --dry-run, --target, find-links,
// an sdist built through PEP 517 with a build requirement from the same index.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { sha256 } from "../../test/index-fixtures.ts";
import { removeDir, run, tempDir } from "../../test/installer-support.ts";
import { freshVenv, makeTestSdist, makeTestWheel, TestIndex, wheelhouse, type Dist } from "../../test/test-index.ts";

describe("wheelhouse install", () => {
  let index: TestIndex;
  let dir: string;
  let n = 0;
  const app = makeTestWheel("App", "1.0", { requires: ["lib[fast]>=1", "winonly; sys_platform == 'win32'"] });
  const lib1 = makeTestWheel("lib", "1.0");
  const lib2 = makeTestWheel("lib", "2.0", { extras: ["fast"], requires: ["speedup; extra == 'fast'"] });
  const speedup = makeTestWheel("speedup", "1.0");
  const winonly = makeTestWheel("winonly", "1.0");
  const needsNew = makeTestWheel("needs-new", "1.0", { requires: ["lib>=2"] });
  const helper = makeTestWheel("helper-req", "1.0", { files: { "helper_req.py": "OK = True\n" } });
  let built: Dist;

  const cli = (args: string[], cwd?: string) => wheelhouse(args, { home: dir, ...(cwd ? { cwd } : {}) });
  const cache = () => path.join(dir, "cache");
  const common = () => ["--cache-dir", cache(), "--index-url", index.url];
  const venv = () => freshVenv(path.join(dir, `venv-${n++}`));
  const installedNames = async (site: string) =>
    (await readdir(site))
      .filter((f) => f.endsWith(".dist-info"))
      .map((f) => f.toLowerCase())
      .sort();

  before(async () => {
    dir = await tempDir("wh-install-test-");
    index = await new TestIndex().start();
    built = await makeTestSdist("built-proj", "0.3", { requires: ["helper-req"], imports: ["helper_req"], dependencies: ["speedup"] });
    index.publish(app, lib1, lib2, speedup, winonly, needsNew, helper, built);
  });
  after(async () => {
    await index.stop();
    await removeDir(dir);
  });

  test("installs a tree with extras and markers; REQUESTED only for what was asked; a second run is satisfied with no file request", async () => {
    const { python, site } = await venv();
    const first = await cli(["install", "--python", python, ...common(), "app"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Installing collected packages: /m);
    assert.match(first.stdout, /^Successfully installed App-1\.0 lib-2\.0 speedup-1\.0$/m);
    assert.deepEqual(await installedNames(site), ["app-1.0.dist-info", "lib-2.0.dist-info", "speedup-1.0.dist-info"]);
    assert.equal(existsSync(path.join(site, "App-1.0.dist-info", "REQUESTED")), true);
    assert.equal(existsSync(path.join(site, "lib-2.0.dist-info", "REQUESTED")), false);
    assert.equal(await readFile(path.join(site, "App-1.0.dist-info", "INSTALLER"), "utf8"), "wheelhouse\n");
    const imported = await run(python, ["-c", "import App, lib, speedup; print(lib.VERSION)"]);
    assert.equal(imported.stdout, "2.0\n", imported.stderr);
    // No bytecode unless --compile.
    assert.equal(existsSync(path.join(site, "lib", "__pycache__")), false);

    const mark = index.server.requests.length;
    const second = await cli(["install", "--python", python, ...common(), "app"]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.stdout.trimEnd().split("\n").sort(), [
      `Requirement already satisfied: app in ${site} (1.0)`,
      `Requirement already satisfied: lib in ${site} (2.0)`,
      `Requirement already satisfied: speedup in ${site} (1.0)`,
    ]);
    assert.deepEqual(index.fileRequests(mark), []);
  });

  test("a fresh venv with a warm cache makes no file request", async () => {
    const { python } = await venv();
    await cli(["install", "--python", python, ...common(), "app"]);
    const other = await venv();
    const mark = index.server.requests.length;
    const warm = await cli(["install", "--python", other.python, ...common(), "app"]);
    assert.equal(warm.code, 0, warm.stderr);
    assert.match(warm.stdout, /Using cached lib-2\.0-py3-none-any\.whl/);
    assert.deepEqual(index.fileRequests(mark), []);
  });

  test("-U upgrades what was named, --force-reinstall reinstalls, --compile compiles", async () => {
    const { python, site } = await venv();
    const old = await cli(["install", "--python", python, ...common(), "lib==1.0"]);
    assert.equal(old.code, 0, old.stderr);
    const kept = await cli(["install", "--python", python, ...common(), "lib"]);
    assert.match(kept.stdout, /^Requirement already satisfied: lib in .* \(1\.0\)$/m);
    const upgraded = await cli(["install", "--python", python, ...common(), "-U", "lib"]);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.match(upgraded.stdout, /^ {6}Successfully uninstalled lib-1\.0$/m);
    assert.match(upgraded.stdout, /^Successfully installed lib-2\.0$/m);
    assert.deepEqual(await installedNames(site), ["lib-2.0.dist-info"]);
    const again = await cli(["install", "--python", python, ...common(), "--force-reinstall", "--compile", "lib"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^ {4}Found existing installation: lib 2\.0$/m);
    assert.match(again.stdout, /^Successfully installed lib-2\.0$/m);
    assert.equal(existsSync(path.join(site, "lib", "__pycache__")), true);
  });

  test("--dry-run prints what would be installed and touches nothing; resolution reads metadata only", async () => {
    const { python, site } = await venv();
    const cold = path.join(dir, "cold-cache");
    const mark = index.server.requests.length;
    const result = await cli(["install", "--python", python, "--cache-dir", cold, "--index-url", index.url, "--dry-run", "app"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Would install App-1\.0 lib-2\.0 speedup-1\.0$/m);
    assert.deepEqual(await installedNames(site), []);
    assert.deepEqual(index.fileRequests(mark), []);
  });

  test("--require-hashes: pinned and hashed installs; missing, unpinned and mismatching hashes install nothing", async () => {
    const { python, site } = await venv();
    const reqs = path.join(dir, "hashed.txt");
    const hash = (d: Dist) => `--hash=sha256:${sha256(d.body)}`;
    await writeFile(reqs, `App==1.0 ${hash(app)}\nlib==2.0 ${hash(lib2)}\nspeedup==1.0 ${hash(speedup)}\n`);
    const ok = await cli(["install", "--python", python, ...common(), "-r", reqs]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Successfully installed App-1\.0 lib-2\.0 speedup-1\.0$/m);

    const fresh = await venv();
    await writeFile(reqs, `App==1.0 ${hash(app)}\n`);
    const missing = await cli(["install", "--python", fresh.python, ...common(), "-r", reqs]);
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      [
        "ERROR: Hashes are required in --require-hashes mode, but they are missing from some requirements. " +
          "Here is a list of those requirements along with the hashes their downloaded archives actually had. " +
          "Add lines like these to your requirements files to prevent tampering. " +
          "(If you did not enable --require-hashes manually, note that it turns on automatically when any package has a hash.)",
        `    lib==2.0 --hash=sha256:${sha256(lib2.body)}`,
        `    speedup==1.0 --hash=sha256:${sha256(speedup.body)}`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(await installedNames(fresh.site), []);

    await writeFile(reqs, `lib>=1 ${hash(lib2)}\n`);
    const unpinned = await cli(["install", "--python", fresh.python, ...common(), "-r", reqs]);
    assert.equal(unpinned.code, 1);
    assert.equal(
      unpinned.stderr,
      `ERROR: In --require-hashes mode, all requirements must have their versions pinned with ==. These do not:\n    lib>=1 (from -r ${reqs} (line 1))\n`,
    );

    const wrong = "0".repeat(64);
    await writeFile(reqs, `App==1.0 ${hash(app)}\nlib==2.0 --hash=sha256:${wrong}\nspeedup==1.0 ${hash(speedup)}\n`);
    const mismatch = await cli(["install", "--python", fresh.python, ...common(), "-r", reqs]);
    assert.equal(mismatch.code, 1);
    assert.equal(
      mismatch.stderr,
      [
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. " +
          "Otherwise, examine the package contents carefully; someone may have tampered with them.",
        `    lib==2.0 from ${index.server.url(`/files/${lib2.filename}`)}:`,
        `        Expected sha256 ${wrong}`,
        `             Got        ${sha256(lib2.body)}`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(await installedNames(fresh.site), []);
    void site;
  });

  test("a conflict is explained as pip explains it", async () => {
    const { python } = await venv();
    const result = await cli(["install", "--python", python, ...common(), "needs-new", "lib<2"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^ERROR: Cannot install lib<2 and needs-new==1\.0 because these package versions have conflicting dependencies\.$/m);
    assert.match(result.stderr, /^The conflict is caused by:\n {4}The user requested lib<2 \(from command line\)\n {4}needs-new 1\.0 depends on lib>=2$/m);
    assert.match(result.stderr, /^ERROR: ResolutionImpossible: /m);
    const none = await cli(["install", "--python", python, ...common(), "lib>5"]);
    assert.equal(
      none.stderr,
      "ERROR: Could not find a version that satisfies the requirement lib>5 (from versions: 1.0, 2.0)\nERROR: No matching distribution found for lib>5\n",
    );
  });

  test("--no-index --find-links DIR, a wheel path, and --target", async () => {
    const links = path.join(dir, "links");
    await mkdir(links, { recursive: true });
    for (const d of [app, lib1, lib2, speedup]) await writeFile(path.join(links, d.filename), d.body);
    const { python, site } = await venv();
    const result = await cli(["install", "--python", python, "--cache-dir", cache(), "--no-index", "--find-links", links, "app"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await installedNames(site), ["app-1.0.dist-info", "lib-2.0.dist-info", "speedup-1.0.dist-info"]);

    const byPath = await venv();
    const wheelPath = path.join(links, lib1.filename);
    const direct = await cli(["install", "--python", byPath.python, "--cache-dir", cache(), "--no-index", wheelPath]);
    assert.equal(direct.code, 0, direct.stderr);
    const directUrl = JSON.parse(await readFile(path.join(byPath.site, "lib-1.0.dist-info", "direct_url.json"), "utf8"));
    assert.deepEqual(directUrl, { url: `file://${wheelPath}`, archive_info: { hash: `sha256=${sha256(lib1.body)}`, hashes: { sha256: sha256(lib1.body) } } });

    const target = path.join(dir, "target");
    const into = await cli(["install", "--python", python, ...common(), "--target", target, "lib==1.0"]);
    assert.equal(into.code, 0, into.stderr);
    assert.deepEqual((await readdir(target)).sort(), ["lib", "lib-1.0.dist-info"]);
  });

  test("an sdist is built through its PEP 517 backend, its build requirement installed from the index", async () => {
    const { python, site } = await venv();
    const result = await cli(["install", "--python", python, ...common(), "built-proj"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Successfully installed built-proj-0\.3 speedup-1\.0$/m);
    const imported = await run(python, ["-c", "import built_proj; print(built_proj.BUILT)"]);
    assert.equal(imported.stdout, "True\n", imported.stderr);
    // The build requirement stayed in the build's prefix.
    assert.equal(existsSync(path.join(site, "helper_req.py")), false);
    // Without isolation the backend cannot import it.
    const other = await venv();
    const noIsolation = await cli([
      "install",
      "--python",
      other.python,
      "--cache-dir",
      path.join(dir, "other-cache"),
      "--index-url",
      index.url,
      "--no-build-isolation",
      "built-proj",
    ]);
    assert.equal(noIsolation.code, 1);
    assert.match(noIsolation.stderr, /No module named 'helper_req'/);
  });

  test("an editable directory that is not a Python project is refused as pip refuses it", async () => {
    // (Editable installs themselves: install-local.test.ts.)
    const { python } = await venv();
    const result = await cli(["install", "--python", python, ...common(), "-e", dir]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `ERROR: ${pathToFileURL(dir).href} does not appear to be a Python project: neither 'setup.py' nor 'pyproject.toml' found.\n`);
  });

  test("download follows dependencies", async () => {
    const dest = path.join(dir, "downloads");
    const { python } = await venv();
    const result = await cli(["download", "--python", python, ...common(), "-d", dest, "app"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await readdir(dest)).sort(), [app.filename, lib2.filename, speedup.filename].sort());
  });
});
