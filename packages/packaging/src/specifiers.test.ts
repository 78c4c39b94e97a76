import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as pep440 from "@renovatebot/pep440";
import { InvalidSpecifier, Specifier, SpecifierSet, parseSpecifierSet } from "./specifiers.ts";
import { parseVersion } from "./version.ts";

// [version, specifier, expected]; pre-releases allowed so that only the operator is tested.
// From PEP 440's examples and pypa/packaging's tests/test_specifiers.py.
const OPERATOR_CASES: [string, string, boolean][] = [
  ["2.0", "==2", true],
  ["2.0", "==2.0", true],
  ["2.0", "==2.0.0", true],
  ["2.0+deadbeef", "==2", true],
  ["2.0+deadbeef", "==2.0+deadbeef", true],
  ["2.0", "==2.0+deadbeef", false],
  ["2.0+other", "==2.0+deadbeef", false],
  ["2.1", "==2.0", false],
  ["2.0", "==v2.0", true],
  ["2.0", "==2.*", true],
  ["2", "==2.0.*", true],
  ["2.0", "==2.0.0.*", true],
  ["2.0+deadbeef", "==2.*", true],
  ["2.1.0rc1", "==2.1.*", true],
  ["2.1.post1", "==2.1.*", true],
  ["2.10", "==2.1.*", false],
  ["1!2.0", "==2.*", false],
  ["1!2.0", "==1!2.*", true],
  ["2.1", "!=2", true],
  ["2.0", "!=2.0.0", false],
  ["2.0+deadbeef", "!=2.0", false],
  ["2.0.1", "!=2.0.*", false],
  ["2.1", "!=2.0.*", true],
  ["2.0", "<=2", true],
  ["2.0+deadbeef", "<=2", true],
  ["2.0.post1", "<=2", false],
  ["2.0", ">=2", true],
  ["2.0.dev1", ">=2", false],
  ["2.0+deadbeef", ">=2", true],
  ["1.9", "<2", true],
  ["2.0", "<2", false],
  // PEP 440: <V excludes pre-releases of V unless V is one.
  ["2.0.dev1", "<2", false],
  ["2.0a1", "<2", false],
  ["2.0a1", "<2.0.0", false],
  ["2.0a1", "<2.0a2", true],
  ["1.9a1", "<2", true],
  ["2.1", ">2", true],
  ["2.0", ">2", false],
  // PEP 440: >V excludes post releases and local versions of V unless V is a post release.
  ["2.0.post1", ">2", false],
  ["2.0.post1.dev1", ">2", false],
  ["2.0+local.version", ">2", false],
  ["2.0.post3", ">2.0.post2", true],
  ["2.0.1", ">2", true],
  ["1.4.5", "~=1.4.5", true],
  ["1.4.9", "~=1.4.5", true],
  ["1.5.0", "~=1.4.5", false],
  ["1.4.4", "~=1.4.5", false],
  ["2.3", "~=2.2", true],
  ["3.0", "~=2.2", false],
  ["2.2.post3", "~=2.2.post3", true],
  ["2.2.0", "~=2.2.post3", false],
  ["1!1.5", "~=1!1.4", true],
  ["1.5", "~=1!1.4", false],
  ["1.0.0", "===1.0.0", true],
  ["1.0", "===1.0.0", false],
  ["foobar", "===foobar", true],
  ["FooBar", "===foobar", true],
  ["foobar", "==1.0", false],
];

test("operators match as PEP 440 defines them", () => {
  for (const [version, spec, expected] of OPERATOR_CASES) {
    assert.equal(new Specifier(spec).contains(version, { prereleases: true }), expected, `${version} in ${spec}`);
    assert.equal(new SpecifierSet(spec).contains(version, { prereleases: true }), expected, `${version} in {${spec}}`);
  }
});

test("pre-releases are excluded unless asked for or named", () => {
  const cases: [string, string, boolean | undefined, boolean][] = [
    [">=1.0", "2.0a1", undefined, false],
    [">=1.0", "2.0a1", true, true],
    [">=1.0", "2.0.dev1", undefined, false],
    [">=1.0a1", "2.0a1", undefined, true],
    [">=1.0a1", "2.0a1", false, false],
    [">=1.0a1,<2", "1.5a1", undefined, true],
    [">=1.0.dev1", "1.1.dev1", undefined, true],
    ["<2.0rc1", "1.5a1", undefined, true],
    ["!=1.0a1", "2.0a1", undefined, false],
    ["==1.0.*", "1.0.0rc1", undefined, false],
    ["==1.0.*", "1.0.0rc1", true, true],
    ["===1.0a1", "1.0a1", undefined, true],
    ["", "1.0a1", undefined, false],
    ["", "1.0a1", true, true],
    ["", "1.0", undefined, true],
    [">=1.0", "2.0.post1", undefined, true],
  ];
  for (const [spec, version, prereleases, expected] of cases) {
    assert.equal(new SpecifierSet(spec).contains(version, { prereleases }), expected, `${version} in ${spec} (${prereleases})`);
  }
  assert.equal(new SpecifierSet(">=1.0a1,<2").prereleases, true);
  assert.equal(new SpecifierSet(">=1.0,<2").prereleases, false);
  assert.equal(new Specifier("!=1.0a1").prereleases, false);
});

test("filter keeps order, and keeps pre-releases only when nothing else matches", () => {
  const cases: [string, string[], boolean | undefined, string[]][] = [
    [">=1.2.3", ["1.2", "1.3", "1.5a1"], undefined, ["1.3"]],
    [">=1.2.3", ["1.2", "1.5a1"], undefined, ["1.5a1"]],
    [">=1.2.3", ["1.2", "1.5a1"], false, []],
    [">=1.2.3", ["1.5a1", "1.3"], true, ["1.5a1", "1.3"]],
    [">=1.0a1", ["1.0", "1.1a1"], undefined, ["1.0", "1.1a1"]],
    ["", ["1.3", "1.5a1"], undefined, ["1.3"]],
    ["", ["1.5a1"], undefined, ["1.5a1"]],
    ["", ["1.3", "1.5a1"], true, ["1.3", "1.5a1"]],
    [">=1", ["1.0", "not a version", "2.0"], undefined, ["1.0", "2.0"]],
    ["===foo", ["foo", "1.0"], undefined, ["foo"]],
    ["<2,>=1", ["0.9", "2.0", "1.9", "1.0"], undefined, ["1.9", "1.0"]],
  ];
  for (const [spec, versions, prereleases, expected] of cases) {
    assert.deepEqual(new SpecifierSet(spec).filter(versions, { prereleases }), expected, `${spec} ${versions}`);
  }
  const objects = [parseVersion("1.0"), parseVersion("3.0")];
  assert.deepEqual(new SpecifierSet("<2").filter(objects), [objects[0]]);
});

test("malformed specifiers are rejected with the reason", () => {
  const op = "expected an operator (~=, ==, !=, <=, >=, <, >, ===) before the version";
  const cases: [string, string, string][] = [
    ["1.0", "1.0", op],
    ["=1.0", "=1.0", op],
    [">=", ">=", "missing version"],
    ["~=1", "~=1", "~= needs at least two release segments, e.g. ~=1.0"],
    [">=1.0+local", ">=1.0+local", "local versions (+…) are only allowed with == and !="],
    ["~=1.0+abc", "~=1.0+abc", "local versions (+…) are only allowed with == and !="],
    [">=1.0.*", ">=1.0.*", "a prefix match (.*) is only allowed with == and !="],
    ["==1.0a1.*", "==1.0a1.*", "a prefix match (.*) may only follow an epoch and release segment"],
    ["==1.0.*.*", "==1.0.*.*", "a prefix match (.*) may only follow an epoch and release segment"],
    ["==1.0+abc.*", "==1.0+abc.*", "a prefix match (.*) may only follow an epoch and release segment"],
    [">=foo", ">=foo", "invalid version"],
    ["== 1.0 extra", "== 1.0 extra", "invalid version"],
    ["===foo bar", "===foo bar", "arbitrary equality (===) takes one word"],
    [">=1,<2,foo", "foo", op],
  ];
  for (const [input, clause, reason] of cases) {
    assert.throws(() => parseSpecifierSet(input), {
      name: "InvalidSpecifier",
      message: `Invalid specifier: ${JSON.stringify(clause)} (${reason})`,
    });
  }
  assert.throws(() => new Specifier(">="), InvalidSpecifier);
});

test("toString sorts clauses, dedupes equivalent ones and keeps their spelling", () => {
  const cases: [string, string][] = [
    ["", ""],
    [" >=1.0 , <2 ", "<2,>=1.0"],
    [">=1.0,,<2", "<2,>=1.0"],
    [">= 1.0", ">=1.0"],
    [">=1.0,>=1.0.0", ">=1.0"],
    ["~=1.0,~=1.0.0", "~=1.0,~=1.0.0"],
    ["==1.*,!=1.5", "!=1.5,==1.*"],
    ["===Foo", "===Foo"],
  ];
  for (const [input, output] of cases) assert.equal(new SpecifierSet(input).toString(), output, input);
  assert.equal(new SpecifierSet(">=1,<2").length, 2);
  assert.deepEqual([...new SpecifierSet(">=1")].map(String), [">=1"]);
  assert.ok(new SpecifierSet(">=1.0,<2").equals("<2.0.0, >=1"));
  assert.ok(!new SpecifierSet(">=1.0").equals(">1.0"));
  assert.equal(new SpecifierSet(">=1").and("<2").toString(), "<2,>=1");
});

const release = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }).map((r) => r.join("."));
const version = fc.tuple(release, fc.constantFrom("", "a1", "rc2", ".post1", ".dev3", "+local.1")).map(([r, suffix]) => r + suffix);

test("property: ~=X.Y means >=X.Y,==X.* and != is the complement of ==", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 4 }), version, (spec, v) => {
      const s = spec.join(".");
      const compatible = new SpecifierSet(`~=${s}`).contains(v, { prereleases: true });
      const expanded = new SpecifierSet(`>=${s},==${spec.slice(0, -1).join(".")}.*`).contains(v, { prereleases: true });
      assert.equal(compatible, expanded);
      const eq = new Specifier(`==${s}`).contains(v, { prereleases: true });
      assert.equal(new Specifier(`!=${s}`).contains(v, { prereleases: true }), !eq);
    }),
  );
});

test("property: toString round-trips", () => {
  const clause = fc
    .tuple(fc.constantFrom("<", "<=", ">", ">=", "==", "!=", "~="), release)
    .map(([op, r]) => (op === "~=" && !r.includes(".") ? `~=${r}.0` : `${op}${r}`));
  fc.assert(
    fc.property(fc.array(clause, { maxLength: 4 }), (clauses) => {
      const set = new SpecifierSet(clauses.join(", "));
      const again = new SpecifierSet(set.toString());
      assert.equal(again.toString(), set.toString());
      assert.ok(again.equals(set));
    }),
  );
});

// ---- @renovatebot/pep440 evaluation: why specifiers.ts is our own code ----

test("@renovatebot/pep440 evaluation: specifier cases it gets wrong", () => {
  // PEP 440 pads the candidate's release: 1 is 1.0, so ==1.0.* matches.
  assert.equal(pep440.satisfies("1", "==1.0.*"), false);
  // >V only excludes post releases of V when V is not itself a post release.
  assert.equal(pep440.satisfies("1.7.post3", ">1.7.post2"), false);
  // A clause naming a pre-release lets pre-releases through for the whole set.
  assert.equal(pep440.satisfies("1.5a1", ">=1.0a1,<2"), false);
  // Ours, for contrast:
  assert.equal(new SpecifierSet("==1.0.*").contains("1"), true);
  assert.equal(new SpecifierSet(">1.7.post2").contains("1.7.post3"), true);
  assert.equal(new SpecifierSet(">=1.0a1,<2").contains("1.5a1"), true);
});
