import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { inspectPython, schemePaths, type InspectedEnvironment } from "../environment/inspect-python.ts";
import { installWheel } from "../installer/install-wheel.ts";
import { PYTHON, makeVenv, removeDir, run, tempDir } from "../../../test/installer-support.ts";
import { BuildError, buildWheel, prepareMetadata, readBuildSystem } from "./build-wheel.ts";

// A PEP 517 backend small enough to write here: it zips the package with a RECORD.
// It imports `helper_req` when asked to, to prove build requirements reach the backend.
const BACKEND = String.raw`
import base64, hashlib, os, zipfile

NAME, VERSION = "tiny_proj", "0.3"
DIST_INFO = "%s-%s.dist-info" % (NAME, VERSION)
METADATA = "Metadata-Version: 2.1\nName: tiny-proj\nVersion: 0.3\nSummary: built by tiny_backend\nRequires-Dist: something>=1\n"

def get_requires_for_build_wheel(config_settings=None):
    return ["helper-req"] if os.environ.get("TINY_NEEDS_HELPER") else []

def _files():
    files = {}
    for root, _, names in os.walk("tiny"):
        for n in names:
            if n.endswith(".py"):
                p = os.path.join(root, n)
                files[p.replace(os.sep, "/")] = open(p, "rb").read()
    files[DIST_INFO + "/METADATA"] = METADATA.encode()
    files[DIST_INFO + "/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tiny\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    return files

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    os.makedirs(os.path.join(metadata_directory, DIST_INFO))
    with open(os.path.join(metadata_directory, DIST_INFO, "METADATA"), "w") as f:
        f.write(METADATA + "X-Prepared: yes\n")
    return DIST_INFO

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if os.environ.get("TINY_NEEDS_HELPER"):
        import helper_req
        assert helper_req.OK
    name = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        for path, data in sorted(_files().items()):
            z.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append("%s,sha256=%s,%d" % (path, digest, len(data)))
        record.append(DIST_INFO + "/RECORD,,")
        z.writestr(DIST_INFO + "/RECORD", "\n".join(record) + "\n")
    return name
`;

describe("buildWheel", () => {
  let dir: string;
  let sdist: string;
  let env: InspectedEnvironment;
  before(async () => {
    dir = await tempDir();
    const src = path.join(dir, "tiny_proj-0.3");
    await mkdir(path.join(src, "tiny"), { recursive: true });
    await writeFile(path.join(src, "tiny", "__init__.py"), "ANSWER = 42\n");
    await writeFile(path.join(src, "tiny_backend.py"), BACKEND);
    await writeFile(path.join(src, "pyproject.toml"), '[build-system]\nrequires = []\nbuild-backend = "tiny_backend"\nbackend-path = ["."]\n');
    await writeFile(path.join(src, "PKG-INFO"), "Metadata-Version: 2.1\nName: tiny-proj\nVersion: 0.3\n");
    sdist = path.join(dir, "tiny_proj-0.3.tar.gz");
    const r = spawnSync(PYTHON, [
      "-c",
      "import sys, tarfile; t = tarfile.open(sys.argv[1], 'w:gz'); t.add(sys.argv[2], arcname='tiny_proj-0.3'); t.close()",
      sdist,
      src,
    ]);
    assert.equal(r.status, 0, r.stderr?.toString());
    env = await inspectPython(await makeVenv(path.join(dir, "venv")));
  });
  after(async () => removeDir(dir));

  test("builds with an in-tree backend, in isolation, and the wheel installs", async () => {
    const calls: string[][] = [];
    const wheel = await buildWheel(sdist, env, {
      outDir: path.join(dir, "out1"),
      installBuildRequirements: async (reqs) => {
        calls.push(reqs);
      },
    });
    assert.equal(path.basename(wheel), "tiny_proj-0.3-py3-none-any.whl");
    assert.deepEqual(calls, []);
    await installWheel(wheel, env, { compile: false });
    const r = await run(env.python, ["-c", "import tiny; print(tiny.ANSWER)"]);
    assert.equal(r.stdout, "42\n");
  });

  test("dynamic build requirements are installed into the isolated prefix the backend sees", async () => {
    const calls: { reqs: string[]; prefix: string }[] = [];
    process.env.TINY_NEEDS_HELPER = "1";
    try {
      const wheel = await buildWheel(sdist, env, {
        outDir: path.join(dir, "out2"),
        installBuildRequirements: async (reqs, prefix) => {
          calls.push({ reqs, prefix });
          // Stands in for the real installer: put the "requirement" into the prefix's site-packages.
          const lib = schemePaths(env.info, { kind: "prefix", prefix }).purelib;
          await mkdir(lib, { recursive: true });
          await writeFile(path.join(lib, "helper_req.py"), "OK = True\n");
        },
      });
      assert.ok(wheel.endsWith(".whl"));
    } finally {
      delete process.env.TINY_NEEDS_HELPER;
    }
    assert.deepEqual(
      calls.map((c) => c.reqs),
      [["helper-req"]],
    );
  });

  test("--no-build-isolation builds with the target environment as it is", async () => {
    let called = false;
    const wheel = await buildWheel(sdist, env, {
      outDir: path.join(dir, "out3"),
      buildIsolation: false,
      installBuildRequirements: async () => {
        called = true;
      },
    });
    assert.ok(wheel.endsWith(".whl"));
    assert.equal(called, false);
  });

  test("prepareMetadata uses prepare_metadata_for_build_wheel", async () => {
    const { distInfo, metadata } = await prepareMetadata(sdist, env, { outDir: path.join(dir, "meta") });
    assert.equal(path.basename(distInfo), "tiny_proj-0.3.dist-info");
    assert.match(metadata, /^X-Prepared: yes$/m);
    assert.match(await readFile(path.join(distInfo, "METADATA"), "utf8"), /^Requires-Dist: something>=1$/m);
  });

  test("a failing backend reports its traceback", async () => {
    const bad = path.join(dir, "bad-0.1");
    await mkdir(bad, { recursive: true });
    await writeFile(path.join(bad, "pyproject.toml"), '[build-system]\nrequires = []\nbuild-backend = "nowhere_backend"\nbackend-path = ["."]\n');
    const archive = path.join(dir, "bad-0.1.tar.gz");
    spawnSync(PYTHON, ["-c", "import sys, tarfile; t = tarfile.open(sys.argv[1], 'w:gz'); t.add(sys.argv[2], arcname='bad-0.1'); t.close()", archive, bad]);
    await assert.rejects(buildWheel(archive, env, { outDir: path.join(dir, "out4") }), (e: unknown) => {
      assert.ok(e instanceof BuildError);
      assert.equal(e.message, "The build backend of bad-0.1.tar.gz is invalid: Cannot import 'nowhere_backend'");
      return true;
    });
  });

  test("[build-system] rules follow pip", () => {
    assert.deepEqual(readBuildSystem("x.tar.gz", null), {
      requires: ["setuptools>=40.8.0", "wheel"],
      backend: "setuptools.build_meta:__legacy__",
      backendPath: [],
    });
    assert.deepEqual(readBuildSystem("x.tar.gz", { requires: ["flit_core"] }), {
      requires: ["flit_core"],
      backend: "setuptools.build_meta:__legacy__",
      backendPath: [],
    });
    assert.throws(() => readBuildSystem("x.tar.gz", {}), {
      message: "x.tar.gz has an invalid pyproject.toml file: the [build-system] table is missing the mandatory `requires` key.",
    });
  });
});
