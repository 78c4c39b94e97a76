import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRequirement, tryParseRequirement } from "./requirements.ts";

test("parses PEP 508 dependency specifiers", () => {
  // [input, name, extras, specifier, url, marker, toString]
  const cases: [string, string, string[], string, string | null, string | null, string][] = [
    ["requests", "requests", [], "", null, null, "requests"],
    ["requests>=2.8.1", "requests", [], ">=2.8.1", null, null, "requests>=2.8.1"],
    ["requests >= 2.8.1 , == 2.8.*", "requests", [], "==2.8.*,>=2.8.1", null, null, "requests==2.8.*,>=2.8.1"],
    [
      'name[extra1,extra2] (>=1.0) ; python_version < "3.8"',
      "name",
      ["extra1", "extra2"],
      ">=1.0",
      null,
      'python_version < "3.8"',
      'name[extra1,extra2]>=1.0; python_version < "3.8"',
    ],
    ["Foo.Bar_baz[ b , a ]", "Foo.Bar_baz", ["a", "b"], "", null, null, "Foo.Bar_baz[a,b]"],
    ["foo[]", "foo", [], "", null, null, "foo"],
    ["foo[a,a]==1", "foo", ["a"], "==1", null, null, "foo[a]==1"],
    ["foo==1.0;os_name=='nt'", "foo", [], "==1.0", null, 'os_name == "nt"', 'foo==1.0; os_name == "nt"'],
    ["foo ; extra == 'socks'", "foo", [], "", null, 'extra == "socks"', 'foo; extra == "socks"'],
    [
      "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee",
      "pip",
      [],
      "",
      "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee",
      null,
      "pip@ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee",
    ],
    [
      'name[x] @ file:///tmp/x.whl ; sys_platform == "linux"',
      "name",
      ["x"],
      "",
      "file:///tmp/x.whl",
      'sys_platform == "linux"',
      'name[x]@ file:///tmp/x.whl ; sys_platform == "linux"',
    ],
    ["foo@https://x.example/a;b.whl", "foo", [], "", "https://x.example/a;b.whl", null, "foo@ https://x.example/a;b.whl"],
    ["foo ===1.0-legacy", "foo", [], "===1.0-legacy", null, null, "foo===1.0-legacy"],
    ["  foo  ", "foo", [], "", null, null, "foo"],
  ];
  for (const [input, name, extras, specifier, url, marker, printed] of cases) {
    const r = parseRequirement(input);
    assert.equal(r.name, name, input);
    assert.deepEqual(r.extras, extras, input);
    assert.equal(r.specifier.toString(), specifier, input);
    assert.equal(r.url, url, input);
    assert.equal(r.marker?.toString() ?? null, marker, input);
    assert.equal(r.toString(), printed, input);
    // Printing round-trips.
    assert.equal(parseRequirement(printed).toString(), printed, input);
  }
  assert.equal(parseRequirement("Foo.Bar_baz").normalizedName, "foo-bar-baz");
  assert.equal(JSON.stringify(parseRequirement("a>=1")), '"a>=1"');
});

test("malformed requirements are rejected with the reason", () => {
  const cases: [string, string][] = [
    ["", "expected a package name at the start"],
    [">=1.0", "expected a package name at the start"],
    ["foo[bar", 'expected "]" to close the extras'],
    ["foo[b ar]", 'invalid extra name "b ar"'],
    ["foo[bar,]", 'invalid extra name ""'],
    ["foo (>=1.0", 'expected ")" to close the version specifier'],
    ["foo bar", 'expected a version specifier, "@ URL", ";" or the end, found "bar"'],
    ["foo-", 'expected a version specifier, "@ URL", ";" or the end, found "-"'],
    ["foo>=1.0 extra", 'Invalid specifier: ">=1.0 extra" (invalid version)'],
    ["foo @", 'expected a URL after "@"'],
    ["foo @ not-a-url", 'invalid URL "not-a-url"'],
    ["foo @ https://x.example/a.whl extra", "expected end or a semicolon (after the URL and whitespace)"],
    ["foo ;", 'expected a marker after ";"'],
    ["foo ; os_name = 'nt'", 'Invalid marker: "os_name = \'nt\'" (unexpected character "=" at position 8)'],
  ];
  for (const [input, reason] of cases) {
    assert.throws(() => parseRequirement(input), {
      name: "InvalidRequirement",
      message: `Invalid requirement: ${JSON.stringify(input)} (${reason})`,
    });
    assert.equal(tryParseRequirement(input), null);
  }
  // As pypa/packaging does, blank clauses are skipped, so a trailing comma is harmless.
  assert.equal(parseRequirement("foo>=1.0,").specifier.toString(), ">=1.0");
  // A `;` right after the URL is part of it (PEP 508); the marker then never starts.
  assert.equal(parseRequirement("foo @ https://x.example/a.whl;os_name").url, "https://x.example/a.whl;os_name");
});
