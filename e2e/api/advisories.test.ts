// Security advisories end to end: OSV files written here are imported (the admin command's
// function from a directory, the admin API from a zip), the JSON API lists them per release,
// a later import updates them, a malformed file refuses the whole import, the query endpoint
// answers `wheelhouse audit`, and index policies refuse (pip sees the message) or warn.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { importAdvisories } from "../../apps/registry/src/services/import-advisories.ts";
import { wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";
import { createVenv, pip, type Venv } from "../support/python.ts";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { describeRun } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";

const TIMEOUT = { timeout: 180_000 };
const SERVER = { id: 0, username: "(test)" };

let registry: TestRegistry;
let venv: Venv;
const releases: WheelSpec[] = ["1.0", "1.2.5", "2.0.2", "2.0.3"].map((version) => ({ name: "vuln-lib", version }));
const legacy: WheelSpec[] = ["0.8", "0.9"].map((version) => ({ name: "legacy-lib", version }));

// A GHSA-like record: CVE alias, GHSA severity label, two introduced/fixed pairs in one range
// (and a GIT range and a limit event, which do not apply to releases).
const ghsa = {
  schema_version: "1.6.0",
  id: "GHSA-e2e1-aaaa-bbbb",
  modified: "2024-03-01T10:00:00Z",
  published: "2024-02-01T09:00:00Z",
  aliases: ["CVE-2024-0001"],
  summary: "Request smuggling in vuln-lib",
  details: "vuln-lib mishandles chunked bodies.",
  affected: [
    {
      package: { ecosystem: "PyPI", name: "Vuln_Lib", purl: "pkg:pypi/vuln-lib" },
      ranges: [
        { type: "GIT", repo: "https://git.example.invalid/vuln-lib", events: [{ introduced: "0" }, { fixed: "0123abcd" }] },
        { type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.2.5" }, { introduced: "2.0" }, { fixed: "2.0.3" }, { limit: "9" }] },
      ],
    },
  ],
  references: [{ type: "ADVISORY", url: "https://nvd.nist.gov/vuln/detail/CVE-2024-0001" }],
  database_specific: { severity: "HIGH", github_reviewed: true },
};
// last_affected (inclusive), severity from a CVSS v3.1 vector (5.3: moderate).
const pysec = {
  id: "PYSEC-2024-77",
  modified: "2024-01-10T00:00:00Z",
  published: "2024-01-05T00:00:00Z",
  aliases: ["CVE-2024-0077"],
  details: "legacy-lib leaks a header.",
  severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N" }],
  affected: [
    { package: { ecosystem: "PyPI", name: "legacy-lib" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { last_affected: "0.9" }] }] },
    { package: { ecosystem: "PyPI", name: "vuln-lib" }, versions: ["1.0"] },
  ],
};
// Withdrawn: listed by the JSON API (as PyPI does), left out of queries and policies.
const withdrawn = {
  id: "GHSA-e2e3-cccc-dddd",
  modified: "2024-02-15T00:00:00Z",
  withdrawn: "2024-02-15T00:00:00Z",
  summary: "Not actually a vulnerability",
  affected: [{ package: { ecosystem: "PyPI", name: "vuln-lib" }, versions: ["2.0.2"] }],
  database_specific: { severity: "CRITICAL" },
};
const npmOnly = {
  id: "GHSA-e2e4-eeee-ffff",
  modified: "2024-01-01T00:00:00Z",
  affected: [{ package: { ecosystem: "npm", name: "vuln-lib" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "1.0.0" }] }] }],
};

async function writeDir(files: Record<string, unknown>): Promise<string> {
  const dir = await makeTempDir("wheelhouse-e2e-osv-");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function zipOf(files: Record<string, unknown>): Blob {
  return new Blob([
    zipSync(
      Object.fromEntries(Object.entries(files).map(([name, content]) => [name, strToU8(typeof content === "string" ? content : JSON.stringify(content))])),
    ) as Uint8Array<ArrayBuffer>,
  ]);
}

function adminHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: basicAuth("__token__", registry.adminToken), ...extra };
}

async function importZip(zip: Blob): Promise<Response> {
  return fetch(`${registry.url}/api/admin/advisories/import`, { method: "POST", headers: adminHeaders({ "content-type": "application/zip" }), body: zip });
}

async function vulnerabilities(project: string, version?: string): Promise<{ id: string; withdrawn: string | null; fixed_in: string[] }[]> {
  const response = await fetch(`${registry.url}/pypi/${project}/${version ? `${version}/` : ""}json`);
  assert.equal(response.status, 200);
  return (await response.json()).vulnerabilities;
}

const ids = (list: { id: string }[]) => list.map((v) => v.id).sort();

async function rowCounts(): Promise<number[]> {
  const { db } = registry.running;
  return Promise.all([db.advisory.count(), db.advisoryPackage.count(), db.advisoryImport.count()]);
}

async function setPolicy(index: string, advisoryPolicy: string, advisoryMinSeverity = "high"): Promise<void> {
  const described = await registry.admin("PATCH", `/api/admin/indexes/${index}`, { advisoryPolicy, advisoryMinSeverity });
  assert.deepEqual([described.advisoryPolicy, described.advisoryMinSeverity], [advisoryPolicy, advisoryMinSeverity]);
}

before(async () => {
  [registry, venv] = await Promise.all([startRegistry(), makeTempDir("wheelhouse-e2e-venv-").then(createVenv)]);
  const token = (await registry.createUser("advisory-uploader", { scope: "upload" })).token;
  for (const spec of [...releases, ...legacy]) await uploadWheel(`${registry.url}/legacy/`, token, spec);
});

after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

describe("import and the JSON API", () => {
  test("the admin command's import of a directory: counts, and non-PyPI records skipped", async () => {
    const dir = await writeDir({
      "ghsa/GHSA-e2e1-aaaa-bbbb.json": ghsa,
      "pysec/PYSEC-2024-77.json": pysec,
      "ghsa/GHSA-e2e3-cccc-dddd.json": withdrawn,
      "npm/GHSA-e2e4-eeee-ffff.json": npmOnly,
    });
    const summary = await importAdvisories({ db: registry.running.db }, { path: dir, actor: SERVER });
    assert.deepEqual({ ...summary, generation: 0 }, { files: 4, added: 2, updated: 0, unchanged: 0, withdrawn: 1, skippedNonPyPI: 1, generation: 0 });
  });

  test("each release lists the advisories that affect it, in PyPI's shape", async () => {
    const v1 = await vulnerabilities("vuln-lib", "1.0");
    assert.deepEqual(ids(v1), ["GHSA-e2e1-aaaa-bbbb", "PYSEC-2024-77"]);
    assert.deepEqual(
      v1.find((v) => v.id === "GHSA-e2e1-aaaa-bbbb"),
      {
        aliases: ["CVE-2024-0001"],
        details: "vuln-lib mishandles chunked bodies.",
        fixed_in: ["1.2.5", "2.0.3"],
        id: "GHSA-e2e1-aaaa-bbbb",
        link: "https://github.com/advisories/GHSA-e2e1-aaaa-bbbb",
        source: "osv",
        summary: "Request smuggling in vuln-lib",
        withdrawn: null,
      },
    );
    assert.deepEqual(await vulnerabilities("vuln-lib", "1.2.5"), [], "fixed is exclusive");
    const v202 = await vulnerabilities("vuln-lib", "2.0.2");
    assert.deepEqual(ids(v202), ["GHSA-e2e1-aaaa-bbbb", "GHSA-e2e3-cccc-dddd"], "the second introduced/fixed pair");
    assert.equal(v202.find((v) => v.id === "GHSA-e2e3-cccc-dddd")!.withdrawn, "2024-02-15T00:00:00Z");
    assert.deepEqual(await vulnerabilities("vuln-lib", "2.0.3"), []);
    // The project endpoint shows the release in `info.version`: vuln-lib 2.0.3, legacy-lib 0.9 (last_affected is inclusive).
    assert.deepEqual(await vulnerabilities("vuln-lib"), []);
    assert.deepEqual(ids(await vulnerabilities("legacy-lib")), ["PYSEC-2024-77"]);
    assert.deepEqual(ids(await vulnerabilities("legacy-lib", "0.8")), ["PYSEC-2024-77"]);
    // Per-index URLs answer the same: advisories are registry-wide.
    assert.deepEqual(ids((await (await fetch(`${registry.url}/main/pypi/Vuln_Lib/1.0/json`)).json()).vulnerabilities), [
      "GHSA-e2e1-aaaa-bbbb",
      "PYSEC-2024-77",
    ]);
  });

  test("the admin API lists and shows advisories", async () => {
    const listed = await registry.admin("GET", "/api/admin/advisories?project=VULN_LIB");
    assert.deepEqual(
      listed.map((a: { id: string }) => a.id),
      ["GHSA-e2e1-aaaa-bbbb", "GHSA-e2e3-cccc-dddd", "PYSEC-2024-77"],
    );
    const one = await registry.admin("GET", "/api/admin/advisories/PYSEC-2024-77");
    assert.equal(one.severity, "moderate");
    assert.deepEqual(
      one.packages.map((p: { name: string }) => p.name),
      ["legacy-lib", "vuln-lib"],
    );
    assert.equal(one.raw.details, "legacy-lib leaks a header.");
    await assert.rejects(registry.admin("GET", "/api/admin/advisories/GHSA-e2e4-eeee-ffff"), /404/);
  });

  test("a later import over HTTP updates what changed, and the JSON API's body and ETag follow", async () => {
    const before = await fetch(`${registry.url}/pypi/vuln-lib/2.0.3/json`);
    const etag = before.headers.get("etag")!;
    // The second pair's fix moved to 2.0.4: 2.0.3 is now affected.
    const revised = {
      ...ghsa,
      modified: "2024-04-01T00:00:00Z",
      affected: [
        {
          ...ghsa.affected[0]!,
          ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.2.5" }, { introduced: "2.0" }, { fixed: "2.0.4" }] }],
        },
      ],
    };
    const stale = { ...pysec, modified: "2023-01-01T00:00:00Z", details: "older text" };
    const response = await importZip(zipOf({ "GHSA-e2e1-aaaa-bbbb.json": revised, "PYSEC-2024-77.json": stale, "GHSA-e2e3-cccc-dddd.json": withdrawn }));
    assert.equal(response.status, 200, await response.clone().text());
    const summary = await response.json();
    assert.deepEqual([summary.files, summary.added, summary.updated, summary.unchanged, summary.withdrawn], [3, 0, 1, 2, 0]);
    const after = await fetch(`${registry.url}/pypi/vuln-lib/2.0.3/json`, { headers: { "if-none-match": etag } });
    assert.equal(after.status, 200, "the page changed, so the old ETag no longer matches");
    const listed = (await after.json()).vulnerabilities;
    assert.deepEqual(ids(listed), ["GHSA-e2e1-aaaa-bbbb"]);
    assert.deepEqual(listed[0].fixed_in, ["1.2.5", "2.0.4"]);
    assert.equal((await registry.admin("GET", "/api/admin/advisories/PYSEC-2024-77")).details, "legacy-lib leaks a header.", "an older record changes nothing");
  });

  test("one malformed file among good ones refuses the whole import, naming the file; nothing is written", async () => {
    const counts = await rowCounts();
    const bad = {
      ...ghsa,
      id: "GHSA-e2e5-gggg-hhhh",
      affected: [{ package: { ecosystem: "PyPI", name: "vuln-lib" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.0 final" }] }] }],
    };
    const files = {
      "A-GOOD-1.json": { ...pysec, id: "PYSEC-2024-901" },
      "nested/GHSA-e2e5-gggg-hhhh.json": bad,
      "Z-GOOD-2.json": { ...pysec, id: "PYSEC-2024-902" },
    };
    await assert.rejects(importAdvisories({ db: registry.running.db }, { path: await writeDir(files), actor: SERVER }), {
      message:
        "Advisory import refused, nothing was imported: " +
        'nested/GHSA-e2e5-gggg-hhhh.json: affected[0].ranges[0].events[1].fixed: "1.0 final" is not a PEP 440 version',
    });
    const response = await importZip(zipOf({ ...files, "nested/GHSA-e2e5-gggg-hhhh.json": '{"id": "GHSA-e2e5-gggg-hhhh", ' }));
    assert.equal(response.status, 400);
    assert.match(response.headers.get("content-type")!, /^application\/problem\+json/);
    assert.match((await response.json()).detail, /^Advisory import refused, nothing was imported: nested\/GHSA-e2e5-gggg-hhhh\.json: not valid JSON \(/);
    const notZip = await fetch(`${registry.url}/api/admin/advisories/import`, {
      method: "POST",
      headers: adminHeaders({ "content-type": "application/zip" }),
      body: "plain text",
    });
    assert.equal(notZip.status, 400);
    assert.deepEqual(await rowCounts(), counts);
    const anonymous = await fetch(`${registry.url}/api/admin/advisories/import`, {
      method: "POST",
      headers: { "content-type": "application/zip" },
      body: zipOf({}),
    });
    assert.equal(anonymous.status, 401);
  });
});

describe("query endpoint", () => {
  const query = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${registry.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  test("results in request order, names normalized, withdrawn advisories left out", async () => {
    const response = await query("/api/advisories/query", {
      packages: [
        { name: "Vuln_Lib", version: "1.0" },
        { name: "vuln-lib", version: "1.2.5" },
        { name: "no-such-project", version: "1" },
        { name: "vuln.lib", version: "2.0.2" },
      ],
    });
    assert.equal(response.status, 200);
    const { results } = await response.json();
    assert.deepEqual(
      results.map((r: { name: string; version: string }) => [r.name, r.version]),
      [
        ["vuln-lib", "1.0"],
        ["vuln-lib", "1.2.5"],
        ["no-such-project", "1"],
        ["vuln-lib", "2.0.2"],
      ],
    );
    assert.deepEqual(
      results.map((r: { vulnerabilities: { id: string }[] }) => ids(r.vulnerabilities)),
      [["GHSA-e2e1-aaaa-bbbb", "PYSEC-2024-77"], [], [], ["GHSA-e2e1-aaaa-bbbb"]],
    );
    const ghsaEntry = results[0].vulnerabilities.find((v: { id: string }) => v.id === "GHSA-e2e1-aaaa-bbbb");
    assert.deepEqual(ghsaEntry, {
      id: "GHSA-e2e1-aaaa-bbbb",
      aliases: ["CVE-2024-0001"],
      summary: "Request smuggling in vuln-lib",
      details: "vuln-lib mishandles chunked bodies.",
      fixed_in: ["1.2.5", "2.0.4"],
      link: "https://github.com/advisories/GHSA-e2e1-aaaa-bbbb",
      source: "osv",
      withdrawn: null,
      severity: "high",
      published: "2024-02-01T09:00:00.000Z",
      modified: "2024-04-01T00:00:00.000Z",
    });
    const perIndex = await query("/main/api/advisories/query", { packages: [{ name: "legacy-lib", version: "0.9" }] });
    assert.deepEqual(ids((await perIndex.json()).results[0].vulnerabilities), ["PYSEC-2024-77"]);
  });

  test("bad bodies get problem+json; private indexes need credentials", async () => {
    for (const body of [{}, { packages: [{ name: "x" }] }, { packages: Array.from({ length: 10_001 }, () => ({ name: "x", version: "1" })) }]) {
      const response = await query("/main/api/advisories/query", body);
      assert.equal(response.status, 400);
      assert.match(response.headers.get("content-type")!, /^application\/problem\+json/);
      assert.match((await response.json()).detail, /^Invalid request 'packages/);
    }
    const notJson = await fetch(`${registry.url}/api/advisories/query`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    assert.equal(notJson.status, 400);
    assert.equal((await query("/no-such-index/api/advisories/query", { packages: [] })).status, 404);
    await registry.createIndex("private-adv", { anonymousRead: false });
    const anonymous = await query("/private-adv/api/advisories/query", { packages: [] });
    assert.equal(anonymous.status, 401);
    const reader = await registry.createUser("adv-reader", { scope: "read" });
    const allowed = await query("/private-adv/api/advisories/query", { packages: [] }, { authorization: basicAuth("__token__", reader.token) });
    assert.deepEqual(await allowed.json(), { results: [] });
  });
});

describe("download policies", () => {
  const fileUrl = (index: string, spec: WheelSpec) => `${registry.url}/${index}/files/${wheelFilename(spec)}`;
  const [v1, v125] = releases as [WheelSpec, WheelSpec];

  test("refuse: the vulnerable file gets 403 with the reason, the fixed one downloads, metadata and pages are unchanged", async () => {
    await setPolicy("main", "refuse", "high");
    const refused = await fetch(fileUrl("main", v1));
    assert.equal(refused.status, 403);
    const message =
      "Download of vuln_lib-1.0-py3-none-any.whl refused by index 'main' policy: " +
      "known vulnerabilities GHSA-e2e1-aaaa-bbbb (CVE-2024-0001) severity high; fixed in 1.2.5, 2.0.4";
    assert.equal((await refused.text()).trim(), message);
    assert.equal(refused.headers.get("cache-control"), "no-store");
    assert.equal((await fetch(fileUrl("main", v1), { headers: { accept: "application/json" } }).then((r) => r.json())).detail, message);
    assert.equal((await fetch(fileUrl("main", v125))).status, 200);
    assert.equal((await fetch(`${fileUrl("main", v1)}.metadata`)).status, 200);
    assert.equal((await fetch(`${registry.url}/simple/vuln-lib/`)).status, 200);
    // The moderate PYSEC advisory alone does not reach a "high" threshold; at "moderate" it does.
    assert.equal((await fetch(fileUrl("main", legacy[1]!))).status, 200);
    await setPolicy("main", "refuse", "moderate");
    assert.equal((await fetch(fileUrl("main", legacy[1]!))).status, 403);
  });

  test("pip shows the refusal and installs the fixed version", TIMEOUT, async () => {
    await setPolicy("main", "refuse", "high");
    const dest = await makeTempDir();
    const index = ["--no-deps", "--index-url", `${registry.url}/simple/`, "-d", dest];
    const blocked = await pip(venv, "download", [...index, "vuln-lib==1.0"]);
    assert.notEqual(blocked.code, 0, describeRun("pip download vuln-lib==1.0", blocked));
    assert.match(
      blocked.stdout + blocked.stderr,
      /403 Client Error: Download of vuln_lib-1\.0-py3-none-any\.whl refused by index 'main' policy: known vulnerabilities GHSA-e2e1-aaaa-bbbb/,
    );
    const fixed = await pip(venv, "download", [...index, "vuln-lib==1.2.5"]);
    assert.equal(fixed.code, 0, describeRun("pip download vuln-lib==1.2.5", fixed));
    assert.deepEqual(await readdir(dest), [wheelFilename(v125)]);
  });

  test("warn: served, with the advisories in a header", async () => {
    await setPolicy("main", "warn", "high");
    const warned = await fetch(fileUrl("main", v1));
    assert.equal(warned.status, 200);
    assert.equal(warned.headers.get("wheelhouse-advisories"), "GHSA-e2e1-aaaa-bbbb");
    await setPolicy("main", "warn", "low");
    assert.equal((await fetch(fileUrl("main", v1))).headers.get("wheelhouse-advisories"), "GHSA-e2e1-aaaa-bbbb,PYSEC-2024-77");
    assert.equal((await fetch(fileUrl("main", v125))).headers.get("wheelhouse-advisories"), null);
    await setPolicy("main", "off");
    assert.equal((await fetch(fileUrl("main", v1))).headers.get("wheelhouse-advisories"), null);
  });

  test("through a group, the group's policy applies as well as the member's", async () => {
    await registry.admin("POST", "/api/admin/indexes", {
      name: "adv-group",
      kind: "group",
      members: ["main"],
      advisoryPolicy: "refuse",
      advisoryMinSeverity: "critical",
    });
    assert.equal((await fetch(fileUrl("adv-group", v1))).status, 200, "a high advisory is below the group's critical threshold");
    await setPolicy("adv-group", "refuse", "high");
    const refused = await fetch(fileUrl("adv-group", v1));
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /refused by index 'adv-group' policy/);
    assert.equal((await fetch(fileUrl("main", v1))).status, 200, "main's own policy is off");
    // A group of that group serves through it, so its policy holds there too.
    await registry.admin("POST", "/api/admin/indexes", { name: "adv-outer", kind: "group", members: ["adv-group"] });
    const nested = await fetch(fileUrl("adv-outer", v1));
    assert.equal(nested.status, 403);
    assert.match(await nested.text(), /refused by index 'adv-group' policy/);
    assert.equal((await fetch(fileUrl("adv-outer", v125))).status, 200);
    await setPolicy("adv-group", "off");
    assert.equal((await fetch(fileUrl("adv-outer", v1))).status, 200);
    await setPolicy("main", "refuse", "high");
    assert.match(await (await fetch(fileUrl("adv-group", v1))).text(), /refused by index 'main' policy/);
    await setPolicy("main", "off");
  });
});
