// One URL for private and public packages: a group [acme (hosted), pypi (mirror)] in front of a
// local "public" upstream. A name in the hosted member hides the same name upstream
// (dependency confusion), unless an admin lets that name through.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";
import { createVenv, makeDist, pip, type Venv } from "../support/python.ts";
import { twineUpload } from "../support/twine.ts";
import { describeRun, output, run } from "../support/run.ts";
import { packageSpec } from "../support/projects.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";

const TIMEOUT = { timeout: 240_000 };
const PIP_JSON = { accept: "application/vnd.pypi.simple.v1+json" };

let upstream: TestRegistry; // plays public PyPI
let registry: TestRegistry; // the company's registry
let upstreamToken: string;
let acmeToken: string;
let venv: Venv;

before(async () => {
  [upstream, registry, venv] = await Promise.all([startRegistry(), startRegistry(), makeTempDir("wh-group-venv-").then(createVenv)]);
  upstreamToken = (await upstream.createUser("public-uploader", { scope: "upload" })).token;
  // Upstream: a public package, and an attacker's release under the company's private name.
  for (const [name, version] of [
    ["leftpad-public", "1.0"],
    ["acme-secret", "99.0"],
  ] as const) {
    const files = await makeDist(packageSpec(name, version));
    const result = await twineUpload(`${upstream.url}/`, files, { username: "__token__", password: upstreamToken });
    assert.equal(result.code, 0, describeRun("twine", result));
  }
  await registry.admin("POST", "/api/admin/indexes", { name: "acme", kind: "hosted" });
  await registry.admin("POST", "/api/admin/indexes", { name: "pypi", kind: "mirror", upstreamUrl: `${upstream.url}/main/simple/` });
  await registry.admin("POST", "/api/admin/indexes", { name: "root", kind: "group", members: ["acme", "pypi"], uploadTarget: "acme" });
  acmeToken = (await registry.createUser("acme-ci", { scope: "upload", index: "root" })).token;
});

after(async () => {
  await registry?.stop();
  await upstream?.stop();
  await removeTempDirs();
});

test("uploads to the group land in its hosted member", TIMEOUT, async () => {
  const secret = await makeDist(packageSpec("acme-secret", "1.0"));
  const app = await makeDist(packageSpec("acme-app", "1.0", { requires_dist: ["acme-secret>=1", "leftpad-public"] }));
  const result = await twineUpload(`${registry.url}/root/`, [...secret, ...app], { username: "__token__", password: acmeToken });
  assert.equal(result.code, 0, describeRun("twine", result));
  const page = await (await fetch(`${registry.url}/acme/simple/acme-secret/`, { headers: PIP_JSON })).json();
  assert.deepEqual(page.versions, ["1.0"]);
});

test("pip installs private and public packages through one URL, never the public twin of a private name", TIMEOUT, async () => {
  const result = await pip(venv, "install", ["--index-url", `${registry.url}/root/simple/`, "acme-app"]);
  assert.equal(result.code, 0, describeRun("pip install", result));
  const versions = await run(venv.python, ["-c", "import acme_secret, leftpad_public, acme_app; print(acme_secret.VERSION, leftpad_public.VERSION)"]);
  assert.equal(versions.stdout.trim(), "1.0 1.0", output(versions));
  const page = await (await fetch(`${registry.url}/root/simple/acme-secret/`, { headers: PIP_JSON })).json();
  assert.deepEqual(page.versions, ["1.0"], "the upstream 99.0 is hidden");
  const pinned = await pip(venv, "install", ["--index-url", `${registry.url}/root/simple/`, "acme-secret==99.0"]);
  assert.notEqual(pinned.code, 0, "the attacker's version cannot be installed through the group");
  // The private name was never even asked of the upstream.
  assert.equal(await registry.running.db.mirrorPage.count({ where: { name: "acme-secret" } }), 0);
});

test("an admin may let one name through: then both members' versions are listed", TIMEOUT, async () => {
  await registry.admin("PATCH", "/api/admin/indexes/root", { passThroughNames: ["Acme_Secret"] });
  const group = await registry.admin("GET", "/api/admin/indexes/root");
  assert.deepEqual(group.passThroughNames, ["acme-secret"]);
  assert.deepEqual(group.members, ["acme", "pypi"]);
  const mixed = await (await fetch(`${registry.url}/root/simple/acme-secret/`, { headers: PIP_JSON })).json();
  assert.deepEqual(mixed.versions, ["1.0", "99.0"]);
  await registry.admin("PATCH", "/api/admin/indexes/root", { passThroughNames: [] });
  const hidden = await (await fetch(`${registry.url}/root/simple/acme-secret/`, { headers: PIP_JSON })).json();
  assert.deepEqual(hidden.versions, ["1.0"]);
});

test("public files are cached: installs keep working when the upstream is down", TIMEOUT, async () => {
  const mirrored = await registry.running.db.file.findMany({ where: { project: { name: "leftpad-public" } } });
  assert.ok(mirrored.length > 0 && mirrored.every((f) => f.storageKey !== null), "fetched once, kept in the registry's storage");
  const offlineVenv = await createVenv(await makeTempDir("wh-group-offline-"));
  const port = new URL(upstream.url).port;
  await upstream.running.server.close();
  upstream.running.server.closeAllConnections();
  await registry.admin("PATCH", "/api/admin/indexes/pypi", { pageTtlSeconds: 0 });
  const result = await pip(offlineVenv, "install", ["--index-url", `${registry.url}/root/simple/`, "leftpad-public"]);
  assert.equal(result.code, 0, `${describeRun("pip install with upstream down", result)} (upstream was on port ${port})`);
  // A name the mirror never saw: a clear gateway error, not an empty page.
  const unknown = await fetch(`${registry.url}/root/simple/never-fetched/`, { headers: PIP_JSON });
  assert.equal(unknown.status, 502);
  assert.match(await unknown.text(), /^Upstream http:\/\/127\.0\.0\.1:\d+\/main\/simple\/never-fetched\/ is unavailable: connection refused\.$/m);

  // A batch revalidation through the group: the cached page is current, the name upstream would
  // have to answer for is "not current" (its GET gives the 502 itself), and the batch is a 200.
  const page = await fetch(`${registry.url}/root/simple/leftpad-public/`, { headers: PIP_JSON });
  assert.equal(page.headers.get("wheelhouse-revalidate"), "/root/simple/-/revalidate");
  const contentType = page.headers.get("content-type")!;
  const batch = await fetch(`${registry.url}/root/simple/-/revalidate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      pages: [
        { project: "leftpad-public", contentType, etag: page.headers.get("etag") },
        { project: "never-fetched", contentType, etag: '"x"' },
      ],
    }),
  });
  assert.equal(batch.status, 200);
  assert.deepEqual(await batch.json(), { current: ["leftpad-public"] });
});

test("groups refuse bad configuration with a clear message", async () => {
  const attempts: [unknown, RegExp][] = [
    [{ name: "loop", kind: "group", members: ["loop"] }, /cannot be its own member/],
    [{ name: "g2", kind: "group", members: ["acme", "nope"] }, /No index named 'nope'/],
    [{ name: "g3", kind: "group", members: ["pypi"], uploadTarget: "pypi" }, /must be a hosted member/],
    [{ name: "m2", kind: "mirror" }, /needs an upstreamUrl/],
    [{ name: "m3", kind: "mirror", upstreamUrl: "ftp://example/simple/" }, /use http or https/],
    [{ name: "h2", kind: "hosted", members: ["acme"] }, /'members' does not apply to a hosted index/],
  ];
  for (const [body, message] of attempts) {
    await assert.rejects(registry.admin("POST", "/api/admin/indexes", body), message);
  }
  const noTarget = await fetch(`${registry.url}/api/admin/indexes`, {
    method: "POST",
    headers: { authorization: basicAuth("__token__", registry.adminToken), "content-type": "application/json" },
    body: JSON.stringify({ name: "readonly-group", kind: "group", members: ["acme"] }),
  });
  assert.equal(noTarget.status, 201);
  const spec: WheelSpec = { name: "nowhere", version: "1.0" };
  const refused = await fetch(`${registry.url}/readonly-group/`, {
    method: "POST",
    body: uploadForm(spec, wheelFilename(spec), buildWheel(spec).body),
    headers: { authorization: basicAuth("__token__", registry.adminToken) },
  });
  assert.equal(refused.status, 400);
  assert.equal(
    (await refused.text()).trim(),
    "Index 'readonly-group' is a group index and does not take uploads: it has no upload target; upload to one of its hosted members.",
  );
});
