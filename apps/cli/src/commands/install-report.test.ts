// `wheelhouse install --report` against pip's own `install --dry-run --ignore-installed --report`
// (pip 23.2, isolated, `--python` into the same fresh venv) for the same requirements from a
// local index: wheels with PEP 658 metadata, extras, an sdist built for its metadata, a local
// wheel path, a project directory and an editable one.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { canonicalizeName } from "@wheelhouse/packaging";
import { buildWheel } from "@wheelhouse/testing";
import { pip, removeDir, tempDir } from "../../test/installer-support.ts";
import { freshVenv, makeTestSdist, makeTestWheel, TestIndex, wheelhouse, type Dist } from "../../test/test-index.ts";
import { makeTestProject } from "../../test/test-project.ts";

/** A wheel whose METADATA is exactly `metadata` (its Name and Version lines first). */
function wheelWithMetadata(name: string, version: string, metadata: string): Dist {
  const built = buildWheel({ name, version, metadata });
  return { name, version, filename: built.filename, body: built.body, metadata };
}

type Report = { version: string; pip_version: string; install: Record<string, unknown>[]; environment: Record<string, string> };
const byName = (report: Report) =>
  new Map<string, Record<string, unknown>>(report.install.map((item) => [canonicalizeName((item.metadata as { name: string }).name), item]));

describe("wheelhouse install --report", () => {
  let index: TestIndex;
  let dir: string;
  let localWheel: string;
  let n = 0;
  const app = wheelWithMetadata(
    "Report-App",
    "1.0",
    [
      "Metadata-Version: 2.1",
      "Name: Report-App",
      "Version: 1.0",
      "Summary: The app of the report test",
      "Home-page: https://example.org/app",
      "Author-email: Zoë <zoe@example.org>",
      "License: MIT",
      "Keywords: report, test",
      "Classifier: Programming Language :: Python :: 3",
      "Classifier: Operating System :: OS Independent",
      "Requires-Python: >=3.8",
      "Project-URL: Source, https://example.org/app/src",
      "Provides-Extra: fast",
      "Requires-Dist: report-lib>=1",
      'Requires-Dist: report-fast; extra == "fast"',
      "Description-Content-Type: text/markdown",
      "",
      "# Report app",
      "",
      "Its long description — with non-ASCII.",
      "",
    ].join("\n"),
  );
  const lib1 = makeTestWheel("report-lib", "1.0");
  const lib2 = makeTestWheel("report-lib", "2.0");
  const fast = makeTestWheel("report-fast", "1.0");
  const direct = makeTestWheel("direct-whl", "3.0");
  let sdist: Dist;

  const cli = (args: string[]) => wheelhouse(args, { home: dir, cwd: dir });
  const common = () => ["--cache-dir", path.join(dir, "cache"), "--index-url", index.url];
  const venv = () => freshVenv(path.join(dir, `venv-${n++}`));

  before(async () => {
    dir = await tempDir("wh-install-report-");
    index = await new TestIndex().start();
    sdist = await makeTestSdist("built-proj", "0.3", { dependencies: ["report-lib<2"] });
    index.publish(app, lib1, lib2, fast, sdist);
    localWheel = path.join(dir, direct.filename);
    await writeFile(localWheel, direct.body);
    await makeTestProject(path.join(dir, "proj"), "edit-proj", "0.1", {
      dependencies: ["report-fast"],
      headers: ["Summary: edited in place", "Keywords: a b"],
    });
    await makeTestProject(path.join(dir, "proj2"), "dir-proj", "0.2");
  });
  after(async () => {
    await index.stop();
    await removeDir(dir);
  });

  test("--dry-run --ignore-installed --report -: JSON alone on stdout, the items, keys and values of pip's report", async () => {
    const { python } = await venv();
    const requirements = ["report-app[fast]", "built-proj", localWheel, "-e", path.join(dir, "proj"), path.join(dir, "proj2")];
    const ours = await cli(["install", "--python", python, ...common(), "--dry-run", "--ignore-installed", "--report", "-", ...requirements]);
    assert.equal(ours.code, 0, ours.stderr);
    const report = JSON.parse(ours.stdout) as Report;
    // The log went to stderr.
    assert.match(ours.stderr, /^Would install /m);

    const pipFile = path.join(dir, "pip-report.json");
    const theirs = await pip(python, [
      "install",
      "--no-cache-dir",
      "--dry-run",
      "--ignore-installed",
      "--report",
      pipFile,
      "--index-url",
      index.url,
      ...requirements,
    ]);
    assert.equal(theirs.code, 0, theirs.stderr);
    const expected = JSON.parse(await readFile(pipFile, "utf8")) as Report;

    assert.deepEqual(Object.keys(report), Object.keys(expected));
    assert.equal(report.version, "1");
    assert.deepEqual(report.environment, expected.environment);
    const mine = byName(report);
    const pips = byName(expected);
    assert.deepEqual([...mine.keys()].sort(), ["built-proj", "dir-proj", "direct-whl", "edit-proj", "report-app", "report-fast", "report-lib"]);
    assert.deepEqual([...mine.keys()].sort(), [...pips.keys()].sort());
    for (const [name, item] of mine) {
      const other = pips.get(name)!;
      // pip 23.2 predates is_yanked (pip 24 added it, after is_direct).
      const keys = Object.keys(other).includes("is_yanked") ? Object.keys(item) : Object.keys(item).filter((k) => k !== "is_yanked");
      assert.deepEqual(keys, Object.keys(other), name);
      assert.equal(item.is_yanked, false, name);
      for (const key of Object.keys(other)) assert.deepEqual(item[key], other[key], `${name}: ${key}`);
    }
    assert.deepEqual(mine.get("report-app")!.requested_extras, ["fast"]);
    assert.deepEqual(mine.get("edit-proj")!.download_info, { url: `file://${path.join(dir, "proj")}`, dir_info: { editable: true } });
    assert.deepEqual(mine.get("dir-proj")!.download_info, { url: `file://${path.join(dir, "proj2")}`, dir_info: {} });
  });

  test("--report FILE (relative to the current directory) after a real install; stdout keeps the log", async () => {
    const { python, site } = await venv();
    // A report that cannot be written is found out before anything is installed.
    const result = await cli(["install", "--python", python, ...common(), "--report", "out/report.json", "report-lib==1.0"]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `ERROR: Could not write the installation report to ${path.join(dir, "out", "report.json")}: ${path.join(dir, "out")} is not a directory.\n`,
    );
    assert.deepEqual(
      (await readdir(site)).filter((f) => f.startsWith("report")),
      [],
    );

    const installed = await cli(["install", "--python", python, ...common(), "--report", "report.json", "report-lib==1.0"]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /^Successfully installed report-lib-1\.0$/m);
    const report = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as Report;
    assert.equal(report.install.length, 1);
    // Installed already: an empty install list.
    const again = await cli(["install", "--python", python, ...common(), "--report", "report.json", "report-lib==1.0"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Requirement already satisfied: report-lib==1\.0 /m);
    assert.deepEqual((JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as Report).install, []);
    const sha = createHash("sha256").update(lib1.body).digest("hex");
    assert.deepEqual(report.install[0], {
      download_info: { url: index.server.url(`/files/${lib1.filename}`), archive_info: { hash: `sha256=${sha}`, hashes: { sha256: sha } } },
      is_direct: false,
      is_yanked: false,
      requested: true,
      metadata: { metadata_version: "2.1", name: "report-lib", version: "1.0" },
    });
  });
});
