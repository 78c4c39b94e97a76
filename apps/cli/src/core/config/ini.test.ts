import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidConfigFile, parseIni, sectionItems, stringifyIni } from "./ini.ts";

const items = (text: string, section: string): Record<string, string> => Object.fromEntries(sectionItems(parseIni(text), section));

test("key = value and key: value, keys lower-cased, values stripped", () => {
  assert.deepEqual(items("[global]\nIndex-URL =  https://a/simple  \ntimeout: 60\n", "global"), {
    "index-url": "https://a/simple",
    timeout: "60",
  });
});

test("the key ends at the first = or :", () => {
  assert.deepEqual(items("[global]\nindex-url = https://u:p@h/simple\n", "global"), { "index-url": "https://u:p@h/simple" });
  assert.deepEqual(items("[global]\nindex-url: https://h/?a=b\n", "global"), { "index-url": "https://h/?a=b" });
});

test("continuation lines: deeper indentation continues the value, blank lines inside kept, trailing dropped", () => {
  const text = [
    "[global]",
    "find-links =",
    "    https://a/links",
    "    https://b/links",
    "",
    "\thttps://c/links",
    "",
    "extra-index-url = https://x/simple",
    "  https://y/simple",
    "timeout = 5",
    "",
  ].join("\n");
  assert.deepEqual(items(text, "global"), {
    "find-links": "\nhttps://a/links\nhttps://b/links\n\nhttps://c/links",
    "extra-index-url": "https://x/simple\nhttps://y/simple",
    timeout: "5",
  });
});

test("an indented key line continues only lines indented deeper than itself", () => {
  assert.deepEqual(items("[s]\n  a = 1\n  b = 2\n    more\n", "s"), { a: "1", b: "2\nmore" });
});

test("full-line comments with # and ;, but no inline comments (configparser's default)", () => {
  const text = "# top\n[global]\n; note\n  # indented comment\nindex-url = https://h/simple # not a comment\n";
  assert.deepEqual(items(text, "global"), { "index-url": "https://h/simple # not a comment" });
});

test("a comment inside a multi-line value is skipped", () => {
  assert.deepEqual(items("[global]\nfind-links =\n  a\n  # b\n  c\n", "global"), { "find-links": "\na\nc" });
});

test("DEFAULT values show in every section, the section's own win", () => {
  const doc = parseIni("[DEFAULT]\ntimeout = 1\nretries = 2\n[install]\ntimeout = 3\n");
  assert.deepEqual(Object.fromEntries(sectionItems(doc, "install")), { timeout: "3", retries: "2" });
  assert.deepEqual([...doc.sections.keys()], ["install"]);
});

test("CRLF line endings and a BOM", () => {
  assert.deepEqual(items("\uFEFF[global]\r\ntimeout = 1\r\n", "global"), { timeout: "1" });
});

const errors: Array<[string, string, RegExp]> = [
  ["no section header", "timeout = 1\n", /line 1: file contains no section headers/],
  ["duplicate section", "[a]\nx = 1\n[a]\ny = 2\n", /line 3: section "a" already exists/],
  ["duplicate key", "[a]\nx = 1\nX = 2\n", /line 3: option "x" in section "a" already exists/],
  ["not key = value", "[a]\njust words\n", /line 2: expected "key = value", found "just words"/],
];
for (const [what, text, message] of errors) {
  test(`error: ${what}`, () => {
    assert.throws(
      () => parseIni(text, "/etc/pip.conf"),
      (e: unknown) => {
        assert.ok(e instanceof InvalidConfigFile);
        assert.match(e.message, /^Configuration file "\/etc\/pip.conf" could not be loaded: /);
        assert.match(e.message, message);
        return true;
      },
    );
  });
}

test("stringify writes configparser's layout and round-trips multi-line values", () => {
  const doc = parseIni("[global]\nindex-url = https://h/simple\nfind-links =\n  a\n  b\n[install]\npre = yes\n");
  const text = stringifyIni(doc);
  assert.equal(text, "[global]\nindex-url = https://h/simple\nfind-links = \n\ta\n\tb\n\n[install]\npre = yes\n\n");
  assert.deepEqual(parseIni(text), doc);
});
