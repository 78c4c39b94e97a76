import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { PYTHON, isolatedEnv, makeVenv, removeDir, tempDir } from "../../../test/installer-support.ts";
import { findPython } from "./find-python.ts";
import { inspectPython, schemePaths } from "./inspect-python.ts";

const execFileAsync = promisify(execFile);

// What pip itself computes, asked of pip's internals in the same interpreter.
const PIP_VIEW = String.raw`
import json, sys
from pip._internal.locations import get_scheme
from pip._internal.utils.compatibility_tags import get_supported
from pip._vendor.packaging.markers import default_environment
prefix = sys.argv[1]
def scheme(**kw):
    s = get_scheme("Dist", **kw)
    return {"purelib": s.purelib, "platlib": s.platlib, "scripts": s.scripts, "data": s.data, "headers": s.headers}
print(json.dumps({
    "tags": [str(t) for t in get_supported()],
    "markers": default_environment(),
    "default": scheme(),
    "user": scheme(user=True),
    "prefix": scheme(prefix=prefix),
}))
`;

const versions = path.join(os.homedir(), ".pyenv", "versions");

describe("inspectPython", () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
  });
  after(async () => removeDir(dir));

  test("answers as pip does: tags, markers, schemes (venv and base interpreter)", async () => {
    const venvPython = await makeVenv(path.join(dir, "venv"), { withPip: false });
    for (const python of [venvPython, (await execFileAsync(PYTHON, ["-c", "import sys; print(sys.executable)"])).stdout.trim()]) {
      const prefix = path.join(dir, "pfx");
      // Run pip's view inside the target interpreter, with the base interpreter's pip importable.
      const pipDir = (await execFileAsync(PYTHON, ["-c", "import os, pip; print(os.path.dirname(os.path.dirname(pip.__file__)))"])).stdout.trim();
      const view = JSON.parse(
        (
          await execFileAsync(python, ["-c", `import sys; sys.path.append(${JSON.stringify(pipDir)}); exec(${JSON.stringify(PIP_VIEW)})`, prefix], {
            env: isolatedEnv(),
          })
        ).stdout,
      );
      const env = await inspectPython(python);
      assert.deepEqual(env.tags.map(String), view.tags);
      assert.deepEqual({ ...env.markers }, view.markers);
      const d = env.paths;
      assert.deepEqual({ purelib: d.purelib, platlib: d.platlib, scripts: d.scripts, data: d.data, headers: path.join(d.include, "Dist") }, view.default);
      const p = schemePaths(env.info, { kind: "prefix", prefix });
      assert.deepEqual({ purelib: p.purelib, platlib: p.platlib, scripts: p.scripts, data: p.data, headers: path.join(p.include, "Dist") }, view.prefix);
      const u = schemePaths(env.info, { kind: "user" });
      assert.deepEqual({ purelib: u.purelib, platlib: u.platlib, scripts: u.scripts, data: u.data, headers: path.join(u.include, "Dist") }, view.user);
      assert.equal(env.isVirtualEnv, python === venvPython);
    }
  });

  test("the built-in tag computation equals pip's, on every Python at hand", async () => {
    const pythons = existsSync(versions) ? (await readdir(versions)).filter((v) => /^3\.(\d+)\./.test(v) && Number(v.split(".")[1]) >= 7) : [];
    for (const v of pythons) {
      const python = path.join(versions, v, "bin", "python3");
      try {
        process.env.WHEELHOUSE_INSPECT_TAGS = "pip";
        const withPip = await inspectPython(python);
        process.env.WHEELHOUSE_INSPECT_TAGS = "builtin";
        const builtin = await inspectPython(python);
        assert.equal(builtin.info.tagsSource, "builtin");
        if (withPip.info.tagsSource === "pip") assert.deepEqual(builtin.info.tags, withPip.info.tags, v);
      } finally {
        delete process.env.WHEELHOUSE_INSPECT_TAGS;
      }
    }
  });

  test("the answer is cached per interpreter path, mtime and size", async () => {
    const python = await makeVenv(path.join(dir, "venv-cache"));
    const cacheDir = path.join(dir, "cache");
    const first = await inspectPython(python, { cacheDir });
    const files = await readdir(path.join(cacheDir, "interpreters"));
    assert.equal(files.length, 1);
    const again = await inspectPython(python, { cacheDir, scheme: { kind: "target", target: path.join(dir, "t") } });
    assert.deepEqual(again.info, first.info);
    assert.equal(again.paths.purelib, path.join(dir, "t"));
    assert.equal(again.paths.scripts, path.join(dir, "t", "bin"));
    assert.equal((await readdir(path.join(cacheDir, "interpreters"))).length, 1);
    // The second answer really came from the cache file.
    const file = path.join(cacheDir, "interpreters", files[0]!);
    const cached = JSON.parse(await readFile(file, "utf8"));
    cached.version = "from the cache";
    await writeFile(file, JSON.stringify(cached));
    assert.equal((await inspectPython(python, { cacheDir })).info.version, "from the cache");
    assert.notEqual((await inspectPython(python)).info.version, "from the cache");
  });

  test("a new venv of an interpreter already inspected is answered from the cache, relocated", async () => {
    const cacheDir = path.join(dir, "cache-venvs");
    const first = await makeVenv(path.join(dir, "venv-t1"));
    const second = await makeVenv(path.join(dir, "venv-t2"));
    await inspectPython(first, { cacheDir });
    const files = await readdir(path.join(cacheDir, "interpreters"));
    assert.equal(files.length, 1);
    const file = path.join(cacheDir, "interpreters", files[0]!);
    const cached = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify({ ...cached, version: "from the cache" }));
    const answer = await inspectPython(second, { cacheDir });
    assert.equal(answer.info.version, "from the cache");
    assert.deepEqual(await readdir(path.join(cacheDir, "interpreters")), files);
    await writeFile(file, JSON.stringify(cached));
    // Relocated, it is exactly what the interpreter says.
    assert.deepEqual((await inspectPython(second, { cacheDir })).info, (await inspectPython(second)).info);
    const [major, minor] = answer.info.versionInfo;
    assert.equal(answer.paths.purelib, path.join(dir, "venv-t2", "lib", `python${major}.${minor}`, "site-packages"));
  });

  test("a missing interpreter is one clear sentence", async () => {
    await assert.rejects(inspectPython(path.join(dir, "nope", "python")), { message: `No Python interpreter at ${path.join(dir, "nope", "python")}.` });
  });
});

describe("findPython", () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
  });
  after(async () => removeDir(dir));

  test("--python (a venv directory or an interpreter), then $VIRTUAL_ENV, then python3 on PATH", async () => {
    const venv = path.join(dir, "v");
    const python = await makeVenv(venv);
    assert.equal(await findPython({ python: venv, env: {} }), python);
    assert.equal(await findPython({ python, env: {} }), python);
    assert.equal(await findPython({ env: { VIRTUAL_ENV: venv, PATH: "/nonexistent" } }), python);
    assert.equal(await findPython({ env: { PATH: path.join(venv, "bin") } }), path.join(venv, "bin", "python3"));
    await assert.rejects(findPython({ python: dir, env: {} }), { message: `--python ${dir}: the directory is not a virtual environment (no bin/python).` });
    await assert.rejects(findPython({ env: { PATH: "/nonexistent" } }), {
      message: "No Python interpreter found: activate a virtual environment, put python3 on PATH, or pass --python.",
    });
  });
});
