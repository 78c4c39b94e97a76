import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidAdvisory, parseOsvAdvisory, type ParsedAdvisory } from "./parse-advisory.ts";
import { isAffected } from "./affected.ts";

const GHSA = {
  schema_version: "1.6.0",
  id: "GHSA-abcd-efgh-ijkl",
  modified: "2024-03-01T10:00:00Z",
  published: "2024-02-01T09:00:00.123456Z",
  aliases: ["CVE-2024-1111"],
  summary: "Header injection in Example_Lib",
  details: "Long text.",
  severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N" }],
  affected: [
    {
      package: { ecosystem: "PyPI", name: "Example_Lib", purl: "pkg:pypi/example-lib" },
      ranges: [
        { type: "GIT", repo: "https://example.invalid/repo", events: [{ introduced: "0" }, { fixed: "deadbeef" }] },
        { type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.2.5" }, { introduced: "2.0" }, { fixed: "2.0.3" }, { limit: "3.0" }] },
      ],
      versions: ["1.0", "1.1", "2.0"],
    },
    { package: { ecosystem: "npm", name: "example-lib" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "not a pep 440 version" }] }] },
    { package: { ecosystem: "PyPI", name: "example.lib" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "3.0" }, { last_affected: "3.1" }] }] },
  ],
  references: [{ type: "ADVISORY", url: "https://nvd.nist.gov/vuln/detail/CVE-2024-1111" }],
  database_specific: { severity: "HIGH", github_reviewed: true },
};

function parse(record: unknown, file = "GHSA-abcd-efgh-ijkl.json"): ParsedAdvisory {
  const result = parseOsvAdvisory(JSON.stringify(record), file);
  assert.equal(result.kind, "advisory");
  return (result as { advisory: ParsedAdvisory }).advisory;
}

function rejects(record: unknown, message: string | RegExp, file = "bad.json") {
  assert.throws(
    () => parseOsvAdvisory(typeof record === "string" ? record : JSON.stringify(record), file),
    (err: unknown) => err instanceof InvalidAdvisory && (typeof message === "string" ? err.message === message : message.test(err.message)),
    String(message),
  );
}

test("a GHSA record: fields, severity label, link, merged PyPI entries, GIT ranges and limits dropped", () => {
  const advisory = parse(GHSA);
  assert.equal(advisory.id, "GHSA-abcd-efgh-ijkl");
  assert.deepEqual(advisory.aliases, ["CVE-2024-1111"]);
  assert.equal(advisory.summary, "Header injection in Example_Lib");
  assert.equal(advisory.severity, "high", "database_specific.severity wins over the CVSS vector");
  assert.equal(advisory.link, "https://github.com/advisories/GHSA-abcd-efgh-ijkl");
  assert.equal(advisory.source, "osv");
  assert.equal(advisory.published?.toISOString(), "2024-02-01T09:00:00.123Z");
  assert.equal(advisory.modified.toISOString(), "2024-03-01T10:00:00.000Z");
  assert.equal(advisory.withdrawn, null);
  assert.equal(advisory.raw.schema_version, "1.6.0");
  assert.equal(advisory.packages.length, 1, "Example_Lib and example.lib are one project; npm is ignored");
  const [pkg] = advisory.packages;
  assert.equal(pkg!.name, "example-lib");
  assert.deepEqual(pkg!.ranges, [
    [{ introduced: "1.0" }, { fixed: "1.2.5" }, { introduced: "2.0" }, { fixed: "2.0.3" }],
    [{ introduced: "3.0" }, { last_affected: "3.1" }],
  ]);
  assert.deepEqual(pkg!.versions, ["1.0", "1.1", "2.0"]);
  assert.deepEqual(pkg!.fixedIn, ["1.2.5", "2.0.3"]);
  const affected = ["0.9", "1.0", "1.2.5", "1.9", "2.0.2", "2.0.3", "3.1", "3.2"].filter((v) => isAffected(pkg!, v));
  assert.deepEqual(affected, ["1.0", "2.0.2", "3.1"]);
});

test("a withdrawn record is parsed with its withdrawal time", () => {
  const advisory = parse({ ...GHSA, id: "PYSEC-2024-9", withdrawn: "2024-04-01T00:00:00Z" });
  assert.equal(advisory.withdrawn?.toISOString(), "2024-04-01T00:00:00.000Z");
  assert.equal(advisory.link, "https://osv.dev/vulnerability/PYSEC-2024-9");
});

test("severity from the CVSS vector when the record gives no label; null when neither", () => {
  const { database_specific: _d, ...unlabelled } = GHSA;
  assert.equal(parse(unlabelled).severity, "moderate");
  const { severity: _s, ...bare } = unlabelled;
  assert.equal(parse(bare).severity, null);
});

test("a record without a PyPI package is skipped, not an error", () => {
  const result = parseOsvAdvisory(
    JSON.stringify({ id: "RUSTSEC-2024-1", modified: "2024-01-01T00:00:00Z", affected: [{ package: { ecosystem: "crates.io", name: "x" }, versions: ["1"] }] }),
    "r.json",
  );
  assert.deepEqual(result, { kind: "skipped", id: "RUSTSEC-2024-1", reason: "no-pypi-package" });
  const none = parseOsvAdvisory(JSON.stringify({ id: "OSV-1", modified: "2024-01-01T00:00:00Z" }), "o.json");
  assert.equal(none.kind, "skipped");
});

test("unknown keys are allowed", () => {
  assert.equal(parse({ ...GHSA, credits: [{ name: "someone" }], new_field_of_2030: true }).id, GHSA.id);
});

test("malformed files: one sentence naming the file and the field", () => {
  // The parser's own words follow (they vary between Node versions).
  rejects("{ not json", /^bad\.json: not valid JSON \(.+\)$/);
  rejects("[1, 2]", "bad.json: not an OSV record (expected a JSON object)");
  rejects({ modified: "2024-01-01T00:00:00Z" }, "bad.json: id: required, but missing");
  rejects({ id: "has space", modified: "2024-01-01T00:00:00Z" }, "bad.json: id: must be an OSV id such as GHSA-xxxx-xxxx-xxxx or PYSEC-2024-1");
  rejects({ id: "X-1", modified: "yesterday" }, "bad.json: modified: must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z");
  rejects({ ...GHSA, withdrawn: "2024-13-45T00:00:00Z" }, "bad.json: withdrawn: must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z");
  rejects({ ...GHSA, aliases: "CVE-1" }, "bad.json: aliases: must be a list, not a string");
  rejects({ ...GHSA, summary: 7 }, "bad.json: summary: must be a string, not a number");
  rejects(
    { ...GHSA, affected: [{ package: { ecosystem: "PyPI", name: "x" }, ranges: [{ type: "ECOSYSTEM" }] }] },
    "bad.json: affected[0].ranges[0].events: required, but missing",
  );
  const withEvents = (events: unknown[], type = "ECOSYSTEM") => ({
    ...GHSA,
    affected: [{ package: { ecosystem: "PyPI", name: "x" }, ranges: [{ type, events }] }],
  });
  rejects(
    withEvents([{ introduced: "0" }, { fixed: "1.0", introduced: "0.5" }]),
    "bad.json: affected[0].ranges[0].events[1]: an event has exactly one of introduced, fixed, last_affected or limit",
  );
  rejects(
    withEvents([{ introduced: "0" }, { fixed: "one point oh" }]),
    'bad.json: affected[0].ranges[0].events[1].fixed: "one point oh" is not a PEP 440 version',
  );
  rejects(withEvents([{ introduced: "1.0-beta-gamma" }]), 'bad.json: affected[0].ranges[0].events[0].introduced: "1.0-beta-gamma" is not a PEP 440 version');
  rejects(
    withEvents([{ introduced: "0" }, { last_affected: "x.y" }], "SEMVER"),
    'bad.json: affected[0].ranges[0].events[1].last_affected: "x.y" is not a PEP 440 version',
  );
  rejects(withEvents([{ fixed: "1.0" }]), 'bad.json: affected[0].ranges[0].events: an ECOSYSTEM range needs an "introduced" event');
  rejects(withEvents([]), "bad.json: affected[0].ranges[0].events: a range has at least one event");
  rejects(withEvents([{ introduced: "0" }], "DATE"), "bad.json: affected[0].ranges[0].type: must be ECOSYSTEM, SEMVER or GIT");
  rejects(
    { ...GHSA, affected: [{ package: { ecosystem: "PyPI", name: "-bad name-" } }] },
    'bad.json: affected[0].package.name: "-bad name-" is not a valid project name',
  );
});

test("a GIT range's commits and an ECOSYSTEM range's limit are not versions: not checked", () => {
  const record = {
    ...GHSA,
    affected: [
      {
        package: { ecosystem: "PyPI", name: "x" },
        ranges: [
          { type: "GIT", repo: "r", events: [{ introduced: "abc123" }, { limit: "def456" }] },
          { type: "ECOSYSTEM", events: [{ introduced: "0" }, { limit: "*" }] },
        ],
      },
    ],
  };
  const [pkg] = parse(record).packages;
  assert.deepEqual(pkg!.ranges, [[{ introduced: "0" }]]);
  assert.equal(isAffected(pkg!, "1000"), true, "limit is ignored for ECOSYSTEM ranges");
});
