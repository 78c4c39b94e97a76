import assert from "node:assert/strict";
import { test } from "node:test";
import { fnmatchSource } from "./fnmatch.ts";

const matches = (pattern: string, text: string) => new RegExp(`^${fnmatchSource(pattern)}$`, "s").test(text);

test("*, ? and sets as Python's fnmatch", () => {
  assert.ok(matches("req*", "requests"));
  assert.ok(matches("*", "a/b")); // `*` crosses `/`, as in Python
  assert.ok(matches("r?q", "req"));
  assert.ok(!matches("r?q", "rq"));
  assert.ok(matches("[ab]c", "bc"));
  assert.ok(!matches("[!ab]c", "bc"));
  assert.ok(matches("[!ab]c", "xc"));
});

test("a `]` right after `[` is in the set; an unclosed `[` and regex specials are literal", () => {
  assert.ok(matches("[]a]", "]"));
  assert.ok(matches("a[b", "a[b"));
  assert.ok(matches("a.b+(c)", "a.b+(c)"));
  assert.ok(!matches("a.b", "axb"));
  assert.ok(matches("[\\]", "\\"));
});

test("a leading ^ in a set is a member, not a negation", () => {
  assert.ok(matches("[^a]", "^"));
  assert.ok(!matches("[^a]", "b"));
});
