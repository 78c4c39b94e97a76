// The search query's validation (one test per malformed input, exact messages) and the choice of
// the latest version; the ranking itself runs against PostgreSQL in e2e/api/search.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BadRequest } from "../errors.ts";
import { latestRelease, parseSearchQuery } from "./search-projects.ts";

describe("parseSearchQuery", () => {
  test("terms: lower case, split on whitespace, each once; limit default 20", () => {
    assert.deepEqual(parseSearchQuery("  Requests  HTTP requests\t", undefined), { terms: ["requests", "http"], limit: 20 });
    assert.deepEqual(parseSearchQuery("x", "100"), { terms: ["x"], limit: 100 });
    assert.deepEqual(parseSearchQuery("x", "1"), { terms: ["x"], limit: 1 });
  });

  for (const [q, limit, message] of [
    [undefined, undefined, "The search query is empty: give one or more terms in 'q'."],
    ["", undefined, "The search query is empty: give one or more terms in 'q'."],
    [" \t", undefined, "The search query is empty: give one or more terms in 'q'."],
    [["a", "b"], undefined, "Give the search query once, in one 'q'."],
    ["x".repeat(201), undefined, "The search query is too long: at most 200 characters."],
    ["a b c d e f g h i j k", undefined, "The search query has too many terms: at most 10."],
    ["x", "0", "'limit' must be a whole number from 1 to 100."],
    ["x", "101", "'limit' must be a whole number from 1 to 100."],
    ["x", "2.5", "'limit' must be a whole number from 1 to 100."],
    ["x", "", "'limit' must be a whole number from 1 to 100."],
    ["x", ["1", "2"], "'limit' must be a whole number from 1 to 100."],
  ] as const) {
    test(`rejects q=${JSON.stringify(q)?.slice(0, 20)} limit=${JSON.stringify(limit)}`, () => {
      assert.throws(
        () => parseSearchQuery(q, limit),
        (e: unknown) => e instanceof BadRequest && e.status === 400 && e.message === message,
      );
    });
  }
});

describe("latestRelease", () => {
  const of = (...versions: string[]) => latestRelease(versions.map((version) => ({ version })))?.version ?? null;

  test("PEP 440 order, not upload order or string order", () => {
    assert.equal(of("1.9", "1.10", "1.2"), "1.10");
    assert.equal(of("2.0", "2.0.post1", "1.0"), "2.0.post1");
  });

  test("a pre-release only when there is nothing else", () => {
    assert.equal(of("1.0", "2.0b1", "2.0.dev3"), "1.0");
    assert.equal(of("2.0b1", "2.0rc1", "1.0a1"), "2.0rc1");
  });

  test("nothing, or nothing that parses: null", () => {
    assert.equal(of(), null);
    assert.equal(of("not a version"), null);
  });
});
