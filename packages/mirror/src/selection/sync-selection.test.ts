import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidSyncSelection, parseSyncSelection } from "./sync-selection.ts";
import { nameMatcher } from "./name-matcher.ts";
// The requirements text and target environments a selection is read with come from @wheelhouse/packaging.
import { markerEnvironments, osValuesOf, parseRequirementsText } from "@wheelhouse/packaging";

describe("parseSyncSelection", () => {
  it("fills the defaults; null is the empty selection", () => {
    assert.deepEqual(parseSyncSelection(null), { prereleases: false, sdists: true });
    assert.deepEqual(parseSyncSelection({ allow: ["django>=4.2,<6", "requests"], latest: 3 }), {
      allow: ["django>=4.2,<6", "requests"],
      latest: 3,
      prereleases: false,
      sdists: true,
    });
  });

  const bad: [input: unknown, message: string][] = [
    [{ allow: ["django>=4.2", "not a requirement!"] }, "syncSelection.allow[1]: "],
    [{ pythons: ["3.12", "python3"] }, 'syncSelection.pythons[1]: must look like "3.12"'],
    [{ platforms: ["manylinux 2014"] }, "syncSelection.platforms[0]: must be a wheel platform tag such as manylinux_2_17_x86_64"],
    [{ latest: 0 }, "syncSelection.latest: "],
    [{ maxFileSize: "big" }, "syncSelection.maxFileSize: "],
    [{ prereleases: "yes" }, "syncSelection.prereleases: "],
    [{ block: ["a b"] }, "syncSelection.block[0]: must be a project name or an fnmatch pattern (*, ?, [seq])"],
    [
      { alow: ["django"] },
      "syncSelection.alow: unknown field (expected allow, block, patterns, requirements, pythons, platforms, prereleases, latest, maxFileSize, sdists)",
    ],
    ["django", "syncSelection.(root): "],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseSyncSelection(input),
        (err: unknown) => err instanceof InvalidSyncSelection && err.message.startsWith(message),
      );
    });
  }
});

describe("nameMatcher", () => {
  const cases: [patterns: string[], name: string, expected: boolean][] = [
    [["Django"], "django", true],
    [["zope.interface"], "zope-interface", true],
    [["acme-*"], "acme-core", true],
    [["acme_*"], "acme-core", true],
    [["acme-*"], "acme", false],
    [["py?aml"], "pyyaml", true],
    [["[ab]*"], "boto3", true],
    [["[!ab]*"], "boto3", false],
    [["*"], "anything", true],
    [[], "anything", false],
  ];
  for (const [patterns, name, expected] of cases) {
    it(`${JSON.stringify(patterns)} ~ ${name}: ${expected}`, () => assert.equal(nameMatcher(patterns)(name), expected));
  }
});

describe("parseRequirementsText (a selection's requirements)", () => {
  it("reads requirement lines and reports what it cannot follow", () => {
    const text = [
      "# pinned",
      "requests==2.31.0 --hash=sha256:abc",
      "Django>=4.2,<6  # web",
      "urllib3 \\",
      "  <3",
      "-r other.txt",
      "--index-url https://example.invalid/simple",
      "pkg @ https://example.invalid/pkg.whl",
      "not valid!!",
      "",
    ].join("\n");
    const { requirements, problems } = parseRequirementsText(text);
    assert.deepEqual(
      requirements.map((line) => String(line.requirement)),
      ["requests==2.31.0", "Django<6,>=4.2", "urllib3<3"],
    );
    assert.deepEqual(
      problems.map(({ message: p }) => p.replace(/: Invalid.*/, ": Invalid…")),
      [
        'requirements line 6: option "-r" ignored',
        'requirements line 7: option "--index-url" ignored',
        "requirements line 8: pkg is a direct URL requirement; not mirrored",
        "requirements line 9: Invalid…",
      ],
    );
  });
});

describe("markerEnvironments", () => {
  it("derives sys_platform, platform_system and platform_machine from platform tags", () => {
    assert.deepEqual(osValuesOf("manylinux_2_17_aarch64"), { os_name: "posix", sys_platform: "linux", platform_system: "Linux", machines: ["aarch64"] });
    assert.deepEqual(osValuesOf("manylinux2014_x86_64"), { os_name: "posix", sys_platform: "linux", platform_system: "Linux", machines: ["x86_64"] });
    assert.deepEqual(osValuesOf("win_amd64"), { os_name: "nt", sys_platform: "win32", platform_system: "Windows", machines: ["AMD64"] });
    assert.deepEqual(osValuesOf("macosx_11_0_universal2"), {
      os_name: "posix",
      sys_platform: "darwin",
      platform_system: "Darwin",
      machines: ["arm64", "x86_64"],
    });
    assert.equal(osValuesOf("any"), null);
  });
  it("crosses pythons with platforms (two patch levels each)", () => {
    const envs = markerEnvironments(["3.11", "3.12"], ["win_amd64", "manylinux_2_17_x86_64"]);
    assert.equal(envs.length, 8);
    assert.deepEqual([...new Set(envs.map((e) => `${e.python_version}/${e.sys_platform}`))], ["3.11/win32", "3.11/linux", "3.12/win32", "3.12/linux"]);
  });
  it("covers the common platforms and current Pythons when the selection names none", () => {
    const envs = markerEnvironments(undefined, undefined);
    assert.deepEqual([...new Set(envs.map((e) => e.sys_platform))].sort(), ["darwin", "linux", "win32"]);
    assert.ok(envs.some((e) => e.python_version === "3.9"));
  });
});
