import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseTag } from "@wheelhouse/packaging";
import { isTagCompatible, isWheelCompatible, platformSatisfies, targetsOf } from "./compatibility.ts";

describe("platformSatisfies", () => {
  const cases: [wheel: string, target: string, expected: boolean][] = [
    ["any", "win_amd64", true],
    ["win_amd64", "win_amd64", true],
    ["win32", "win_amd64", false],
    ["win_arm64", "win_amd64", false],
    // PEP 600 and its legacy aliases
    ["manylinux_2_17_x86_64", "manylinux_2_17_x86_64", true],
    ["manylinux2014_x86_64", "manylinux_2_17_x86_64", true],
    ["manylinux_2_17_x86_64", "manylinux2014_x86_64", true],
    ["manylinux1_x86_64", "manylinux_2_17_x86_64", true],
    ["manylinux2010_x86_64", "manylinux2014_x86_64", true],
    ["manylinux_2_17_x86_64", "manylinux_2_28_x86_64", true],
    ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", false],
    ["manylinux_2_28_x86_64", "manylinux2014_x86_64", false],
    ["manylinux_2_17_aarch64", "manylinux_2_17_x86_64", false],
    ["manylinux_2_17_i686", "manylinux_2_17_x86_64", false],
    ["musllinux_1_1_x86_64", "musllinux_1_2_x86_64", true],
    ["musllinux_1_2_x86_64", "musllinux_1_1_x86_64", false],
    ["musllinux_1_1_x86_64", "manylinux_2_17_x86_64", false],
    ["manylinux_2_17_x86_64", "musllinux_1_2_x86_64", false],
    ["linux_x86_64", "manylinux_2_17_x86_64", false],
    ["manylinux_2_35_x86_64", "linux_x86_64", true],
    // macOS: version ≤ target, architectures that run on it
    ["macosx_10_9_x86_64", "macosx_11_0_x86_64", true],
    ["macosx_10_9_universal2", "macosx_11_0_arm64", true],
    ["macosx_11_0_arm64", "macosx_11_0_arm64", true],
    ["macosx_12_0_arm64", "macosx_11_0_arm64", false],
    ["macosx_11_0_arm64", "macosx_14_0_arm64", true],
    ["macosx_10_9_x86_64", "macosx_11_0_arm64", false],
    ["macosx_11_0_arm64", "macosx_11_0_x86_64", false],
    ["macosx_10_15_x86_64", "macosx_10_14_x86_64", false],
    ["macosx_10_6_intel", "macosx_10_14_x86_64", true],
    ["macosx_10_9_x86_64", "win_amd64", false],
    // spelled with dots or dashes
    ["manylinux_2_17_x86_64", "manylinux-2.17-x86_64", true],
  ];
  for (const [wheel, target, expected] of cases) {
    it(`${wheel} on ${target}: ${expected}`, () => assert.equal(platformSatisfies(wheel, target), expected));
  }
});

describe("isTagCompatible (CPython 3.12 on manylinux_2_17_x86_64)", () => {
  const target = { python: "3.12", platform: "manylinux_2_17_x86_64" };
  const cases: [tag: string, expected: boolean][] = [
    ["py3-none-any", true],
    ["py2-none-any", false],
    ["py312-none-any", true],
    ["py38-none-any", true],
    ["py313-none-any", false],
    ["cp312-cp312-manylinux_2_17_x86_64", true],
    ["cp312-cp312-manylinux2014_x86_64", true],
    ["cp312-cp312-manylinux_2_28_x86_64", false],
    ["cp311-cp311-manylinux_2_17_x86_64", false],
    ["cp313-cp313-manylinux_2_17_x86_64", false],
    ["cp38-abi3-manylinux_2_17_x86_64", true],
    ["cp313-abi3-manylinux_2_17_x86_64", false],
    ["cp312-none-any", true],
    ["cp311-none-any", false],
    ["cp312-cp312-win_amd64", false],
    ["pp310-pypy310_pp73-manylinux_2_17_x86_64", false],
    ["py3-none-manylinux_2_17_x86_64", true],
    ["py3-abi3-any", false],
  ];
  for (const [tag, expected] of cases) {
    it(`${tag}: ${expected}`, () => assert.equal(isTagCompatible(parseTag(tag)[0]!, target), expected));
  }

  it("leaves an axis open when the selection does not name it", () => {
    assert.equal(isTagCompatible(parseTag("cp27-cp27mu-manylinux1_x86_64")[0]!, { python: null, platform: "manylinux_2_17_x86_64" }), true);
    assert.equal(isTagCompatible(parseTag("cp312-cp312-win_amd64")[0]!, { python: "3.12", platform: null }), true);
    assert.equal(isTagCompatible(parseTag("cp311-cp311-win_amd64")[0]!, { python: "3.12", platform: null }), false);
  });

  it("a compressed tag set matches when one of its tags does", () => {
    assert.equal(isWheelCompatible(parseTag("py2.py3-none-any"), [target]), true);
    assert.equal(isWheelCompatible(parseTag("cp312-cp312-manylinux_2_5_x86_64.manylinux1_x86_64"), [target]), true);
    assert.equal(
      isWheelCompatible(parseTag("cp312-cp312-win_amd64"), targetsOf({ pythons: ["3.12"], platforms: ["manylinux_2_17_x86_64", "win_amd64"] })),
      true,
    );
  });
});

describe("targetsOf", () => {
  it("crosses pythons with platforms, leaving unset axes open", () => {
    assert.deepEqual(targetsOf({ pythons: ["3.11", "3.12"], platforms: ["win_amd64"] }), [
      { python: "3.11", platform: "win_amd64" },
      { python: "3.12", platform: "win_amd64" },
    ]);
    assert.deepEqual(targetsOf({}), [{ python: null, platform: null }]);
  });
});
