// Real-client tests of the read door: pip (ensurepip's, in a fresh venv) installing from the registry.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { createVenv, makeDist, pip, type Venv } from "../support/python.ts";
import { twineUpload } from "../support/twine.ts";
import { describeRun, output, run } from "../support/run.ts";
import { fetchSimpleLinks } from "../support/simple-page.ts";
import { sha256ByFilename, sha256File } from "../support/files.ts";
import { moduleName, packageSpec } from "../support/projects.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";

const TIMEOUT = { timeout: 180_000 };

let registry: TestRegistry;
let uploadToken: string;
let venv: Venv;

before(async () => {
  const [started, created] = await Promise.all([startRegistry(), makeTempDir("wheelhouse-e2e-venv-").then(createVenv)]);
  registry = started;
  venv = created;
  uploadToken = (await registry.createUser(uniqueName("uploader"), { scope: "upload" })).token;
});

after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

function indexUrl(): string {
  return `${registry.url}/simple/`;
}

async function upload(files: readonly string[]): Promise<void> {
  const result = await twineUpload(`${registry.url}/`, files, { username: "__token__", password: uploadToken });
  assert.equal(result.code, 0, describeRun("twine upload", result));
}

/** The `name-version` of each distribution installed into a `--target` dir. */
async function installedIn(target: string): Promise<string[]> {
  const entries = await readdir(target);
  return entries
    .filter((entry) => entry.endsWith(".dist-info"))
    .map((entry) => entry.slice(0, -".dist-info".length))
    .sort();
}

test("pip's isolation holds: this machine's local package sources are invisible", TIMEOUT, async () => {
  // If this passes by installing from /opt/wheels or /opt/pypi, every other test here proves nothing.
  const local = [
    ...(existsSync("/opt/wheels") ? readdirSync("/opt/wheels") : []).map((file) => file.split("-")[0]!),
    ...(existsSync("/opt/pypi/simple") ? readdirSync("/opt/pypi/simple").slice(0, 1) : []),
  ].filter((name) => name.length > 0);
  if (local.length === 0) return;
  const dest = await makeTempDir();
  const result = await pip(venv, "download", ["--no-deps", "--index-url", indexUrl(), "-d", dest, local[0]!]);
  assert.notEqual(result.code, 0, describeRun(`pip download ${local[0]}`, result));
  assert.deepEqual(await readdir(dest), []);
});

test("pip installs a three-level dependency chain and the app's console script runs", TIMEOUT, async () => {
  const base = uniqueName("base");
  const lib = uniqueName("lib");
  const app = uniqueName("app");
  const files = (
    await Promise.all([
      makeDist({
        name: base,
        version: "1.2",
        sdist: true,
        modules: { [`${moduleName(base)}/__init__.py`]: `def word():\n    return "base"\n` },
      }),
      makeDist({
        name: lib,
        version: "2.0",
        sdist: true,
        requires_dist: [`${base}>=1`],
        modules: {
          [`${moduleName(lib)}/__init__.py`]: `from ${moduleName(base)} import word\n\ndef phrase():\n    return "lib on " + word()\n`,
        },
      }),
      makeDist({
        name: app,
        version: "3.0",
        sdist: true,
        requires_dist: [`${lib}>=2`],
        requires_python: ">=3.8",
        console_scripts: { [app]: `${moduleName(app)}.cli:main` },
        modules: {
          [`${moduleName(app)}/__init__.py`]: "",
          [`${moduleName(app)}/cli.py`]: `from ${moduleName(lib)} import phrase\n\ndef main():\n    print("hello from ${app} via " + phrase())\n`,
        },
      }),
    ])
  ).flat();
  await upload(files);

  const install = await pip(venv, "install", ["--index-url", indexUrl(), app]);
  assert.equal(install.code, 0, describeRun(`pip install ${app}`, install));
  for (const installed of [`${app}-3.0`, `${lib}-2.0`, `${base}-1.2`]) {
    assert.ok(install.stdout.includes(installed), describeRun(`pip install ${app} (expected ${installed})`, install));
  }

  const script = await run(join(venv.bin, app), [], { env: isolatedPipEnv(), timeoutMs: 30_000 });
  assert.equal(script.code, 0, describeRun(app, script));
  assert.equal(script.stdout.trim(), `hello from ${app} via lib on base`);
});

test("pip download --require-hashes accepts the published hash and rejects a wrong one", TIMEOUT, async () => {
  const name = uniqueName("hashed");
  const files = await makeDist(packageSpec(name, "1.0"));
  await upload(files);
  const wheel = basename(files[0]!);
  const localHash = await sha256File(files[0]!);

  const links = await fetchSimpleLinks(`${indexUrl()}${name}/`);
  const published = links.find((link) => link.filename === wheel)?.sha256;
  assert.equal(published, localHash, "published #sha256= equals the uploaded file's sha256");

  const work = await makeTempDir();
  const good = join(work, "good.txt");
  await writeFile(good, `${name}==1.0 --hash=sha256:${published}\n`);
  const goodDest = join(work, "good");
  const ok = await pip(venv, "download", ["--no-deps", "--require-hashes", "-r", good, "-d", goodDest, "--index-url", indexUrl()]);
  assert.equal(ok.code, 0, describeRun("pip download with the published hash", ok));
  assert.deepEqual(await readdir(goodDest), [wheel]);
  assert.equal(await sha256File(join(goodDest, wheel)), localHash);

  const bad = join(work, "bad.txt");
  await writeFile(bad, `${name}==1.0 --hash=sha256:${"0".repeat(64)}\n`);
  const badDest = join(work, "bad");
  const refused = await pip(venv, "download", ["--no-deps", "--require-hashes", "-r", bad, "-d", badDest, "--index-url", indexUrl()]);
  assert.notEqual(refused.code, 0, describeRun("pip download with a wrong hash", refused));
  assert.match(output(refused), /THESE PACKAGES DO NOT MATCH THE HASHES/, describeRun("pip download with a wrong hash", refused));
  assert.ok(!existsSync(join(badDest, wheel)), "nothing kept after a hash mismatch");
});

test("a yanked release is skipped by `pip install lib` but still installs when pinned (PEP 592)", TIMEOUT, async () => {
  const name = uniqueName("yanky");
  const files = (await Promise.all(["1.0", "1.5", "2.0"].map((version) => makeDist(packageSpec(name, version))))).flat();
  await upload(files);

  await registry.admin("POST", `/api/admin/indexes/main/releases/${name}/2.0/yank`, { reason: "broken build" });
  const links = await fetchSimpleLinks(`${indexUrl()}${name}/`);
  const yankedLink = links.find((link) => link.filename.includes("-2.0-"));
  assert.equal(yankedLink?.yanked, "broken build", "data-yanked carries the reason");
  assert.ok(
    links.filter((link) => link !== yankedLink).every((link) => link.yanked === undefined),
    "only 2.0 is yanked",
  );

  const latest = await makeTempDir();
  const unpinned = await pip(venv, "install", ["--no-deps", "--target", latest, "--index-url", indexUrl(), name]);
  assert.equal(unpinned.code, 0, describeRun(`pip install ${name}`, unpinned));
  assert.deepEqual(await installedIn(latest), [`${moduleName(name)}-1.5`]);

  const exact = await makeTempDir();
  const pinned = await pip(venv, "install", ["--no-deps", "--target", exact, "--index-url", indexUrl(), `${name}==2.0`]);
  assert.equal(pinned.code, 0, describeRun(`pip install ${name}==2.0`, pinned));
  assert.deepEqual(await installedIn(exact), [`${moduleName(name)}-2.0`]);
  assert.match(output(pinned), /yanked/i, describeRun(`pip install ${name}==2.0 (expected pip's yanked warning)`, pinned));
  assert.match(output(pinned), /broken build/, describeRun(`pip install ${name}==2.0 (expected the yank reason)`, pinned));

  // Unyank: the newest release is the default again.
  await registry.admin("DELETE", `/api/admin/indexes/main/releases/${name}/2.0/yank`);
  const again = await makeTempDir();
  const restored = await pip(venv, "install", ["--no-deps", "--target", again, "--index-url", indexUrl(), name]);
  assert.equal(restored.code, 0, describeRun(`pip install ${name} after unyank`, restored));
  assert.deepEqual(await installedIn(again), [`${moduleName(name)}-2.0`]);

  const audit = await registry.admin("GET", `/api/admin/audit?index=main&project=${name}`);
  assert.match(JSON.stringify(audit), /yank/i, "the audit log records the yank");
});

test("pip skips a release whose data-requires-python excludes this Python", TIMEOUT, async () => {
  const name = uniqueName("future");
  const files = (
    await Promise.all([makeDist(packageSpec(name, "1.0", { requires_python: ">=3.8" })), makeDist(packageSpec(name, "2.0", { requires_python: ">=4" }))])
  ).flat();
  await upload(files);

  const links = await fetchSimpleLinks(`${indexUrl()}${name}/`);
  const requires = Object.fromEntries(links.map((link) => [link.filename, link.requiresPython]));
  const expected = await sha256ByFilename(files);
  assert.deepEqual(requires, Object.fromEntries([...expected.keys()].map((file) => [file, file.includes("-2.0-") ? ">=4" : ">=3.8"])));

  const target = await makeTempDir();
  const install = await pip(venv, "install", ["--no-deps", "--target", target, "--index-url", indexUrl(), name]);
  assert.equal(install.code, 0, describeRun(`pip install ${name}`, install));
  assert.deepEqual(await installedIn(target), [`${moduleName(name)}-1.0`]);
  assert.equal(await readFile(join(target, moduleName(name), "__init__.py"), "utf8"), `PROJECT = ${JSON.stringify(name)}\nVERSION = "1.0"\n`);

  const pinned = await pip(venv, "install", ["--no-deps", "--target", await makeTempDir(), "--index-url", indexUrl(), `${name}==2.0`]);
  assert.notEqual(pinned.code, 0, describeRun(`pip install ${name}==2.0`, pinned));
  assert.match(
    output(pinned),
    /require a different python version/i,
    describeRun(`pip install ${name}==2.0 (expected pip to skip it for Requires-Python)`, pinned),
  );
});
