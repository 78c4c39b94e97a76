// The mirror as clients meet it over HTTP: one upstream fetch for 50 concurrent downloads,
// quarantine hiding fresh files from installers but not from admins, and upstream faults
// answered with a clear error or the last good copy — never corrupt bytes.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { startStaticUpstream, type StaticUpstream } from "../support/static-upstream.ts";
import { buildWheel, metadataText, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";

const PIP_JSON = { accept: "application/vnd.pypi.simple.v1+json" };
const DAY = 86_400_000;

let registry: TestRegistry;
let upstream: StaticUpstream;
const popular: WheelSpec = { name: "popular", version: "1.0", padding: 200_000 };
const popularWheel = buildWheel(popular).body;
const fresh: WheelSpec = { name: "fresh-release", version: "2.0" };
const old: WheelSpec = { name: "fresh-release", version: "1.0" };

before(async () => {
  upstream = await startStaticUpstream({
    projects: {
      popular: [{ filename: wheelFilename(popular), bytes: popularWheel, metadata: metadataText(popular), uploadTime: new Date(Date.now() - 30 * DAY) }],
      "fresh-release": [
        { filename: wheelFilename(old), bytes: buildWheel(old).body, uploadTime: new Date(Date.now() - 30 * DAY) },
        { filename: wheelFilename(fresh), bytes: buildWheel(fresh).body, uploadTime: new Date(Date.now() - DAY) },
      ],
      flaky: [
        { filename: "flaky-1.0-py3-none-any.whl", bytes: buildWheel({ name: "flaky", version: "1.0" }).body, uploadTime: new Date(Date.now() - 30 * DAY) },
      ],
    },
  });
  registry = await startRegistry();
  await registry.admin("POST", "/api/admin/indexes", { name: "pypi", kind: "mirror", upstreamUrl: upstream.simpleUrl, quarantineDays: 7, pageTtlSeconds: 0 });
});

after(async () => {
  await registry?.stop();
  await upstream?.stop();
});

test("50 concurrent downloads of an uncached file: one upstream fetch, 50 correct copies", async () => {
  const page = await (await fetch(`${registry.url}/pypi/simple/popular/`, { headers: PIP_JSON })).json();
  const url = new URL(page.files[0].url, registry.url).href;
  const bodies = await Promise.all(Array.from({ length: 50 }, async () => Buffer.from(await (await fetch(url)).arrayBuffer())));
  const expected = createHash("sha256").update(popularWheel).digest("hex");
  for (const body of bodies) assert.equal(createHash("sha256").update(body).digest("hex"), expected);
  assert.equal(upstream.requests(`/files/${wheelFilename(popular)}`), 1);
  // PEP 658 passes through.
  const metadata = await fetch(`${url}.metadata`);
  assert.equal(await metadata.text(), metadataText(popular));
});

test("quarantine: a release younger than quarantineDays is invisible to installers, visible to admins", async () => {
  const anonymous = await (await fetch(`${registry.url}/pypi/simple/fresh-release/`, { headers: PIP_JSON })).json();
  assert.deepEqual(anonymous.versions, ["1.0"]);
  assert.equal((await fetch(`${registry.url}/pypi/files/${wheelFilename(fresh)}`)).status, 404);
  const admin = await (
    await fetch(`${registry.url}/pypi/simple/fresh-release/`, { headers: { ...PIP_JSON, authorization: basicAuth("__token__", registry.adminToken) } })
  ).json();
  assert.deepEqual(admin.versions, ["1.0", "2.0"]);
  await registry.admin("PATCH", "/api/admin/indexes/pypi", { quarantineExceptions: ["Fresh_Release"] });
  const excepted = await (await fetch(`${registry.url}/pypi/simple/fresh-release/`, { headers: PIP_JSON })).json();
  assert.deepEqual(excepted.versions, ["1.0", "2.0"]);
});

test("upstream faults: a clear error, the stale page, and never corrupt bytes", async () => {
  const pageUrl = `${registry.url}/pypi/simple/flaky/`;
  const first = await (await fetch(pageUrl, { headers: PIP_JSON })).json();
  const fileUrl = new URL(first.files[0].url, registry.url).href;

  upstream.setFault("/simple/flaky/", { status: 500 });
  const stale = await fetch(pageUrl, { headers: PIP_JSON });
  assert.equal(stale.status, 200, "the last good copy is served");
  assert.deepEqual(
    (await stale.json()).files.map((f: { filename: string }) => f.filename),
    ["flaky-1.0-py3-none-any.whl"],
  );

  upstream.setFault("/files/flaky-1.0-py3-none-any.whl", { status: 500 });
  const failed = await fetch(fileUrl);
  assert.equal(failed.status, 502);
  assert.match(await failed.text(), /^Upstream .* is unavailable: HTTP 500\.$/m);

  upstream.setFault("/files/flaky-1.0-py3-none-any.whl", "wrong-bytes");
  const corrupt = await fetch(fileUrl).then(
    async (r) => ({
      status: r.status,
      bytes: await r.arrayBuffer().then(
        (b) => b.byteLength,
        () => -1,
      ),
    }),
    () => ({ status: 0, bytes: -1 }),
  );
  assert.ok(corrupt.status === 502 || corrupt.bytes < first.files[0].size, `the corrupt file never arrives complete (${JSON.stringify(corrupt)})`);

  upstream.setFault("/files/flaky-1.0-py3-none-any.whl", "close-mid-file");
  const cut = await fetch(fileUrl).then(
    async (r) =>
      r.arrayBuffer().then(
        (b) => b.byteLength,
        () => -1,
      ),
    () => -1,
  );
  assert.ok(cut < first.files[0].size, "a file cut upstream is cut for the client too");
  const row = await registry.running.db.file.findFirstOrThrow({ where: { filename: "flaky-1.0-py3-none-any.whl" } });
  assert.equal(row.storageKey, null, "nothing was kept");

  upstream.setFault("/files/flaky-1.0-py3-none-any.whl", null);
  upstream.setFault("/simple/flaky/", null);
  const good = Buffer.from(await (await fetch(fileUrl)).arrayBuffer());
  assert.equal(createHash("sha256").update(good).digest("hex"), first.files[0].hashes.sha256);
});

test("sync on demand through the admin API, progress visible", async () => {
  await registry.admin("PATCH", "/api/admin/indexes/pypi", { syncSelection: { allow: ["fresh-release"] } });
  const bad = registry.admin("PATCH", "/api/admin/indexes/pypi", { syncSelection: { pythons: ["three"] } });
  await assert.rejects(bad, /Invalid syncSelection\.pythons\[0\]/);
  const queued = await registry.admin("POST", "/api/admin/indexes/pypi/sync");
  assert.equal(queued.queued, true);
  let runs: { state: string; filesDone: number }[] = [];
  for (let i = 0; i < 100; i++) {
    runs = await registry.admin("GET", "/api/admin/indexes/pypi/syncs");
    if (runs[0]?.state === "finished") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(runs[0]?.state, "finished", JSON.stringify(runs));
  const files = await registry.running.db.file.findMany({ where: { project: { name: "fresh-release" } } });
  assert.ok(
    files.every((f) => f.storageKey !== null),
    "every selected file is cached",
  );
  const jobs = await registry.admin("GET", "/api/admin/jobs");
  assert.equal(jobs.queue, "in-process");
});
