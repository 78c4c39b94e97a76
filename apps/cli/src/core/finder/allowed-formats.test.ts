import assert from "node:assert/strict";
import { test } from "node:test";
import { allowedFormats } from "./package-finder.ts";
import type { FormatControl } from "@wheelhouse/packaging";

const EMPTY: FormatControl = { noBinary: [], onlyBinary: [] };

test("allowedFormats: a name beats :all:", () => {
  const control = { noBinary: [":all:"], onlyBinary: ["numpy"] };
  assert.deepEqual([...allowedFormats(control, "NumPy")], ["binary"]);
  assert.deepEqual([...allowedFormats(control, "other")], ["source"]);
  assert.deepEqual([...allowedFormats(EMPTY, "x")].sort(), ["binary", "source"]);
});
