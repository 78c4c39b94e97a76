import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatLegacyUploadTime, formatUploadTime } from "./upload-time.ts";

describe("upload time formats", () => {
  const cases: [input: string, iso: string, legacy: string][] = [
    ["2024-11-06T22:37:09.220Z", "2024-11-06T22:37:09.220000Z", "2024-11-06T22:37:09"],
    ["2015-06-14T14:38:05.000Z", "2015-06-14T14:38:05.000000Z", "2015-06-14T14:38:05"],
    ["2000-01-01T00:00:00.001Z", "2000-01-01T00:00:00.001000Z", "2000-01-01T00:00:00"],
    ["2024-03-01T01:02:03.999+02:00", "2024-02-29T23:02:03.999000Z", "2024-02-29T23:02:03"],
  ];
  for (const [input, iso, legacy] of cases) {
    it(input, () => {
      assert.equal(formatUploadTime(new Date(input)), iso);
      assert.equal(formatLegacyUploadTime(new Date(input)), legacy);
    });
  }

  it("always six fractional digits", () => {
    assert.match(formatUploadTime(new Date(0)), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it("rejects an invalid Date", () => {
    assert.throws(() => formatUploadTime(new Date("nope")), { name: "RangeError", message: "upload time is an invalid Date" });
  });
});
