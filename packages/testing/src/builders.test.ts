// The builders checked by Python's own readers (zipfile, tarfile, and the backend run as pip's
// build frontend would): what a test builds is what real tools read.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { backendProjectFiles, buildSdist, buildWheel, buildZip, makeTempDir, metadataText, wheelMembers, writeTree, type TempDir } from "./index.ts";

const PYTHON = process.env.WHEELHOUSE_TEST_PYTHON ?? "python3";
const noPython = spawnSync(PYTHON, ["-c", "pass"]).status === 0 ? false : `${PYTHON} is not available; skipped`;

function python(script: string, ...args: string[]): unknown {
  const result = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

// RECORD checked as pip checks it: every member listed with its sha256 and size, RECORD itself without.
const READ_WHEEL = `
import base64, csv, hashlib, io, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    info = {i.filename: i for i in z.infolist()}
    record = next(n for n in info if n.endswith(".dist-info/RECORD"))
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(z.read(record).decode()))}
    bad = []
    for name in info:
        data = z.read(name)
        digest = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        want = ["", ""] if name == record else [digest, str(len(data))]
        if rows.get(name) != want: bad.append(name)
    metadata = next(n for n in info if n.endswith(".dist-info/METADATA"))
    print(json.dumps({"names": list(info), "modes": {n: oct(i.external_attr >> 16) for n, i in info.items()}, "bad": bad,
                      "metadata": z.read(metadata).decode(), "dates": sorted({i.date_time for i in info.values()})}))
`;

interface WheelRead {
  names: string[];
  modes: Record<string, string>;
  bad: string[];
  metadata: string;
  dates: unknown[];
}

let dir: TempDir;
before(async () => (dir = await makeTempDir()));
after(() => dir.remove());

describe("buildWheel", () => {
  it("writes METADATA, WHEEL, entry points, .data files and modes, and a RECORD pip accepts", { skip: noPython }, async () => {
    const wheel = buildWheel({
      name: "Demo.Pkg",
      version: "1.0",
      requiresDist: ["idna>=3"],
      files: { "demo_pkg/__init__.py": "X = 1\n", "{data}/scripts/tool": { content: "#!python\n", mode: 0o755 } },
      entryPoints: "[console_scripts]\ndemo = demo_pkg:main\n",
    });
    assert.equal(wheel.filename, "Demo_Pkg-1.0-py3-none-any.whl");
    const read = python(READ_WHEEL, await dir.write(wheel.filename, wheel.body)) as WheelRead;
    assert.deepEqual(read.names, [
      "demo_pkg/__init__.py",
      "Demo_Pkg-1.0.data/scripts/tool",
      "Demo_Pkg-1.0.dist-info/METADATA",
      "Demo_Pkg-1.0.dist-info/WHEEL",
      "Demo_Pkg-1.0.dist-info/entry_points.txt",
      "Demo_Pkg-1.0.dist-info/RECORD",
    ]);
    assert.deepEqual(read.bad, []);
    assert.equal(read.modes["Demo_Pkg-1.0.data/scripts/tool"], "0o100755");
    assert.equal(read.modes["demo_pkg/__init__.py"], "0o100644");
    assert.equal(read.metadata, "Metadata-Version: 2.1\nName: Demo.Pkg\nVersion: 1.0\nRequires-Dist: idna>=3\n");
    assert.equal(read.metadata, wheel.metadata);
    assert.deepEqual(read.dates, [[2020, 1, 1, 0, 0, 0]]);
  });

  it("gives the same bytes for the same spec", () => {
    assert.deepEqual(buildWheel({ name: "a", version: "1" }).body, buildWheel({ name: "a", version: "1" }).body);
    assert.notDeepEqual(buildWheel({ name: "a", version: "1" }).body, buildWheel({ name: "a", version: "1", padding: 1 }).body);
  });

  it("leaves files out, takes other METADATA and WHEEL text, and tampers with RECORD on request", { skip: noPython }, async () => {
    const record = (text: string) => text.replace(/sha256=[^,]+/, "sha256=x");
    const wheel = buildWheel({ name: "t", version: "1", omit: ["WHEEL"], metadata: "Name: other\n", record });
    const read = python(READ_WHEEL, await dir.write(wheel.filename, wheel.body)) as WheelRead;
    assert.deepEqual(read.names, ["t/__init__.py", "t-1.dist-info/METADATA", "t-1.dist-info/RECORD"]);
    assert.deepEqual(read.bad, ["t/__init__.py"]);
    assert.equal(read.metadata, "Name: other\n");
  });

  it("wheelMembers: the same members for buildZip, with overrides and another .dist-info name", { skip: noPython }, async () => {
    const members = wheelMembers({ name: "t", version: "1" }, { distInfo: "T-1.dist-info", overrides: { "T-1.dist-info/WHEEL": undefined, "extra.txt": "x" } });
    assert.deepEqual(
      members.map((m) => m.name),
      ["t/__init__.py", "T-1.dist-info/METADATA", "T-1.dist-info/RECORD", "extra.txt"],
    );
    const path = await dir.write("raw.whl", buildZip(members));
    const read = python(READ_WHEEL, path) as { bad: string[] };
    // RECORD was written before the overrides: WHEEL is listed but gone, extra.txt is not listed.
    assert.deepEqual(read.bad, ["extra.txt"]);
  });
});

describe("buildSdist", () => {
  const READ_SDIST = `
import json, sys, tarfile, zipfile
path = sys.argv[1]
if path.endswith(".zip"):
    with zipfile.ZipFile(path) as z:
        print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))
else:
    with tarfile.open(path) as t:
        print(json.dumps({m.name: t.extractfile(m).read().decode() for m in t.getmembers() if m.isfile()}))
`;
  for (const format of ["tar.gz", "zip"] as const) {
    it(`writes one top directory with PKG-INFO and the files (${format})`, { skip: noPython }, async () => {
      const sdist = buildSdist({ name: "demo-pkg", version: "2.0", summary: "S", format, files: { "setup.py": "from setuptools import setup\n" } });
      assert.equal(sdist.filename, `demo_pkg-2.0.${format}`);
      const read = python(READ_SDIST, await dir.write(sdist.filename, sdist.body));
      assert.deepEqual(read, {
        "demo_pkg-2.0/PKG-INFO": metadataText({ name: "demo-pkg", version: "2.0", summary: "S" }),
        "demo_pkg-2.0/setup.py": "from setuptools import setup\n",
      });
      assert.equal(sdist.pkgInfo, "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 2.0\nSummary: S\n");
    });
  }
});

describe("backendProjectFiles", () => {
  it("is a project whose in-tree backend builds a wheel and an editable wheel, logging its hooks", { skip: noPython }, async () => {
    const project = join(dir.path, "project");
    await writeTree(project, backendProjectFiles("Demo-Proj", "0.1", { dependencies: ["idna"], imports: ["json"] }));
    const out = join(dir.path, "out");
    const hooks = `
import json, os, sys
sys.path.insert(0, ".")
import test_backend as b
os.makedirs(sys.argv[1], exist_ok=True)
wheel = b.build_wheel(sys.argv[1])
editable = b.build_editable(sys.argv[1])
print(json.dumps([wheel, editable, open("hooks.log").read().split()]))
`;
    const result = spawnSync(PYTHON, ["-c", hooks, out], { cwd: project, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [
      "Demo_Proj-0.1-py3-none-any.whl",
      "Demo_Proj-0.1-0.editable-py3-none-any.whl",
      ["build_wheel", "build_editable"],
    ]);
    const read = python(READ_WHEEL, join(out, "Demo_Proj-0.1-py3-none-any.whl")) as WheelRead;
    assert.ok(read.names.includes("demo_proj/__init__.py"));
    assert.deepEqual(read.bad, []);
    assert.match(read.metadata, /^Metadata-Version: 2\.1\nName: Demo-Proj\nVersion: 0\.1\nRequires-Dist: idna\n\nThe Demo-Proj project/);
  });

  it("fails its build on request, after printing", { skip: noPython }, async () => {
    const project = join(dir.path, "failing");
    await writeTree(project, backendProjectFiles("bad", "1", { failBuild: true, editable: false }));
    const script = "import sys; sys.path.insert(0, '.'); import test_backend as b; assert not hasattr(b, 'build_editable'); b.build_wheel('out')";
    const result = spawnSync(PYTHON, ["-c", script], { cwd: project, encoding: "utf8" });
    assert.notEqual(result.status, 0);
    assert.match(result.stdout, /compiling the impossible/);
    assert.match(result.stderr, /this build fails on purpose/);
  });
});
