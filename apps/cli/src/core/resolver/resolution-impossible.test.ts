import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Version, canonicalizeName, parseRequirement } from "@wheelhouse/packaging";
import type { Candidate } from "../types.ts";
import { formatConflict, formatNoMatchingDistribution, formatRequirement, type ConflictCause } from "./resolution-impossible.ts";

const candidate = (name: string, version: string): Candidate => ({
  name: canonicalizeName(name),
  version: new Version(version),
  files: [],
  yanked: false,
});
const dep = (parent: Candidate, r: string): ConflictCause => ({ requirement: parseRequirement(r), parent, source: null, constraint: false });
const user = (r: string, source: string | null, constraint = false): ConflictCause => ({
  requirement: parseRequirement(r),
  parent: null,
  source,
  constraint,
});

describe("formatRequirement", () => {
  for (const [input, shown] of [
    ["lib>=2,<3", "lib<3,>=2"],
    ["Lib[b,a]>=1", "Lib[a,b]>=1"],
    ['lib<2; python_version < "3.9"', "lib<2"],
    ["lib @ https://example.test/lib-1.0.whl", "lib @ https://example.test/lib-1.0.whl"],
  ] as const) {
    it(`${input} → ${shown}`, () => assert.equal(formatRequirement(parseRequirement(input)), shown));
  }
});

describe("formatConflict", () => {
  it("joins the triggers as pip does and lists every cause", () => {
    const a = candidate("a", "1.0");
    const b = candidate("b", "2.0");
    const text = formatConflict([dep(b, "c>=2"), dep(a, "c<2"), user("c!=1.5", "command line"), user("c<3", "c.txt:4", true)]);
    assert.equal(
      text.split("\n").slice(0, 6).join("\n"),
      [
        "Cannot install a==1.0, b==2.0 and c!=1.5 because these package versions have conflicting dependencies.",
        "The conflict is caused by:",
        "    b 2.0 depends on c>=2",
        "    a 1.0 depends on c<2",
        "    The user requested c!=1.5 (from command line)",
        "    The user requested (constraint) c<3 (from c.txt:4)",
      ].join("\n"),
    );
  });

  it('falls back to "the requested packages" when only constraints are involved', () => {
    assert.match(formatConflict([user("c<3", null, true)]), /^Cannot install the requested packages because/);
  });
});

describe("formatNoMatchingDistribution", () => {
  it("lists the versions, or none", () => {
    assert.equal(
      formatNoMatchingDistribution(user("foo>=9", "r.txt:1"), ["1.0", "2.0"], []),
      "Could not find a version that satisfies the requirement foo>=9 (from versions: 1.0, 2.0)\nNo matching distribution found for foo>=9",
    );
    assert.equal(
      formatNoMatchingDistribution(dep(candidate("app", "1.0"), "foo"), [], ["0.9"]),
      [
        "Ignored the following yanked versions: 0.9",
        "Could not find a version that satisfies the requirement foo (from app) (from versions: none)",
        "No matching distribution found for foo",
      ].join("\n"),
    );
  });
});
