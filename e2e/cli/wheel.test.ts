// `wheelhouse wheel` against the real registry: an sdist-only project that depends on a
// wheel-only one becomes a directory of wheels, which pip (isolated, offline) installs from with
// --no-index --find-links.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { createVenv, makeDist, pip, type DistSpec } from "../support/python.ts";
import { packageSpec } from "../support/projects.ts";
import { describeRun, run } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";
import { twineUpload } from "../support/twine.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";

const TIMEOUT = { timeout: 300_000 };
let registry: TestRegistry;
// Built by the sdist's own PEP 517 backend (no build requirements): offline, with build isolation.
const appSpec: DistSpec = packageSpec("wheel-app", "1.0", { requires_dist: ["wheel-dep>=1"], wheel: false, sdist: true, backend: "in-tree" });
const depSpec: DistSpec = packageSpec("wheel-dep", "1.0");

before(async () => {
  registry = await startRegistry();
  const { token } = await registry.createUser("wheel-uploader", { scope: "upload" });
  const files = [...(await makeDist(appSpec)), ...(await makeDist(depSpec))];
  assert.deepEqual(files.map((f) => basename(f)).sort(), ["wheel_app-1.0.tar.gz", "wheel_dep-1.0-py3-none-any.whl"]);
  const upload = await twineUpload(`${registry.url}/`, files, { username: "__token__", password: token });
  assert.equal(upload.code, 0, describeRun("twine upload", upload));
});
after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

test("wheel building an sdist: -r requirements.txt -w DIR holds a wheel of every requirement, and pip installs from DIR offline", TIMEOUT, async () => {
  const work = await makeTempDir("wh-wheel-work-");
  await writeFile(join(work, "requirements.txt"), "wheel-app\n");
  const cache = await makeTempDir("wh-wheel-cache-");
  const args = ["wheel", "--cache-dir", cache, "--index-url", `${registry.url}/simple/`, "-r", "requirements.txt", "-w", "wheels"];
  const result = await wheelhouse(args, { cwd: work });
  assert.equal(result.code, 0, describeRun("wheelhouse wheel", result));
  const dir = join(work, "wheels");
  assert.deepEqual((await readdir(dir)).sort(), ["wheel_app-1.0-py3-none-any.whl", "wheel_dep-1.0-py3-none-any.whl"]);
  assert.match(result.stdout, /^Saved \.\/wheels\/wheel_dep-1\.0-py3-none-any\.whl$/m);
  assert.match(result.stdout, /^Building wheels for collected packages: wheel-app$/m);
  assert.match(result.stdout, /^Successfully built wheel-app$/m);
  // The sdist's backend builds the very wheel make_dist.py writes for the same spec.
  const [reference] = await makeDist({ ...appSpec, wheel: true, sdist: false });
  assert.deepEqual(await readFile(join(dir, "wheel_app-1.0-py3-none-any.whl")), await readFile(reference!));

  const venv = await createVenv(await makeTempDir("wh-wheel-venv-"));
  const install = await pip(venv, "install", ["--no-index", "--find-links", dir, "wheel-app"]);
  assert.equal(install.code, 0, describeRun("pip install --no-index --find-links", install));
  const imported = await run(venv.python, ["-c", "import wheel_app, wheel_dep; print(wheel_app.VERSION, wheel_dep.VERSION)"]);
  assert.equal(imported.stdout.trim(), "1.0 1.0", describeRun("import", imported));

  // Again into the same directory: what is there already is kept.
  const again = await wheelhouse(args, { cwd: work });
  assert.equal(again.code, 0, describeRun("wheelhouse wheel (again)", again));
  assert.match(again.stdout, /^File was already downloaded \.\/wheels\/wheel_dep-1\.0-py3-none-any\.whl$/m);
  assert.deepEqual((await readdir(dir)).sort(), ["wheel_app-1.0-py3-none-any.whl", "wheel_dep-1.0-py3-none-any.whl"]);
});
