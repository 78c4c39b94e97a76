// `wheelhouse sync` against the real registry, on a venv pip populated: the environment ends up
// holding exactly the requirements file (pip freeze says so), pip's own tools are kept, and
// --dry-run changes nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { packageSpec } from "../support/projects.ts";
import { createVenv, makeDist, pip, type Venv } from "../support/python.ts";
import { describeRun, run } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";
import { twineUpload } from "../support/twine.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";

const TIMEOUT = { timeout: 300_000 };
let registry: TestRegistry;
let venv: Venv;
let cacheDir: string;
let requirements: string;

/** `python -m pip freeze` of the venv (pip hides pip and setuptools itself), sorted. */
async function pipFreeze(): Promise<string[]> {
  const result = await run(venv.python, ["-m", "pip", "freeze", "--disable-pip-version-check"], { env: isolatedPipEnv() });
  assert.equal(result.code, 0, describeRun("pip freeze", result));
  return result.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .sort();
}

async function pipList(): Promise<string[]> {
  const result = await run(venv.python, ["-m", "pip", "list", "--format", "freeze", "--disable-pip-version-check"], { env: isolatedPipEnv() });
  return result.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("==")[0]!.toLowerCase());
}

const sync = (...args: string[]) => wheelhouse(["sync", "--python", venv.python, "--cache-dir", cacheDir, "--index-url", `${registry.url}/simple/`, ...args]);

before(async () => {
  registry = await startRegistry();
  const { token } = await registry.createUser("sync-uploader", { scope: "upload" });
  const files = (
    await Promise.all(
      [
        packageSpec("sync-alpha", "1.0"),
        packageSpec("sync-beta", "1.0"),
        packageSpec("sync-beta", "2.0"),
        packageSpec("sync-gamma", "1.0", { requires_dist: ["sync-beta>=2"] }),
      ].map((spec) => makeDist(spec)),
    )
  ).flat();
  const upload = await twineUpload(`${registry.url}/`, files, { username: "__token__", password: token });
  assert.equal(upload.code, 0, describeRun("twine upload", upload));

  venv = await createVenv(await makeTempDir("wh-sync-venv-"));
  cacheDir = await makeTempDir("wh-sync-cache-");
  const installed = await pip(venv, "install", ["--index-url", `${registry.url}/simple/`, "sync-alpha==1.0", "sync-beta==1.0"]);
  assert.equal(installed.code, 0, describeRun("pip install", installed));
  requirements = join(await makeTempDir("wh-sync-req-"), "requirements.txt");
  await writeFile(requirements, "# as wheelhouse lock writes it\nsync-beta==2.0\nsync-gamma==1.0\n");
});
after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

test("--dry-run lists what would change, exits 1, and changes nothing", TIMEOUT, async () => {
  const before = await pipFreeze();
  assert.deepEqual(before, ["sync-alpha==1.0", "sync-beta==1.0"]);
  const result = await sync("--dry-run", requirements);
  assert.equal(result.code, 1, describeRun("wheelhouse sync --dry-run", result));
  assert.equal(result.stdout, "Would uninstall:\n  sync-alpha==1.0\nWould install:\n  sync-beta==2.0 (upgrade from 1.0)\n  sync-gamma==1.0\n");
  assert.deepEqual(await pipFreeze(), before);
});

test("sync removes sync-alpha, upgrades sync-beta, adds sync-gamma: pip freeze equals the file; pip's tools stay", TIMEOUT, async () => {
  const toolsBefore = (await pipList()).filter((n) => n === "pip" || n === "setuptools");
  assert.ok(toolsBefore.includes("pip"), "ensurepip installed pip");
  const result = await sync("-y", requirements);
  assert.equal(result.code, 0, describeRun("wheelhouse sync", result));
  assert.match(result.stdout, /^Successfully installed sync-beta-2\.0 sync-gamma-1\.0$/m);
  assert.match(result.stdout, /^Successfully uninstalled sync-alpha-1\.0$/m);
  assert.equal(result.stderr, "");

  assert.deepEqual(await pipFreeze(), ["sync-beta==2.0", "sync-gamma==1.0"]);
  assert.deepEqual(
    (await pipList()).filter((n) => n === "pip" || n === "setuptools"),
    toolsBefore,
  );
  const check = await run(venv.python, ["-m", "pip", "check", "--disable-pip-version-check"], { env: isolatedPipEnv() });
  assert.equal(check.code, 0, describeRun("pip check", check));
  const imported = await run(venv.python, ["-c", "import sync_beta, sync_gamma; print(sync_beta.VERSION)"]);
  assert.equal(imported.stdout.trim(), "2.0", describeRun("import", imported));
  const gone = await run(venv.python, ["-c", "import sync_alpha"]);
  assert.notEqual(gone.code, 0, "sync_alpha was removed");

  const again = await sync(requirements);
  assert.equal(again.code, 0, describeRun("wheelhouse sync (again)", again));
  assert.equal(again.stdout, "Everything up-to-date\n");
  const dryRun = await sync("--dry-run", requirements);
  assert.equal(dryRun.code, 0, describeRun("wheelhouse sync --dry-run (up-to-date)", dryRun));
});

test("a downgrade back, with the file's dependency left out: installed with --no-deps and a warning", TIMEOUT, async () => {
  await writeFile(requirements, "sync-gamma==1.0\nsync-beta==1.0\n");
  const result = await sync("-y", requirements);
  assert.equal(result.code, 0, describeRun("wheelhouse sync", result));
  assert.deepEqual(await pipFreeze(), ["sync-beta==1.0", "sync-gamma==1.0"]);
  assert.match(result.stderr, /^WARNING: sync-gamma 1\.0 has requirement sync-beta>=2, but you have sync-beta 1\.0\.$/m);
});
