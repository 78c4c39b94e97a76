import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isQuarantined } from "./quarantine.ts";

const NOW = new Date("2025-06-10T12:00:00Z");
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3600_000);

describe("isQuarantined", () => {
  const index = { quarantineDays: 3, quarantineExceptions: ["trusted-lib", "Other_Lib"] };
  const cases: [string, Parameters<typeof isQuarantined>[0], string, Date | null, boolean][] = [
    ["quarantine off", { quarantineDays: 0, quarantineExceptions: [] }, "demo", hoursAgo(1), false],
    ["younger than the quarantine", index, "demo", hoursAgo(71), true],
    ["just uploaded", index, "demo", NOW, true],
    ["exactly as old as the quarantine", index, "demo", hoursAgo(72), false],
    ["older than the quarantine", index, "demo", hoursAgo(100), false],
    ["an exempt project", index, "trusted-lib", hoursAgo(1), false],
    ["an exempt project, named another way", index, "Trusted_Lib", hoursAgo(1), false],
    ["an exception written un-normalized", index, "other.lib", hoursAgo(1), false],
    ["upload time unknown", index, "demo", null, false],
    ["an upload time in the future", index, "demo", hoursAgo(-5), true],
  ];
  for (const [what, idx, name, uploadedAt, expected] of cases) {
    it(what, () => assert.equal(isQuarantined(idx, name, uploadedAt, NOW), expected));
  }

  it("uses the current time by default", () => {
    assert.equal(isQuarantined(index, "demo", new Date()), true);
    assert.equal(isQuarantined(index, "demo", new Date(Date.now() - 4 * 86400_000)), false);
  });
});
