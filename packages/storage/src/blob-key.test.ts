import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { checkBlobKey, checkBlobPrefix } from "./blob-key.ts";
import { InvalidBlobKey } from "./blob-store.ts";

describe("checkBlobKey", () => {
  const valid = [
    "files/ab/cd/0123456789abcdef/name-1.0-py3-none-any.whl",
    "files/ab/cd/0123456789abcdef/name-1.0-py3-none-any.whl.metadata",
    "pkg-1.0+local.2-py3-none-any.whl",
    "a..b/c.", // ".." is only special as a whole segment
    ".hidden/x", // a leading dot is fine outside the reserved prefix
    "ünïcode/名前 with spaces",
    "x".repeat(255),
  ];
  for (const key of valid) {
    test(`accepts ${JSON.stringify(key.slice(0, 40))}`, () => checkBlobKey(key));
  }

  test("rejects a key over 1024 bytes, counting UTF-8 bytes", () => {
    const key = `${"é".repeat(120)}/`.repeat(5).slice(0, -1); // 1204 bytes, 604 characters
    assert.throws(() => checkBlobKey(key), { name: "InvalidBlobKey", message: `invalid blob key ${JSON.stringify(key)}: is longer than 1024 bytes` });
  });

  test("carries the offending key", () => {
    try {
      checkBlobKey("a/../b");
      assert.fail("no error");
    } catch (error) {
      assert.ok(error instanceof InvalidBlobKey);
      assert.equal(error.key, "a/../b");
    }
  });
});

describe("checkBlobPrefix", () => {
  for (const prefix of ["", "files/", "files/a", "files/ab/cd/", "a/.", "a/.."]) {
    test(`accepts ${JSON.stringify(prefix)}`, () => checkBlobPrefix(prefix));
  }
  const invalid: [string, string][] = [
    ["../", 'invalid blob key "../": has a ".." path segment'],
    ["a/../b", 'invalid blob key "a/../b": has a ".." path segment'],
    ["/files", 'invalid blob key "/files": must be relative, not start with /'],
    ["a//", 'invalid blob key "a//": has an empty path segment'],
    ["a\\", 'invalid blob key "a\\\\": contains a backslash'],
  ];
  for (const [prefix, message] of invalid) {
    test(`rejects ${JSON.stringify(prefix)}`, () => {
      assert.throws(() => checkBlobPrefix(prefix), { name: "InvalidBlobKey", message });
    });
  }
});
