import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalizeName, isNormalizedName, isValidProjectName } from "./names.ts";

test("canonicalizeName (PEP 503)", () => {
  const cases: [string, string][] = [
    ["Django", "django"],
    ["typing_extensions", "typing-extensions"],
    ["zope.interface", "zope-interface"],
    ["Foo__Bar--baz..Qux", "foo-bar-baz-qux"],
    ["a-_.b", "a-b"],
    ["PyYAML", "pyyaml"],
    ["python-dateutil", "python-dateutil"],
  ];
  for (const [input, normalized] of cases) assert.equal(canonicalizeName(input), normalized, input);
});

test("isValidProjectName (PEP 508)", () => {
  for (const ok of ["a", "A1", "zope.interface", "typing_extensions", "a-b", "1password"]) assert.ok(isValidProjectName(ok), ok);
  for (const bad of ["", "-a", "a-", "a_", ".a", "a b", "a!", "ünï"]) assert.ok(!isValidProjectName(bad), bad);
  assert.ok(isNormalizedName("foo-bar"));
  assert.ok(!isNormalizedName("Foo_bar"));
});

test("property: canonicalizeName is idempotent", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), (name) => {
      const once = canonicalizeName(name);
      assert.equal(canonicalizeName(once), once);
      assert.ok(!/[_.]|--|[A-Z]/.test(once));
    }),
  );
});
