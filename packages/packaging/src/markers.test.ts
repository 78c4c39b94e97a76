import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { InvalidMarker, evaluateMarker, parseMarker, type MarkerEnvironment } from "./markers.ts";

const LINUX_311: MarkerEnvironment = {
  python_version: "3.11",
  python_full_version: "3.11.4",
  os_name: "posix",
  sys_platform: "linux",
  platform_release: "5.15.0-1034-azure",
  platform_system: "Linux",
  platform_version: "#41-Ubuntu SMP Fri Feb 10 19:59:45 UTC 2023",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  implementation_name: "cpython",
  implementation_version: "3.11.4",
};

const WINDOWS_38: MarkerEnvironment = {
  ...LINUX_311,
  python_version: "3.8",
  python_full_version: "3.8.10",
  os_name: "nt",
  sys_platform: "win32",
  platform_release: "10",
  platform_system: "Windows",
  platform_machine: "AMD64",
  implementation_version: "3.8.10",
};

test("evaluation", () => {
  // [marker, on LINUX_311, on WINDOWS_38]
  const cases: [string, boolean, boolean][] = [
    ['python_version < "3.8"', false, false],
    ['python_version >= "3.8"', true, true],
    ["python_version > '3.9'", true, false],
    // Version comparison, not string comparison: "3.11" > "3.9" as versions.
    ['python_version > "3.9"', true, false],
    ['python_version == "3.*"', true, true],
    ['python_version ~= "3.8"', true, true],
    ['python_full_version >= "3.11.4"', true, false],
    ['python_full_version != "3.8.10"', true, false],
    ['"3.8" <= python_version', true, true],
    ['os_name == "nt"', false, true],
    ['sys_platform == "linux" and platform_machine == "x86_64"', true, false],
    ['sys_platform == "win32" or sys_platform == "linux"', true, true],
    // PEP 508: `and` binds tighter than `or`.
    ['os_name == "nt" or os_name == "posix" and python_version < "3"', false, true],
    ['(os_name == "nt" or os_name == "posix") and python_version < "3"', false, false],
    ['platform_system in "Linux Darwin"', true, false],
    ['platform_system not in "Linux Darwin"', false, true],
    ['"linux" in sys_platform', true, false],
    // "5.15.0-1034-azure" is no version: Python string comparison; "10" is: version comparison.
    ['platform_release >= "5"', true, true],
    ['platform_release < "6"', true, false],
    ['platform_python_implementation == "CPython"', true, true],
    ['implementation_name === "cpython"', true, true],
    // Legacy dotted names.
    ['os.name == "posix"', true, false],
    ['sys.platform == "linux"', true, false],
    ['python_implementation == "CPython"', true, true],
    ['extra == "test"', false, false],
    ['extra == ""', true, true],
  ];
  for (const [marker, linux, windows] of cases) {
    const m = parseMarker(marker);
    assert.equal(evaluateMarker(m, LINUX_311), linux, `${marker} on linux`);
    assert.equal(m.evaluate(WINDOWS_38), windows, `${marker} on windows`);
  }
});

test("extras are compared normalized, and any requested extra may satisfy the marker", () => {
  const m = parseMarker('extra == "Foo_Bar"');
  assert.equal(evaluateMarker(m, { ...LINUX_311, extra: "foo-bar" }), true);
  assert.equal(evaluateMarker(m, { ...LINUX_311, extra: "FOO.BAR" }), true);
  assert.equal(evaluateMarker(m, LINUX_311, ["test", "foo.bar"]), true);
  assert.equal(evaluateMarker(m, LINUX_311, ["test"]), false);
  assert.equal(evaluateMarker(m, LINUX_311, []), false);
  const both = parseMarker('python_version >= "3.8" and extra == "socks"');
  assert.equal(both.evaluate(LINUX_311, ["socks"]), true);
  assert.equal(both.evaluate(LINUX_311), false);
});

test("toString normalizes spacing and quotes, keeps needed parentheses", () => {
  const cases: [string, string][] = [
    ["python_version<'3.8'", 'python_version < "3.8"'],
    ['  os_name=="nt"and(python_version>"2"or extra=="x")  ', 'os_name == "nt" and (python_version > "2" or extra == "x")'],
    ['(python_version < "3")', 'python_version < "3"'],
    ['((a_b == "1"))'.replace("a_b", "os_name"), 'os_name == "1"'],
    ['os.name == "nt"', 'os_name == "nt"'],
    ['platform_system not  in "Linux"', 'platform_system not in "Linux"'],
    [`os_name == 'has "quote"'`, `os_name == 'has "quote"'`],
    ['python_version >= "3" or os_name == "nt" and sys_platform != "x"', 'python_version >= "3" or os_name == "nt" and sys_platform != "x"'],
    // As pypa/packaging 26 prints them (found in urllib3, black, yt-dlp… by the conformance check):
    // no parentheses around one comparison, one pair around a nested group of several.
    ['(python_version >= "3.10") and extra == "mcp"', 'python_version >= "3.10" and extra == "mcp"'],
    ['extra == "dev" and (python_version < "3.6")', 'extra == "dev" and python_version < "3.6"'],
    ['((os_name == "a" or os_name == "b")) and (extra == "gui")', '(os_name == "a" or os_name == "b") and extra == "gui"'],
    // PEP 685: the extra compared with is normalized (as packaging does at parse time).
    ['extra == "build_docs"', 'extra == "build-docs"'],
    ['"Foo.Bar" == extra', '"foo-bar" == extra'],
  ];
  for (const [input, output] of cases) assert.equal(parseMarker(input).toString(), output, input);
  assert.deepEqual(parseMarker('os_name == "nt" and python_version < "3" or extra == "x"').variables.sort(), ["extra", "os_name", "python_version"]);
});

test("malformed markers are rejected with the reason", () => {
  const cases: [string, string][] = [
    ["", "expected a marker expression at end of marker"],
    ["python_version", "expected a comparison operator at end of marker"],
    ["python_version <", "expected a marker variable or a quoted string at end of marker"],
    ['python_version < "3.8', "unterminated string starting at position 17"],
    ['python_version = "3.8"', 'unexpected character "=" at position 15'],
    ['python_versions < "3.8"', 'unknown marker variable "python_versions" at position 0'],
    ["python_version < 3.8", 'unknown marker variable "3.8" at position 17'],
    ['(os_name == "nt"', 'expected ")" at end of marker'],
    ['os_name == "nt")', 'expected "and", "or" or the end of the marker at position 15'],
    ['os_name == "nt" and', "expected a marker variable or a quoted string at end of marker"],
    ['os_name == "nt" os_name == "nt"', 'expected "and", "or" or the end of the marker at position 16'],
    ['os_name not "nt"', 'expected "in" after "not" at position 8'],
    ['os_name == "nt" && python_version > "3"', 'unexpected character "&" at position 16'],
  ];
  for (const [input, reason] of cases) {
    assert.throws(() => parseMarker(input), {
      name: "InvalidMarker",
      message: `Invalid marker: ${JSON.stringify(input)} (${reason})`,
    });
  }
});

test("evaluation errors", () => {
  assert.throws(() => evaluateMarker(parseMarker('os_name ~= "nt"'), LINUX_311), {
    name: "InvalidMarker",
    message: 'Invalid marker: "os_name ~= \\"nt\\"" (cannot compare "posix" ~= "nt": not versions)',
  });
  const partial = { python_version: "3.11" } as MarkerEnvironment;
  assert.throws(() => evaluateMarker(parseMarker('os_name == "nt"'), partial), InvalidMarker);
});

test("property: toString round-trips", () => {
  const variable = fc.constantFrom("python_version", "os_name", "sys_platform", "extra", "platform_machine");
  const literal = fc.stringMatching(/^[a-z0-9. _-]{0,8}$/).map((s) => `"${s}"`);
  const op = fc.constantFrom("==", "!=", "<", "<=", ">", ">=", "in", "not in", "===");
  const compare = fc.tuple(variable, op, literal).map(([v, o, l]) => `${v} ${o} ${l}`);
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      compare,
      fc.tuple(tie("e"), fc.constantFrom("and", "or"), tie("e")).map(([a, o, b]) => `${a} ${o} ${b}`),
      tie("e").map((e) => `(${e})`),
    ),
  })).e;
  fc.assert(
    fc.property(expr, (source) => {
      const printed = parseMarker(source).toString();
      assert.equal(parseMarker(printed).toString(), printed);
      for (const env of [LINUX_311, WINDOWS_38]) {
        assert.equal(parseMarker(printed).evaluate(env), parseMarker(source).evaluate(env));
      }
    }),
  );
});
