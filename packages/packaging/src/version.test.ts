import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as pep440 from "@renovatebot/pep440";
import { InvalidVersion, Version, canonicalizeVersion, compareVersions, parseVersion, tryParseVersion } from "./version.ts";

// Ascending order, from pypa/packaging's tests/test_version.py and PEP 440's examples.
const ORDERED = [
  "1.0.dev456",
  "1.0a1",
  "1.0a2.dev456",
  "1.0a12.dev456",
  "1.0a12",
  "1.0b1.dev456",
  "1.0b2",
  "1.0b2.post345.dev456",
  "1.0b2.post345",
  "1.0b2-346",
  "1.0c1.dev456",
  "1.0c1",
  "1.0rc2",
  "1.0c3",
  "1.0",
  "1.0.post456.dev34",
  "1.0.post456",
  "1.1.dev1",
  "1.2+123abc",
  "1.2+123abc456",
  "1.2+abc",
  "1.2+abc123",
  "1.2+abc123def",
  "1.2+1234.abc",
  "1.2+123456",
  "1.2.r32+123456",
  "1.2.rev33+123456",
];
const ALL_ORDERED = [...ORDERED, ...ORDERED.map((v) => `1!${v}`)];

test("versions sort exactly as PEP 440 orders them", () => {
  for (let i = 0; i < ALL_ORDERED.length; i++) {
    for (let j = 0; j < ALL_ORDERED.length; j++) {
      assert.equal(compareVersions(ALL_ORDERED[i]!, ALL_ORDERED[j]!), Math.sign(i - j), `${ALL_ORDERED[i]} vs ${ALL_ORDERED[j]}`);
    }
  }
});

test("equal versions in different spellings", () => {
  const pairs: [string, string][] = [
    ["1.0", "1.0.0"],
    ["1.0", "1.0.0.0.0"],
    ["1.0", "v1.0"],
    ["0!1.0", "1.0"],
    ["1.0a1", "1.0.alpha.1"],
    ["1.0rc1", "1.0c1"],
    ["1.0rc1", "1.0-pre-1"],
    ["1.0rc1", "1.0preview1"],
    ["1.0.post0", "1.0post"],
    ["1.0.post2", "1.0-2"],
    ["1.0.post2", "1.0.rev2"],
    ["1.0.post2", "1.0r2"],
    ["1.0.dev0", "1.0-dev"],
    ["1.0+abc.1", "1.0+ABC-1"],
    ["1.0+1", "1.0+01"],
  ];
  for (const [a, b] of pairs) assert.equal(compareVersions(a, b), 0, `${a} == ${b}`);
});

test("normalized form", () => {
  const cases: [string, string][] = [
    ["1.0", "1.0"],
    ["v1.0", "1.0"],
    ["V1.0", "1.0"],
    [" 1.0\n", "1.0"],
    ["01.02.003", "1.2.3"],
    ["1!2.0", "1!2.0"],
    ["0!2.0", "2.0"],
    ["1.0a", "1.0a0"],
    ["1.0.a.1", "1.0a1"],
    ["1.0-alpha-1", "1.0a1"],
    ["1.0_beta_2", "1.0b2"],
    ["1.0c1", "1.0rc1"],
    ["1.0pre1", "1.0rc1"],
    ["1.0preview1", "1.0rc1"],
    ["1.0RC1", "1.0rc1"],
    ["1.0post", "1.0.post0"],
    ["1.0-post-1", "1.0.post1"],
    ["1.0rev4", "1.0.post4"],
    ["1.0r4", "1.0.post4"],
    ["1.0-1", "1.0.post1"],
    ["1.0dev", "1.0.dev0"],
    ["1.0_DEV_3", "1.0.dev3"],
    ["1.0a1.post2.dev3", "1.0a1.post2.dev3"],
    ["1.0+Ubuntu-1", "1.0+ubuntu.1"],
    ["1.0+abc_0001.x", "1.0+abc.1.x"],
    ["1.0+1e5", "1.0+1e5"],
    ["2023010112345678901.1", "2023010112345678901.1"],
  ];
  for (const [input, normalized] of cases) assert.equal(parseVersion(input).toString(), normalized, input);
});

test("rejects what is not PEP 440, naming the input", () => {
  const invalid = [
    "",
    "french toast",
    "1.0+",
    "1.0+_foo",
    "1.0+foo_",
    "1.0-",
    "1!",
    "!1.0",
    "1.0a1.1",
    "1.0.post1.post2",
    "1.0 a1",
    "1.0.dev456-",
    "1e5",
    "1.0.x",
    "vv1.0",
    "1,0",
  ];
  for (const input of invalid) {
    assert.throws(() => parseVersion(input), { name: "InvalidVersion", message: `Invalid version: ${JSON.stringify(input)}` });
    assert.equal(tryParseVersion(input), null, input);
  }
  assert.throws(() => new Version("french toast"), InvalidVersion);
});

test("properties", () => {
  const v = parseVersion("1!2.3.4rc5.post6.dev7+Ubuntu-8");
  assert.equal(v.epoch, 1);
  assert.deepEqual(v.release, [2, 3, 4]);
  assert.deepEqual(v.pre, ["rc", 5]);
  assert.equal(v.post, 6);
  assert.equal(v.dev, 7);
  assert.equal(v.local, "ubuntu.8");
  assert.equal(v.public, "1!2.3.4rc5.post6.dev7");
  assert.equal(v.baseVersion, "1!2.3.4");
  assert.equal(v.isPrerelease, true);
  assert.equal(v.isPostrelease, true);
  assert.equal(v.isDevrelease, true);
  assert.deepEqual([v.major, v.minor, v.micro], [2, 3, 4]);

  const plain = parseVersion("1.0");
  assert.deepEqual([plain.epoch, plain.pre, plain.post, plain.dev, plain.local], [0, null, null, null, null]);
  assert.equal(plain.isPrerelease, false);
  assert.equal(parseVersion("1.0.dev0").isPrerelease, true);
  assert.equal(parseVersion("1.0.post0").isPostrelease, true);
  assert.equal(parseVersion("1.0.post0").isPrerelease, false);
  assert.equal(JSON.stringify({ v: parseVersion("1.0-1") }), '{"v":"1.0.post1"}');
});

test("release numbers beyond 2^53 still compare exactly", () => {
  assert.equal(compareVersions("1.0.9007199254740993", "1.0.9007199254740992"), 1);
  assert.equal(compareVersions("99999999999999999999", "99999999999999999998"), 1);
});

test("canonicalizeVersion", () => {
  const cases: [string, string, string][] = [
    // input, stripTrailingZero (default), stripTrailingZero: false
    ["1.0.0", "1", "1.0.0"],
    ["1.0", "1", "1.0"],
    ["1.0.10", "1.0.10", "1.0.10"],
    ["1.2.0rc1", "1.2rc1", "1.2.0rc1"],
    ["1.0.0.post0", "1.post0", "1.0.0.post0"],
    ["1!1.0+abc.0", "1!1+abc.0", "1!1.0+abc.0"],
    ["0.0", "0", "0.0"],
    ["10.0", "10", "10.0"],
    ["v1.0.dev0", "1.dev0", "1.0.dev0"],
    ["not a version", "not a version", "not a version"],
  ];
  for (const [input, stripped, kept] of cases) {
    assert.equal(canonicalizeVersion(input), stripped, input);
    assert.equal(canonicalizeVersion(input, { stripTrailingZero: false }), kept, input);
  }
  assert.equal(canonicalizeVersion(parseVersion("2.0.0")), "2");
});

// ---- property-based ----

const num = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.bigInt({ min: 0n, max: 10n ** 25n }));
const localPart = fc.oneof(num.map(String), fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/));
const versionArb = fc
  .record({
    epoch: fc.option(
      num.filter((n) => BigInt(n) !== 0n),
      { nil: undefined },
    ),
    release: fc.array(num, { minLength: 1, maxLength: 4 }),
    pre: fc.option(fc.tuple(fc.constantFrom("a", "b", "rc"), num), { nil: undefined }),
    post: fc.option(num, { nil: undefined }),
    dev: fc.option(num, { nil: undefined }),
    local: fc.option(fc.array(localPart, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  })
  .map(
    (r) =>
      (r.epoch !== undefined ? `${r.epoch}!` : "") +
      r.release.join(".") +
      (r.pre ? `${r.pre[0]}${r.pre[1]}` : "") +
      (r.post !== undefined ? `.post${r.post}` : "") +
      (r.dev !== undefined ? `.dev${r.dev}` : "") +
      (r.local ? `+${r.local.join(".")}` : ""),
  );

test("property: toString round-trips and is idempotent", () => {
  fc.assert(
    fc.property(versionArb, (s) => {
      const v = parseVersion(s);
      const again = parseVersion(v.toString());
      assert.equal(again.toString(), v.toString());
      assert.equal(again.compare(v), 0);
      // Generated strings are already normalized.
      assert.equal(v.toString(), s);
    }),
  );
});

test("property: comparison is a total order", () => {
  fc.assert(
    fc.property(versionArb, versionArb, versionArb, (a, b, c) => {
      const [x, y, z] = [parseVersion(a), parseVersion(b), parseVersion(c)];
      assert.equal(Math.sign(x.compare(y)), -Math.sign(y.compare(x)));
      assert.equal(x.compare(x), 0);
      if (x.compare(y) <= 0 && y.compare(z) <= 0) assert.ok(x.compare(z) <= 0);
      // Equal versions print the same once trailing zeros are stripped.
      if (x.compare(y) === 0) assert.equal(canonicalizeVersion(x), canonicalizeVersion(y));
    }),
  );
});

test("property: public and local parts order as PEP 440 says", () => {
  fc.assert(
    fc.property(versionArb, (s) => {
      const v = parseVersion(s);
      const pub = parseVersion(v.public);
      // A local version sorts after its public version.
      if (v.local !== null) assert.equal(v.compare(pub), 1);
      const base = parseVersion(v.baseVersion);
      // A pre-release sorts before its final release; a post release after it.
      if (v.isPrerelease && !v.isPostrelease) assert.equal(pub.compare(base), -1);
      if (!v.isPrerelease && v.isPostrelease) assert.equal(pub.compare(base), 1);
    }),
  );
});

// ---- @renovatebot/pep440 evaluation: these pin down why version.ts is our own code ----

test("@renovatebot/pep440 evaluation: agrees on PEP 440 ordering", () => {
  for (let i = 0; i < ALL_ORDERED.length; i++) {
    for (let j = 0; j < ALL_ORDERED.length; j++) {
      assert.equal(Math.sign(pep440.compare(ALL_ORDERED[i]!, ALL_ORDERED[j]!)), Math.sign(i - j));
    }
  }
});

test("@renovatebot/pep440 evaluation: where it is wrong", () => {
  // JavaScript numbers lose precision past 2^53: two different versions compare equal.
  assert.equal(pep440.compare("1.0.9007199254740993", "1.0.9007199254740992"), 0);
  // A local segment "1e5" is alphanumeric, but Number("1e5") reads it as 100000.
  assert.equal(pep440.clean("1.0+1e5"), "1.0+100000");
  // Local segments are joined with "," instead of ".".
  assert.equal(pep440.clean("1.0+Ubuntu-1"), "1.0+ubuntu,1");
  // PEP 440 / packaging allow surrounding whitespace.
  assert.equal(pep440.valid(" 1.0 "), null);
});
