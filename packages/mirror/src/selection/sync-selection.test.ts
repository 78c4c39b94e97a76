import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidSyncSelection, parseSyncSelection } from "./sync-selection.ts";
import { nameMatcher } from "./name-matcher.ts";

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
