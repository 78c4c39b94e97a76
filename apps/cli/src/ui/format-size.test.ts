import assert from "node:assert/strict";
import { test } from "node:test";
import { formatSize, formatSizeAsTwine } from "./format-size.ts";

test("formatSize: pip's steps (bytes, kB with one decimal below 10 kB, whole kB, MB)", () => {
  assert.equal(formatSize(999), "999 bytes");
  assert.equal(formatSize(1000), "1000 bytes");
  assert.equal(formatSize(1500), "1.5 kB");
  assert.equal(formatSize(25_600), "25 kB");
  assert.equal(formatSize(2_345_678), "2.3 MB");
});

test("formatSizeAsTwine: twine's KB, MB from 1024 KB", () => {
  assert.equal(formatSizeAsTwine(512), "0.5 KB");
  assert.equal(formatSizeAsTwine(1024 * 1024), "1024.0 KB");
  assert.equal(formatSizeAsTwine(3 * 1024 * 1024), "3.0 MB");
});
