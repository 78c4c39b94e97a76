import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpecifierSet } from "@wheelhouse/packaging";
import { targetsOf } from "./compatibility.ts";
import { fileMatches, requiresPythonAllows, selectReleases, type CandidateFile } from "./filter.ts";
import { parseSyncSelection } from "./sync-selection.ts";

function file(filename: string, extra: Partial<CandidateFile> = {}): CandidateFile {
  return { filename, packageType: filename.endsWith(".whl") ? "bdist_wheel" : "sdist", size: 1000n, requiresPython: null, yanked: false, ...extra };
}

describe("fileMatches", () => {
  const sel = parseSyncSelection({ pythons: ["3.11", "3.12"], platforms: ["manylinux_2_17_x86_64", "win_amd64"] });
  const targets = targetsOf(sel);
  const cases: [name: string, f: CandidateFile, selection: typeof sel, expected: boolean][] = [
    ["pure wheel", file("a-1.0-py3-none-any.whl"), sel, true],
    ["cp311 linux wheel", file("a-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"), sel, true],
    ["cp310 linux wheel", file("a-1.0-cp310-cp310-manylinux_2_17_x86_64.whl"), sel, false],
    ["cp312 mac wheel", file("a-1.0-cp312-cp312-macosx_11_0_arm64.whl"), sel, false],
    ["cp312 windows wheel", file("a-1.0-cp312-cp312-win_amd64.whl"), sel, true],
    ["abi3 wheel", file("a-1.0-cp39-abi3-win_amd64.whl"), sel, true],
    ["sdist", file("a-1.0.tar.gz"), sel, true],
    ["sdist with sdists: false", file("a-1.0.tar.gz"), { ...sel, sdists: false }, false],
    ["egg", file("a-1.0-py3.12.egg", { packageType: "bdist_egg" }), sel, false],
    ["too big", file("a-1.0-py3-none-any.whl", { size: 5000n }), { ...sel, maxFileSize: 4999 }, false],
    ["just fits", file("a-1.0-py3-none-any.whl", { size: 5000n }), { ...sel, maxFileSize: 5000 }, true],
    ["requires-python excludes every target", file("a-1.0-py3-none-any.whl", { requiresPython: ">=3.13" }), sel, false],
    ["requires-python admits one target", file("a-1.0-py3-none-any.whl", { requiresPython: ">=3.12" }), sel, true],
    ["requires-python on a patch level", file("a-1.0-py3-none-any.whl", { requiresPython: ">=3.12.2" }), sel, true],
    ["unreadable requires-python does not exclude", file("a-1.0-py3-none-any.whl", { requiresPython: "three" }), sel, true],
    ["broken wheel filename", file("not-a-wheel.whl"), sel, false],
  ];
  for (const [name, f, selection, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(fileMatches(f, selection, targets), expected));
  }
});

describe("requiresPythonAllows", () => {
  it("is open without target Pythons", () => assert.equal(requiresPythonAllows(">=4", undefined), true));
  it("excludes with !=3.12.*", () => assert.equal(requiresPythonAllows("!=3.12.*", ["3.12"]), false));
});

describe("selectReleases", () => {
  const releases = ["1.0", "1.1", "2.0", "2.1rc1", "3.0.dev1", "0.9"].map((version) => ({
    version,
    yanked: false,
    files: [file(`a-${version}-py3-none-any.whl`)],
  }));
  releases.push({ version: "1.5", yanked: true, files: [file("a-1.5-py3-none-any.whl")] });
  releases.push({ version: "1.6", yanked: false, files: [file("a-1.6-cp312-cp312-win_amd64.whl")] });
  releases.push({ version: "not a version", yanked: false, files: [file("a-x.tar.gz")] });
  const base = parseSyncSelection({ pythons: ["3.12"], platforms: ["manylinux_2_17_x86_64"] });
  const targets = targetsOf(base);
  const versions = (spec: string, extra: object = {}) => selectReleases(releases, new SpecifierSet(spec), { ...base, ...extra }, targets).map((r) => r.version);

  const cases: [spec: string, extra: object, expected: string[]][] = [
    ["", {}, ["2.0", "1.1", "1.0", "0.9"]],
    [">=1.0,<2", {}, ["1.1", "1.0"]],
    ["", { prereleases: true }, ["3.0.dev1", "2.1rc1", "2.0", "1.1", "1.0", "0.9"]],
    [">=2.1rc1", {}, ["3.0.dev1", "2.1rc1"]],
    ["", { latest: 2 }, ["2.0", "1.1"]],
    ["<2", { latest: 1 }, ["1.1"]],
    ["==1.5", {}, ["1.5"]],
    [">=1.5,<1.7", {}, []],
    ["~=1.0", {}, ["1.1", "1.0"]],
  ];
  for (const [spec, extra, expected] of cases) {
    it(`${JSON.stringify(spec)} ${JSON.stringify(extra)} → ${expected.join(", ") || "nothing"}`, () => assert.deepEqual(versions(spec, extra), expected));
  }

  it("takes the newest N for each target", () => {
    const multi = parseSyncSelection({ pythons: ["3.12"], platforms: ["manylinux_2_17_x86_64", "win_amd64"], latest: 1 });
    const picked = selectReleases(releases, new SpecifierSet(">=1.1,<2"), multi, targetsOf(multi)).map((r) => r.version);
    assert.deepEqual(picked, ["1.6", "1.1"]);
  });

  it("counts toward latest only the versions with a matching file", () => {
    // 1.6 has only a Windows wheel: not a candidate on linux, so it does not take a slot.
    assert.deepEqual(versions(">=1.1,<2", { latest: 1 }), ["1.1"]);
  });
});
