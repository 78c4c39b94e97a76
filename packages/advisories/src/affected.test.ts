import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileAffected, isAffected, type RangeEvent } from "./affected.ts";

// [events of one range, version, affected?]; OSV's evaluation with PEP 440 ordering.
const RANGE_CASES: [RangeEvent[], string, boolean][] = [
  // introduced "0": from the very first version, pre-releases and dev releases included.
  [[{ introduced: "0" }, { fixed: "2.0" }], "0.0.dev0", true],
  [[{ introduced: "0" }, { fixed: "2.0" }], "1.9.9", true],
  [[{ introduced: "0" }, { fixed: "2.0" }], "2.0rc1", true],
  // fixed is exclusive, and PEP 440 equality (2 == 2.0.0) applies.
  [[{ introduced: "0" }, { fixed: "2.0" }], "2.0", false],
  [[{ introduced: "0" }, { fixed: "2.0" }], "2", false],
  [[{ introduced: "0" }, { fixed: "2.0" }], "2.0.post1", false],
  [[{ introduced: "0" }, { fixed: "2.0" }], "2.0+local", false],
  [[{ introduced: "0" }, { fixed: "2.0" }], "10.0", false],
  // introduced is inclusive.
  [[{ introduced: "1.5" }, { fixed: "2.0" }], "1.4.99", false],
  [[{ introduced: "1.5" }, { fixed: "2.0" }], "1.5", true],
  [[{ introduced: "1.5" }, { fixed: "2.0" }], "1.5.0", true],
  [[{ introduced: "1.5" }, { fixed: "2.0" }], "1.5rc1", false],
  // No end: every later version.
  [[{ introduced: "3.0" }], "99", true],
  [[{ introduced: "3.0" }], "2.9", false],
  // last_affected is inclusive.
  [[{ introduced: "1.0" }, { last_affected: "1.4" }], "1.4", true],
  [[{ introduced: "1.0" }, { last_affected: "1.4" }], "1.4.0", true],
  [[{ introduced: "1.0" }, { last_affected: "1.4" }], "1.4.post1", false],
  [[{ introduced: "1.0" }, { last_affected: "1.4" }], "1.5", false],
  // Several introduced/fixed pairs in one range, given out of order: events are sorted.
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "0.9", false],
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "1.0", true],
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "1.2.4", true],
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "1.2.5", false],
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "1.9", false],
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "2.0.2", true],
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "2.0.3", false],
  [[{ fixed: "2.0.3" }, { introduced: "2.0" }, { introduced: "1.0" }, { fixed: "1.2.5" }], "3.0", false],
  // Epochs order before everything.
  [[{ introduced: "0" }, { fixed: "1!1.0" }], "2024.1", true],
  [[{ introduced: "0" }, { fixed: "1!1.0" }], "1!1.0", false],
];

test("range evaluation", () => {
  for (const [events, version, expected] of RANGE_CASES) {
    assert.equal(isAffected({ ranges: [events], versions: [] }, version), expected, `${version} in ${JSON.stringify(events)}`);
  }
});

test("several ranges: affected when any one matches", () => {
  const matcher = compileAffected({
    ranges: [
      [{ introduced: "1.0" }, { fixed: "1.1" }],
      [{ introduced: "3.0" }, { last_affected: "3.2" }],
    ],
    versions: [],
  });
  assert.deepEqual(["0.9", "1.0", "1.1", "2.0", "3.0", "3.2", "3.3"].map(matcher), [false, true, false, false, true, true, false]);
});

test("explicit versions match by PEP 440 equality, legacy versions by their text", () => {
  const matcher = compileAffected({ ranges: [], versions: ["1.0", "2.0.0rc1", "0.9-Legacy-Build"] });
  assert.equal(matcher("1.0.0"), true);
  assert.equal(matcher("2.0rc1"), true);
  assert.equal(matcher("1.1"), false);
  assert.equal(matcher("0.9-legacy-build"), true);
  assert.equal(matcher("not-a-version"), false);
});

test("a legacy version is matched only by the explicit list, never by a range", () => {
  assert.equal(isAffected({ ranges: [[{ introduced: "0" }]], versions: [] }, "latest-and-greatest"), false);
});

test("property: a range [a, b) (a < b, events in either order) matches exactly the versions v with a <= v < b", () => {
  const part = fc.integer({ min: 0, max: 30 });
  const version = fc.tuple(part, part, part).map(([x, y, z]) => `${x}.${y}.${z}`);
  fc.assert(
    fc.property(version, version, version, (a, b, v) => {
      const key = (s: string) => s.split(".").map(Number);
      const cmp = (p: string, q: string) => {
        const [x, y] = [key(p), key(q)];
        for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
        return 0;
      };
      fc.pre(cmp(a, b) < 0);
      const expected = cmp(a, v) <= 0 && cmp(v, b) < 0;
      assert.equal(isAffected({ ranges: [[{ fixed: b }, { introduced: a }]], versions: [] }, v), expected);
    }),
  );
});
