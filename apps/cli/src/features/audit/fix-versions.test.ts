// The nearest fix: per advisory the smallest fixed version above the installed one, then the greatest of those.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Advisory } from "./advisory-client.ts";
import { fixCandidates, nearestFix } from "./fix-versions.ts";

const advisory = (id: string, fixedIn: string[]): Advisory => ({
  id,
  aliases: [],
  summary: null,
  details: null,
  fixedIn,
  link: null,
  source: null,
  withdrawn: null,
  severity: null,
  published: null,
  modified: null,
});

describe("nearestFix", () => {
  const cases: [string, string, Advisory[], ReturnType<typeof nearestFix>][] = [
    ["one advisory", "1.0", [advisory("A", ["1.1"])], { kind: "fix", version: "1.1" }],
    ["the smallest fix above the installed version", "1.5", [advisory("A", ["2.0", "1.2", "1.6", "1.6.0"])], { kind: "fix", version: "1.6" }],
    ["every advisory fixed at once", "1.0", [advisory("A", ["1.1", "2.0"]), advisory("B", ["1.2"])], { kind: "fix", version: "1.2" }],
    ["version order, not text order", "1.9", [advisory("A", ["1.10", "1.9.1rc1"])], { kind: "fix", version: "1.9.1rc1" }],
    ["no fix above the installed version", "2.0", [advisory("A", ["1.1"]), advisory("B", ["2.1"])], { kind: "none", advisories: ["A"] }],
    ["no fixed version at all", "1.0", [advisory("A", [])], { kind: "none", advisories: ["A"] }],
    ["unparsable fixed versions are ignored", "1.0", [advisory("A", ["not a version", "1.3"])], { kind: "fix", version: "1.3" }],
  ];
  for (const [label, installed, advisories, expected] of cases) {
    test(label, () => assert.deepEqual(nearestFix(installed, advisories), expected));
  }

  test("fixCandidates: the nearest fix, then later fixed versions", () => {
    assert.deepEqual(fixCandidates("1.0", [advisory("A", ["1.1", "2.0.1"]), advisory("B", ["1.2", "0.9"])]), ["1.2", "2.0.1"]);
    assert.deepEqual(fixCandidates("3.0", [advisory("A", ["1.1"])]), []);
  });
});
