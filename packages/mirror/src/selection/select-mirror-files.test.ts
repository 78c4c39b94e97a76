import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import type { Index } from "@wheelhouse/db";
import { createTestDatabase, type TestDatabase } from "@wheelhouse/db/testing";
import { FakeMirror, metadataFor, type FakeUpstream } from "../testing/fake-mirror.ts";
import { selectMirrorFiles } from "./select-mirror-files.ts";

const log = pino({ level: "silent" });
let testDb: TestDatabase;

before(async () => {
  testDb = await createTestDatabase();
});
after(() => testDb.drop());

let n = 0;
async function mirrorIndex(): Promise<Index> {
  return testDb.db.index.create({ data: { name: `mirror-${++n}`, kind: "mirror", upstreamUrl: "http://127.0.0.1:9/simple/" } });
}

const upstream: FakeUpstream = {
  app: {
    "1.0": [{ filename: "app-1.0-py3-none-any.whl", coreMetadata: metadataFor("app", "1.0", ["lib>=2"]) }],
    "2.0": [
      {
        filename: "app-2.0-py3-none-any.whl",
        coreMetadata: metadataFor("app", "2.0", [
          "lib>=2",
          'winonly; sys_platform == "win32"',
          'oldpy; python_version < "3.10"',
          'extra-dep; extra == "fancy"',
          "blocked-dep",
          "missing-dep",
        ]),
      },
      { filename: "app-2.0.tar.gz" },
    ],
  },
  lib: {
    "1.0": [{ filename: "lib-1.0-py3-none-any.whl", lazyMetadata: metadataFor("lib", "1.0") }],
    "2.0": [{ filename: "lib-2.0-py3-none-any.whl", lazyMetadata: metadataFor("lib", "2.0", ["core[speed]"]) }],
    "2.1": [
      { filename: "lib-2.1-cp312-cp312-manylinux_2_17_x86_64.whl", lazyMetadata: metadataFor("lib", "2.1", ["core"]) },
      { filename: "lib-2.1-cp312-cp312-win_amd64.whl", lazyMetadata: metadataFor("lib", "2.1", ["core"]) },
    ],
  },
  core: {
    "1.0": [{ filename: "core-1.0-py3-none-any.whl", coreMetadata: metadataFor("core", "1.0", ['speedups; extra == "speed"']) }],
  },
  speedups: { "1.0": [{ filename: "speedups-1.0-py3-none-any.whl", coreMetadata: metadataFor("speedups", "1.0") }] },
  winonly: { "1.0": [{ filename: "winonly-1.0-py3-none-any.whl", coreMetadata: metadataFor("winonly", "1.0") }] },
  oldpy: { "1.0": [{ filename: "oldpy-1.0-py3-none-any.whl", coreMetadata: metadataFor("oldpy", "1.0") }] },
  "extra-dep": { "1.0": [{ filename: "extra_dep-1.0-py3-none-any.whl", coreMetadata: metadataFor("extra-dep", "1.0") }] },
  "blocked-dep": { "1.0": [{ filename: "blocked_dep-1.0-py3-none-any.whl" }] },
  "acme-one": { "1.0": [{ filename: "acme_one-1.0-py3-none-any.whl", coreMetadata: metadataFor("acme-one", "1.0") }] },
  "acme-two": { "1.0": [{ filename: "acme_two-1.0-py3-none-any.whl", coreMetadata: metadataFor("acme-two", "1.0") }] },
};

describe("selectMirrorFiles", () => {
  it("follows dependencies to a closure over the target environments", async () => {
    const index = await mirrorIndex();
    const mirror = new FakeMirror(testDb.db, upstream);
    const result = await selectMirrorFiles(
      { db: testDb.db, log, mirror },
      index,
      { allow: ["app==2.0"], block: ["blocked-*"], pythons: ["3.12"], platforms: ["manylinux_2_17_x86_64"], sdists: false },
      { useUpstreamSerials: false },
    );
    assert.deepEqual(result.files.map((f) => f.filename).sort(), [
      "app-2.0-py3-none-any.whl",
      "core-1.0-py3-none-any.whl",
      "lib-2.0-py3-none-any.whl",
      "lib-2.1-cp312-cp312-manylinux_2_17_x86_64.whl",
      "speedups-1.0-py3-none-any.whl",
    ]);
    assert.deepEqual(result.projects, ["app", "core", "lib", "speedups"]);
    assert.deepEqual(result.problems, ["missing-dep: not found upstream (required by app 2.0)"]);
    // Metadata fetched only where no stored copy existed, once per selected release.
    assert.equal(mirror.calls.ensureMetadata.length, 2);
  });

  it("keeps what any target needs: more platforms and Pythons, extras, latest-N", async () => {
    const index = await mirrorIndex();
    const mirror = new FakeMirror(testDb.db, upstream);
    const result = await selectMirrorFiles(
      { db: testDb.db, log, mirror },
      index,
      { allow: ["app[fancy]"], pythons: ["3.9", "3.12"], platforms: ["manylinux_2_17_x86_64", "win_amd64"], latest: 1 },
      { useUpstreamSerials: false },
    );
    const names = result.files.map((f) => f.filename).sort();
    assert.deepEqual(names, [
      "app-2.0-py3-none-any.whl",
      "app-2.0.tar.gz",
      "blocked_dep-1.0-py3-none-any.whl",
      "core-1.0-py3-none-any.whl",
      "extra_dep-1.0-py3-none-any.whl",
      // latest: 1 for each target: 2.1 has wheels for CPython 3.12 only, so 3.9 keeps 2.0.
      "lib-2.0-py3-none-any.whl",
      "lib-2.1-cp312-cp312-manylinux_2_17_x86_64.whl",
      "lib-2.1-cp312-cp312-win_amd64.whl",
      "oldpy-1.0-py3-none-any.whl",
      "speedups-1.0-py3-none-any.whl",
      "winonly-1.0-py3-none-any.whl",
    ]);
    assert.ok(result.problems.includes("blocked-dep 1.0: its dependencies could not be read (no metadata); not followed"));
  });

  it("reads requirements.txt and patterns over known names, and reports what it cannot do", async () => {
    const index = await mirrorIndex();
    const mirror = new FakeMirror(testDb.db, upstream);
    // The mirror knows acme-one already (pull-through); acme-two only upstream knows, and
    // upstream's listing is unreachable here.
    await mirror.ensureProject(index, "acme-one" as never);
    const result = await selectMirrorFiles({ db: testDb.db, log, mirror }, index, {
      patterns: ["acme-*"],
      requirements: "core==1.0\n-e .\nnope==1 ; python_version < '2'\n",
      block: ["app"],
      allow: ["app"],
    });
    assert.deepEqual(result.files.map((f) => f.filename).sort(), ["acme_one-1.0-py3-none-any.whl", "core-1.0-py3-none-any.whl"]);
    assert.deepEqual(
      result.problems.map((p) => p.replace(/\(.*\)/, "(…)")),
      [
        "patterns: upstream's project list is unavailable (…); matched only the projects the mirror knows",
        'requirements line 2: option "-e" ignored',
        "app: blocked by the selection",
      ],
    );
  });

  it("skips the pages whose upstream serial did not change", async () => {
    const index = await mirrorIndex();
    const mirror = new FakeMirror(testDb.db, upstream, { core: 7, speedups: 3 });
    const deps = { db: testDb.db, log, mirror };
    const first = await selectMirrorFiles(deps, index, { allow: ["core[speed]"] }, { force: true });
    assert.deepEqual(first.stats, { refreshed: 2, unchangedBySerial: 0 });
    await testDb.db.mirrorPage.updateMany({ where: { indexId: index.id, name: "core" }, data: { upstreamSerial: 7 } });
    await testDb.db.mirrorPage.updateMany({ where: { indexId: index.id, name: "speedups" }, data: { upstreamSerial: 2 } });
    const second = await selectMirrorFiles(deps, index, { allow: ["core[speed]"] }, { force: true });
    assert.deepEqual(second.stats, { refreshed: 1, unchangedBySerial: 1 });
    assert.deepEqual(
      second.files.map((f) => f.filename),
      first.files.map((f) => f.filename),
    );
    assert.deepEqual(mirror.calls.ensureProject, ["core", "speedups", "speedups"]);
  });
});
