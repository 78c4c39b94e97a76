// `wheelhouse wheel` against a local PEP 691 index: wheels saved, an sdist built through PEP 517
// (with a build requirement from the same index), identical files kept, --no-deps, a failed
// build, and the directory installing with --no-index --find-links.
import assert from "node:assert/strict";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { removeDir, run, tempDir } from "../../test/installer-support.ts";
import { freshVenv, makeTestSdist, makeTestWheel, TestIndex, wheelhouse } from "../../test/test-index.ts";

describe("wheelhouse wheel", () => {
  let index: TestIndex;
  let dir: string;
  let python: string;
  let n = 0;
  const app = makeTestWheel("wheel-app", "1.0", { requires: ["built-lib"] });
  const speedup = makeTestWheel("speedup", "1.0");
  const helper = makeTestWheel("helper-req", "1.0", { files: { "helper_req.py": "OK = True\n" } });
  const solo = makeTestWheel("solo", "2.0");

  const cli = (args: string[], cwd?: string) => wheelhouse(args, { home: dir, ...(cwd ? { cwd } : {}) });
  const common = () => ["--python", python, "--cache-dir", path.join(dir, "cache"), "--index-url", index.url];
  const newDir = () => path.join(dir, `out-${n++}`);
  const wheelsIn = async (out: string) => (await readdir(out)).sort();

  before(async () => {
    dir = await tempDir("wh-wheel-test-");
    index = await new TestIndex().start();
    const builtLib = await makeTestSdist("built-lib", "0.3", { requires: ["helper-req"], imports: ["helper_req"], dependencies: ["speedup"] });
    const broken = await makeTestSdist("broken-build", "1.0", { failBuild: true });
    index.publish(app, speedup, helper, solo, builtLib, broken);
    ({ python } = await freshVenv(path.join(dir, "venv")));
  });
  after(async () => {
    await index.stop();
    await removeDir(dir);
  });

  test("wheel building an sdist: every pin's wheel lands in -w DIR, ready for --no-index --find-links", async () => {
    const out = newDir();
    const result = await cli(["wheel", ...common(), "-w", out, "wheel-app"], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await wheelsIn(out), ["built_lib-0.3-py3-none-any.whl", "speedup-1.0-py3-none-any.whl", "wheel_app-1.0-py3-none-any.whl"]);
    const rel = `./${path.basename(out)}`;
    assert.match(result.stdout, new RegExp(`^Saved ${rel}/wheel_app-1\\.0-py3-none-any\\.whl$`, "m"));
    assert.match(result.stdout, new RegExp(`^Saved ${rel}/speedup-1\\.0-py3-none-any\\.whl$`, "m"));
    assert.match(result.stdout, /^Building wheels for collected packages: built-lib$/m);
    assert.match(result.stdout, /^ {2}Created wheel for built-lib: filename=built_lib-0\.3-py3-none-any\.whl size=\d+ sha256=[0-9a-f]{64}$/m);
    assert.match(result.stdout, /^Successfully built built-lib$/m);
    // The build requirement was installed for the build only.
    assert.ok(!(await wheelsIn(out)).some((f) => f.startsWith("helper_req")));

    const venv = await freshVenv(path.join(dir, `venv-${n++}`));
    const offline = await cli(["install", "--python", venv.python, "--no-cache-dir", "--no-index", "--find-links", out, "wheel-app"]);
    assert.equal(offline.code, 0, offline.stderr);
    const imported = await run(venv.python, ["-c", "import wheel_app, built_lib, speedup; print(built_lib.BUILT)"]);
    assert.equal(imported.stdout, "True\n", imported.stderr);
  });

  test("a second run keeps identical files and replaces a different one; -r and the working directory as default", async () => {
    const out = newDir();
    const reqs = path.join(dir, `reqs-${n++}.txt`);
    await writeFile(reqs, "wheel-app\n");
    const first = await cli(["wheel", ...common(), "-w", out, "-r", reqs]);
    assert.equal(first.code, 0, first.stderr);
    const before = await stat(path.join(out, "built_lib-0.3-py3-none-any.whl"));
    await writeFile(path.join(out, "speedup-1.0-py3-none-any.whl"), "not the wheel");

    const second = await cli(["wheel", ...common(), "-r", reqs], out);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^File was already downloaded \.\/wheel_app-1\.0-py3-none-any\.whl$/m);
    assert.match(second.stdout, /^Saved \.\/speedup-1\.0-py3-none-any\.whl$/m);
    assert.deepEqual(await readFile(path.join(out, "speedup-1.0-py3-none-any.whl")), speedup.body);
    assert.equal((await stat(path.join(out, "built_lib-0.3-py3-none-any.whl"))).mtimeMs, before.mtimeMs, "the identical built wheel is kept");
    assert.match(second.stdout, /^Collecting wheel-app$/m);
  });

  test("--no-deps saves only what was named", async () => {
    const out = newDir();
    const result = await cli(["wheel", ...common(), "--no-deps", "-w", out, "wheel-app", "solo"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await wheelsIn(out), ["solo-2.0-py3-none-any.whl", "wheel_app-1.0-py3-none-any.whl"]);
    assert.doesNotMatch(result.stdout, /Building wheels/);
  });

  test("a failed build does not stop the others; the run fails as pip's does", async () => {
    const out = newDir();
    const result = await cli(["wheel", ...common(), "-w", out, "broken-build", "solo"]);
    assert.equal(result.code, 1);
    assert.deepEqual(await wheelsIn(out), ["solo-2.0-py3-none-any.whl"]);
    assert.match(result.stderr, /this build fails on purpose/);
    assert.match(result.stderr, /^ {2}ERROR: Failed building wheel for broken-build$/m);
    assert.match(result.stdout, /^Failed to build broken-build$/m);
    assert.match(result.stderr, /ERROR: Failed to build one or more wheels\n$/);
  });

  test("no requirement, and a project the index does not have", async () => {
    const none = await cli(["wheel", ...common()]);
    assert.deepEqual([none.code, none.stderr], [1, 'ERROR: You must give at least one requirement to wheel (see "wheelhouse help wheel")\n']);
    const missing = await cli(["wheel", ...common(), "-w", newDir(), "no-such-project"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^ERROR: No matching distribution found for no-such-project$/m);
  });
});
