import { test } from "node:test";
import assert from "node:assert/strict";
import { Tag, parseTag } from "./tags.ts";

test("parseTag expands compressed tag sets in order", () => {
  const cases: [string, string[]][] = [
    ["py3-none-any", ["py3-none-any"]],
    ["py2.py3-none-any", ["py2-none-any", "py3-none-any"]],
    ["CP311-CP311-Manylinux_2_17_x86_64", ["cp311-cp311-manylinux_2_17_x86_64"]],
    ["cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", ["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux2014_x86_64"]],
    ["py2.py3.py2-none-any", ["py2-none-any", "py3-none-any"]],
    ["cp36.cp37-abi3.none-win32", ["cp36-abi3-win32", "cp36-none-win32", "cp37-abi3-win32", "cp37-none-win32"]],
  ];
  for (const [input, tags] of cases) assert.deepEqual(parseTag(input).map(String), tags, input);
  assert.ok(new Tag("PY3", "None", "ANY").equals(new Tag("py3", "none", "any")));
});

test("parseTag rejects malformed tags", () => {
  const cases: [string, string][] = [
    ["py3-none", "expected {interpreter}-{abi}-{platform}"],
    ["py3-none-any-x", "expected {interpreter}-{abi}-{platform}"],
    ["py3..py2-none-any", '"" is not a valid tag component'],
    ["py3-no ne-any", '"no ne" is not a valid tag component'],
  ];
  for (const [input, reason] of cases) {
    assert.throws(() => parseTag(input), { name: "InvalidTag", message: `Invalid tag ${JSON.stringify(input)}: ${reason}` });
  }
});
