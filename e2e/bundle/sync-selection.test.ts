// A bundle of a mirror's own sync selection: registry A mirrors an upstream Wheelhouse with
// `syncSelection: {allow: [app]}` and has fetched nothing yet; an export with
// `{syncSelection: true}` fetches exactly the selection's closure from upstream, and registry C
// (no upstream) imports it and serves every file with upstream's sha256.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { fetchSimpleLinks } from "../support/simple-page.ts";
import { startStaticUpstream, type StaticUpstream } from "../support/static-upstream.ts";
import { removeTempDirs, uniqueName } from "../support/temp-dir.ts";

const TIMEOUT = { timeout: 60_000 };

let upstream: TestRegistry;
/** A plain PEP 503 tree with the same wheels: no sizes, no hashes, no metadata files. */
let plain: StaticUpstream;
let a: TestRegistry;
let c: TestRegistry;
const base = uniqueName("base");
const app = uniqueName("app");
const other = uniqueName("other");
const specs: WheelSpec[] = [
  { name: base, version: "1.0" },
  { name: base, version: "2.0" },
  { name: app, version: "1.0", requiresDist: [`${base}<2`] },
  { name: other, version: "1.0" },
];
/** What `allow: [app]` selects: every version of app, and the dependency's matching versions. */
const selected = [specs[2]!, specs[0]!];
const wheels = new Map<WheelSpec, Buffer>(specs.map((spec) => [spec, buildWheel(spec).body]));
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

before(async () => {
  [upstream, a, c] = await Promise.all([startRegistry(), startRegistry(), startRegistry()]);
  const token = (await upstream.createUser(uniqueName("uploader"), { scope: "upload" })).token;
  for (const spec of specs) await uploadWheel(`${upstream.url}/`, token, spec, wheels.get(spec)!);
  await a.admin("POST", "/api/admin/indexes", { name: "pypi", kind: "mirror", upstreamUrl: `${upstream.url}/main/simple/`, syncSelection: { allow: [app] } });
  await a.admin("POST", "/api/admin/indexes", { name: "bare", kind: "mirror", upstreamUrl: `${upstream.url}/main/simple/` });
  const tree: Record<string, { filename: string; bytes: Buffer }[]> = {};
  for (const spec of specs) (tree[spec.name] ??= []).push({ filename: wheelFilename(spec), bytes: wheels.get(spec)! });
  plain = await startStaticUpstream({ bare: true, projects: tree });
  await a.admin("POST", "/api/admin/indexes", { name: "plain", kind: "mirror", upstreamUrl: plain.simpleUrl });
});

after(async () => {
  await Promise.all([upstream?.stop(), a?.stop(), c?.stop(), plain?.stop()]);
  await removeTempDirs();
});

function exportRequest(registry: TestRegistry, body: unknown): Promise<Response> {
  return fetch(`${registry.url}/api/admin/bundles/export`, {
    method: "POST",
    headers: { authorization: basicAuth("__token__", registry.adminToken), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function cachedFiles(registry: TestRegistry, index: string): Promise<string[]> {
  const row = await registry.running.db.index.findUniqueOrThrow({ where: { name: index } });
  const files = await registry.running.db.file.findMany({ where: { indexId: row.id, storageKey: { not: null } }, select: { filename: true } });
  return files.map((f) => f.filename).sort();
}

let bundle: Buffer;

test("the mirror's sync selection is exported, its files fetched from upstream first", TIMEOUT, async () => {
  assert.deepEqual(await cachedFiles(a, "pypi"), [], "nothing cached before the export");
  const response = await exportRequest(a, { index: "pypi", syncSelection: true });
  assert.equal(response.status, 200, response.status === 200 ? "" : await response.text());
  assert.equal(response.headers.get("content-type"), "application/x-tar");
  bundle = Buffer.from(await response.arrayBuffer());

  assert.equal(bundle.subarray(0, 22).toString("latin1"), "wheelhouse-bundle.json");
  for (const spec of selected) assert.ok(bundle.includes(wheels.get(spec)!), `${wheelFilename(spec)} is in the bundle`);
  for (const spec of [specs[1]!, specs[3]!]) assert.ok(!bundle.includes(Buffer.from(`files/${wheelFilename(spec)}`)), `${wheelFilename(spec)} is not`);
  assert.deepEqual(await cachedFiles(a, "pypi"), selected.map(wheelFilename).sort(), "the mirror cached what it exported");
});

test("a sync selection export that cannot be made gets a 400 that names the problem", TIMEOUT, async () => {
  const cases: [unknown, RegExp][] = [
    [{ index: "pypi", syncSelection: true, projects: [app] }, /give exactly one of 'projects', 'requirements' or 'syncSelection'/],
    [{ index: "pypi" }, /give exactly one of 'projects', 'requirements' or 'syncSelection'/],
    [{ index: "pypi", syncSelection: false }, /'syncSelection': must be true \(the mirror index's own sync selection\) or a sync selection object/],
    [{ index: "main", syncSelection: true }, /^Index 'main' is a hosted index; a sync selection can only be exported from a mirror index\.$/],
    [
      { index: "bare", syncSelection: true },
      /^Mirror index 'bare' has no sync selection; set one \(syncSelection\) or give projects or a requirements text\.$/,
    ],
    [{ index: "bare", syncSelection: { allow: [app], sdist: false } }, /^Invalid sync selection: syncSelection\.sdist: unknown field/],
    [{ index: "bare", syncSelection: { allow: [uniqueName("missing")] } }, /^The sync selection cannot be resolved against index 'bare': .*not found upstream/],
  ];
  for (const [body, detail] of cases) {
    const response = await exportRequest(a, body);
    const json = await response.json();
    assert.equal(response.status, 400, JSON.stringify({ body, json }));
    assert.match(json.detail, detail, JSON.stringify(body));
  }
  // A selection object given in the request works on a mirror without one of its own (here
  // every version of base from 2 on: a sync selection keeps all matching versions).
  const given = await exportRequest(a, { index: "bare", syncSelection: { allow: [`${base}>=2`] } });
  assert.equal(given.status, 200, given.status === 200 ? "" : await given.text());
  const bytes = Buffer.from(await given.arrayBuffer());
  assert.ok(bytes.includes(wheels.get(specs[1]!)!) && !bytes.includes(Buffer.from(`files/${wheelFilename(specs[0]!)}`)));
  // A requirements text on a mirror: the newest matching version only, as on a hosted index.
  const required = await exportRequest(a, { index: "bare", requirements: `${base}\n` });
  assert.equal(required.status, 200, required.status === 200 ? "" : await required.text());
  const requiredBytes = Buffer.from(await required.arrayBuffer());
  assert.ok(requiredBytes.includes(wheels.get(specs[1]!)!) && !requiredBytes.includes(Buffer.from(`files/${wheelFilename(specs[0]!)}`)));
});

test("registry C imports the bundle and serves every file with upstream's sha256", TIMEOUT, async () => {
  const response = await fetch(`${c.url}/api/admin/bundles/import?index=main`, {
    method: "POST",
    headers: { authorization: basicAuth("__token__", c.adminToken), "content-type": "application/x-tar" },
    body: new Uint8Array(bundle),
  });
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  assert.deepEqual(json, { created: 2, unchanged: 0 });

  for (const spec of selected) {
    const links = await fetchSimpleLinks(`${c.url}/main/simple/${spec.name}/`);
    assert.deepEqual(
      links.map((l) => l.filename),
      [wheelFilename(spec)],
    );
    const expected = sha256(wheels.get(spec)!);
    assert.equal(links[0]!.sha256, expected);
    const file = await fetch(new URL(links[0]!.href, `${c.url}/main/simple/${spec.name}/`));
    assert.equal(file.status, 200);
    assert.equal(sha256(Buffer.from(await file.arrayBuffer())), expected, `${wheelFilename(spec)} served with the right bytes`);
  }
  assert.equal((await fetch(`${c.url}/main/simple/${other}/`)).status, 404);
});

test("a requirements export from a mirror of a plain PEP 503 upstream (no metadata files) follows the closure", TIMEOUT, async () => {
  // What `pip freeze` of an install of app gives, and the bare top-level name: both reach base 1.0.
  for (const requirements of [`${app}==1.0\n${base}==1.0\n`, `${app}\n`]) {
    const response = await exportRequest(a, { index: "plain", requirements });
    assert.equal(response.status, 200, response.status === 200 ? "" : await response.text());
    const bytes = Buffer.from(await response.arrayBuffer());
    for (const spec of selected) assert.ok(bytes.includes(wheels.get(spec)!), `${wheelFilename(spec)} is in the bundle (${JSON.stringify(requirements)})`);
    for (const spec of [specs[1]!, specs[3]!]) assert.ok(!bytes.includes(Buffer.from(`files/${wheelFilename(spec)}`)), `${wheelFilename(spec)} is not`);
    // The manifest states what the bundle holds: sizes and hashes learnt on the fetch.
    const manifest = JSON.parse(bytes.subarray(512, bytes.indexOf(0, 512)).toString("utf8"));
    const files = manifest.projects.flatMap((p: { releases: { files: { filename: string; size: number; sha256: string }[] }[] }) =>
      p.releases.flatMap((r) => r.files),
    );
    for (const spec of selected) {
      const entry = files.find((f: { filename: string }) => f.filename === wheelFilename(spec));
      assert.deepEqual([entry.size, entry.sha256], [wheels.get(spec)!.length, sha256(wheels.get(spec)!)]);
    }
  }
});
