import { test } from "node:test";
import assert from "node:assert/strict";
import { cvssBaseScore, levelFromLabel, levelFromScore, meetsSeverity, severityOf, SEVERITY_LEVELS } from "./severity.ts";

test("GHSA labels", () => {
  assert.deepEqual(["LOW", "MODERATE", "MEDIUM", "HIGH", "CRITICAL", "high", " Critical ", "UNKNOWN", "", 7].map(levelFromLabel), [
    "low",
    "moderate",
    "moderate",
    "high",
    "critical",
    "high",
    "critical",
    null,
    null,
    null,
  ]);
});

test("CVSS score bands", () => {
  assert.deepEqual([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10, 10.5, -1, Number.NaN].map(levelFromScore), [
    "low",
    "low",
    "low",
    "moderate",
    "moderate",
    "high",
    "high",
    "critical",
    "critical",
    null,
    null,
    null,
  ]);
});

test("CVSS base scores of v2, v3.0, v3.1 and v4.0 vectors; null for incomplete or unknown ones", () => {
  assert.equal(cvssBaseScore("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
  assert.equal(cvssBaseScore("CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N"), 4.3);
  assert.equal(cvssBaseScore("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), 9.3);
  assert.equal(cvssBaseScore("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"), 6.9);
  assert.equal(cvssBaseScore("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P"), 7.5);
  assert.equal(cvssBaseScore("CVSS_V3", "CVSS:3.1/AV:N"), null);
  assert.equal(cvssBaseScore("CVSS_V3", "CVSS:3.1/garbage"), null);
  assert.equal(cvssBaseScore("CVSS_V3", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), null, "type and vector disagree");
  assert.equal(cvssBaseScore("Ubuntu", "high"), null);
});

test("a record's level: database_specific.severity first, else its highest CVSS level, else null", () => {
  const v31 = { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N" }; // 5.3
  const v40 = { type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" }; // 9.3
  assert.equal(severityOf({ database_specific: { severity: "LOW" }, severity: [v40] }), "low");
  assert.equal(severityOf({ severity: [v31] }), "moderate");
  assert.equal(severityOf({ severity: [v31, v40] }), "critical");
  assert.equal(severityOf({ database_specific: { severity: "n/a" }, severity: [v31] }), "moderate");
  assert.equal(severityOf({ affected: [{ severity: [v31] }] }), "moderate");
  assert.equal(severityOf({ severity: [{ type: "CVSS_V3", score: "nonsense" }] }), null);
  assert.equal(severityOf({}), null);
});

test("thresholds: at or above; unknown severity meets only 'low'", () => {
  assert.equal(meetsSeverity("high", "high"), true);
  assert.equal(meetsSeverity("critical", "high"), true);
  assert.equal(meetsSeverity("moderate", "high"), false);
  assert.equal(meetsSeverity("low", "low"), true);
  for (const threshold of SEVERITY_LEVELS) assert.equal(meetsSeverity(null, threshold), threshold === "low", threshold);
});
