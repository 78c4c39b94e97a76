// The read door over HTTP: Simple API (PEP 503/691/700/592/658/714), JSON API, files with
// ranges, yank and delete through the admin API, and the audit log.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildSdist, buildWheel, metadataText, sdistFilename, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";

const PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
let registry: TestRegistry;
let token: string;
const v1: WheelSpec = { name: "Read.Me_Pkg", version: "1.0", requiresPython: ">=3.8,<4", requiresDist: ["requests>=2"] };
const v2: WheelSpec = { name: "Read.Me_Pkg", version: "2.0b1" };
let wheel1: Buffer;

async function upload(spec: WheelSpec, filename: string, bytes: Buffer) {
  const response = await fetch(`${registry.url}/legacy/`, {
    method: "POST",
    body: uploadForm(spec, filename, bytes),
    headers: { authorization: basicAuth("__token__", token) },
  });
  assert.equal(response.status, 200, await response.text());
}

before(async () => {
  registry = await startRegistry();
  token = (await registry.createUser("reader-uploader", { scope: "upload" })).token;
  wheel1 = buildWheel(v1).body;
  await upload(v1, wheelFilename(v1), wheel1);
  await upload(v1, sdistFilename(v1), buildSdist(v1).body);
  await upload(v2, wheelFilename(v2), buildWheel(v2).body);
});
after(() => registry.stop());

describe("simple API", () => {
  test("301 from a non-normalized name, keeping the path form", async () => {
    const response = await fetch(`${registry.url}/simple/Read.Me_Pkg/`, { redirect: "manual" });
    assert.equal(response.status, 301);
    assert.equal(response.headers.get("location"), "/simple/read-me-pkg/");
    const perIndex = await fetch(`${registry.url}/main/simple/READ_ME_PKG/?format=text/html`, { redirect: "manual" });
    assert.equal(perIndex.headers.get("location"), "/main/simple/read-me-pkg/?format=text/html");
  });

  test("JSON for pip's Accept header, with PEP 700 and PEP 714 fields", async () => {
    const response = await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /^application\/vnd\.pypi\.simple\.v1\+json/);
    assert.match(response.headers.get("vary")!, /Accept/);
    assert.ok(Number(response.headers.get("x-pypi-last-serial")) > 0);
    const page = await response.json();
    assert.equal(page.meta["api-version"], "1.1");
    assert.equal(page.name, "read-me-pkg");
    assert.deepEqual(page.versions, ["1.0", "2.0b1"]);
    const wheel = page.files.find((f: { filename: string }) => f.filename === wheelFilename(v1));
    assert.equal(wheel.hashes.sha256, createHash("sha256").update(wheel1).digest("hex"));
    assert.equal(wheel.size, wheel1.length);
    assert.equal(wheel["requires-python"], ">=3.8,<4");
    assert.match(wheel["upload-time"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(wheel.yanked, false);
    assert.deepEqual(wheel["core-metadata"], { sha256: createHash("sha256").update(metadataText(v1)).digest("hex") });
    assert.equal("dist-info-metadata" in wheel, false, "PEP 714: JSON carries core-metadata only");
  });

  test("HTML with hashes in fragments, escaped requires-python and both metadata attributes", async () => {
    const response = await fetch(`${registry.url}/simple/read-me-pkg/`);
    assert.match(response.headers.get("content-type")!, /^text\/html/);
    const html = await response.text();
    assert.match(html, /<meta name="pypi:repository-version" content="1\.1">/);
    const sha = createHash("sha256").update(wheel1).digest("hex");
    assert.ok(html.includes(`/main/files/${wheelFilename(v1)}#sha256=${sha}`));
    assert.ok(html.includes('data-requires-python="&gt;=3.8,&lt;4"'));
    assert.match(html, /data-core-metadata="sha256=[0-9a-f]{64}"/);
    assert.match(html, /data-dist-info-metadata="sha256=[0-9a-f]{64}"/);
    const v1html = await fetch(`${registry.url}/simple/read-me-pkg/?format=application/vnd.pypi.simple.v1%2Bhtml`);
    assert.match(v1html.headers.get("content-type")!, /^application\/vnd\.pypi\.simple\.v1\+html/);
    const bogus = await fetch(`${registry.url}/simple/read-me-pkg/?format=application/x-bogus`);
    assert.equal(bogus.status, 406);
  });

  test("ETag and 304, changed by a write", async () => {
    const first = await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT } });
    const etag = first.headers.get("etag")!;
    const again = await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT, "if-none-match": etag } });
    assert.equal(again.status, 304);
    const html = await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: "text/html", "if-none-match": etag } });
    assert.equal(html.status, 200, "another format has another ETag");
    await registry.admin("POST", `/api/admin/indexes/main/releases/read-me-pkg/2.0b1/yank`, { reason: "broken <build>" });
    const afterYank = await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT, "if-none-match": etag } });
    assert.equal(afterYank.status, 200);
    assert.ok(Number(afterYank.headers.get("x-pypi-last-serial")) > Number(first.headers.get("x-pypi-last-serial")));
    const page = await afterYank.json();
    const yanked = page.files.find((f: { filename: string }) => f.filename === wheelFilename(v2));
    assert.equal(yanked.yanked, "broken <build>");
    const htmlPage = await (await fetch(`${registry.url}/simple/read-me-pkg/`)).text();
    assert.ok(htmlPage.includes('data-yanked="broken &lt;build&gt;"'));
    await registry.admin("DELETE", `/api/admin/indexes/main/releases/read-me-pkg/2.0b1/yank`);
    const unyanked = await (await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT } })).json();
    assert.equal(unyanked.files.find((f: { filename: string }) => f.filename === wheelFilename(v2)).yanked, false);
  });

  test("batch revalidation: which cached pages a conditional GET would answer 304 for", async () => {
    const page = await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT } });
    assert.equal(page.headers.get("wheelhouse-revalidate"), "/simple/-/revalidate");
    const perIndex = await fetch(`${registry.url}/main/simple/read-me-pkg/`, { headers: { accept: "text/html" } });
    assert.equal(perIndex.headers.get("wheelhouse-revalidate"), "/main/simple/-/revalidate");
    const json = { project: "read-me-pkg", contentType: page.headers.get("content-type")!, etag: page.headers.get("etag")! };
    const html = { project: "read-me-pkg", contentType: perIndex.headers.get("content-type")!, etag: perIndex.headers.get("etag")! };
    const ask = async (pages: unknown, path = "/simple/-/revalidate") => {
      const response = await fetch(`${registry.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pages }),
      });
      const text = await response.text();
      return { status: response.status, text, body: (response.ok ? JSON.parse(text) : {}) as { current?: string[] } };
    };
    const answer = await ask([
      json,
      { ...json, project: "no-such-project" },
      { ...json, project: "Read.Me_Pkg" }, // the GET would redirect
      { ...json, etag: '"stale"' },
      { ...html, contentType: "text/html" }, // the other format's ETag under its own type
    ]);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.current, ["read-me-pkg", "read-me-pkg"]);
    assert.deepEqual((await ask([html], "/main/simple/-/revalidate")).body.current, ["read-me-pkg"]);
    assert.deepEqual((await ask([{ ...html, contentType: "application/vnd.pypi.simple.v1+json" }])).body.current, [], "an ETag is per format");
    // A write makes the page stale, as it changes the GET's ETag.
    await registry.admin("POST", `/api/admin/indexes/main/releases/read-me-pkg/2.0b1/yank`, { reason: "stale" });
    assert.deepEqual((await ask([json])).body.current, []);
    await registry.admin("DELETE", `/api/admin/indexes/main/releases/read-me-pkg/2.0b1/yank`);
    const fresh = await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT } });
    assert.deepEqual((await ask([{ ...json, etag: fresh.headers.get("etag")! }])).body.current, ["read-me-pkg"]);
    // Bad requests say what is wrong.
    const bad = await ask([{ project: "read-me-pkg" }]);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Invalid request 'pages\.0\.(contentType|etag)'/);
    assert.equal((await ask([json], "/no-such-index/simple/-/revalidate")).status, 404);
  });

  test("batch revalidation asks for read access like the pages", async () => {
    await registry.createIndex("private-batch", { anonymousRead: false });
    const response = await fetch(`${registry.url}/private-batch/simple/-/revalidate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pages: [] }),
    });
    assert.equal(response.status, 401);
  });

  test("404s and the index page", async () => {
    assert.equal((await fetch(`${registry.url}/simple/no-such-project/`)).status, 404);
    assert.equal((await fetch(`${registry.url}/no-such-index/simple/`)).status, 404);
    const index = await (await fetch(`${registry.url}/simple/`, { headers: { accept: PIP_ACCEPT } })).json();
    assert.ok(index.projects.some((p: { name: string }) => p.name === "read-me-pkg"));
  });
});

describe("files", () => {
  const url = () => `${registry.url}/main/files/${wheelFilename(v1)}`;

  test("GET with immutable caching and no content encoding", async () => {
    const response = await fetch(url(), { headers: { "accept-encoding": "gzip" } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-encoding"), null);
    assert.match(response.headers.get("cache-control")!, /immutable/);
    assert.equal(response.headers.get("accept-ranges"), "bytes");
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), wheel1);
  });

  test("HEAD gives the length and no body", async () => {
    const response = await fetch(url(), { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(Number(response.headers.get("content-length")), wheel1.length);
    assert.equal((await response.arrayBuffer()).byteLength, 0);
  });

  test("byte ranges, including the suffix form pip's lazy wheel sends", async () => {
    const cases: [string, number, number][] = [
      ["bytes=0-9", 0, 9],
      [`bytes=10-`, 10, wheel1.length - 1],
      ["bytes=-22", wheel1.length - 22, wheel1.length - 1],
      [`bytes=-${wheel1.length * 2}`, 0, wheel1.length - 1],
      [`bytes=5-${wheel1.length * 3}`, 5, wheel1.length - 1],
    ];
    for (const [range, start, end] of cases) {
      const response = await fetch(url(), { headers: { range, "accept-encoding": "identity" } });
      assert.equal(response.status, 206, range);
      assert.equal(response.headers.get("content-range"), `bytes ${start}-${end}/${wheel1.length}`);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), wheel1.subarray(start, end + 1), range);
    }
    const unsatisfiable = await fetch(url(), { headers: { range: `bytes=${wheel1.length}-` } });
    assert.equal(unsatisfiable.status, 416);
    assert.equal(unsatisfiable.headers.get("content-range"), `bytes */${wheel1.length}`);
  });

  test("PEP 658 metadata file matches the published hash", async () => {
    const page = await (await fetch(`${registry.url}/simple/read-me-pkg/`, { headers: { accept: PIP_ACCEPT } })).json();
    const file = page.files.find((f: { filename: string }) => f.filename === wheelFilename(v1));
    const metadata = Buffer.from(await (await fetch(`${url()}.metadata`)).arrayBuffer());
    assert.equal(createHash("sha256").update(metadata).digest("hex"), file["core-metadata"].sha256);
    assert.match(metadata.toString(), /^Metadata-Version: 2\.1\nName: Read\.Me_Pkg/);
  });

  test("missing files are 404", async () => {
    assert.equal((await fetch(`${registry.url}/main/files/nope-1.0.tar.gz`)).status, 404);
  });
});

describe("JSON API", () => {
  test("project and release documents in PyPI's shape", async () => {
    const project = await (await fetch(`${registry.url}/pypi/read-me-pkg/json`)).json();
    assert.equal(project.info.name, "Read.Me_Pkg");
    assert.equal(project.info.version, "1.0", "the newest final release is shown, not the beta");
    assert.deepEqual(project.info.requires_dist, ["requests>=2"]);
    assert.deepEqual(Object.keys(project.releases).sort(), ["1.0", "2.0b1"]);
    assert.deepEqual(project.vulnerabilities, []);
    assert.equal(typeof project.last_serial, "number");
    const file = project.urls.find((f: { filename: string }) => f.filename === wheelFilename(v1));
    assert.equal(file.digests.sha256, createHash("sha256").update(wheel1).digest("hex"));
    assert.equal(file.packagetype, "bdist_wheel");
    assert.ok(file.url.startsWith(registry.url));
    const release = await (await fetch(`${registry.url}/pypi/Read.Me_Pkg/2.0b1/json`)).json();
    assert.equal(release.info.version, "2.0b1");
    assert.equal((await fetch(`${registry.url}/pypi/read-me-pkg/9.9/json`)).status, 404);
    assert.equal((await fetch(`${registry.url}/pypi/nothing-here/json`)).status, 404);
  });
});

describe("uploads, deletes and the audit log", () => {
  test("an identical re-upload is a no-op; other bytes under the same name are refused", async () => {
    const spec: WheelSpec = { name: "reupload", version: "1.0" };
    const bytes = buildWheel(spec).body;
    await upload(spec, wheelFilename(spec), bytes);
    await upload(spec, wheelFilename(spec), bytes);
    const other = buildWheel({ ...spec, padding: 10 }).body;
    const response = await fetch(`${registry.url}/`, {
      method: "POST",
      body: uploadForm(spec, wheelFilename(spec), other),
      headers: { authorization: basicAuth("__token__", token) },
    });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /^File already exists \('reupload-1\.0-py3-none-any\.whl', with blake2_256 hash '[0-9a-f]{64}'\)\./);
  });

  test("a deleted file disappears and its filename is never reused", async () => {
    const spec: WheelSpec = { name: "deleted", version: "1.0" };
    const bytes = buildWheel(spec).body;
    await upload(spec, wheelFilename(spec), bytes);
    await registry.admin("DELETE", `/api/admin/indexes/main/files/${wheelFilename(spec)}`);
    assert.equal((await fetch(`${registry.url}/main/files/${wheelFilename(spec)}`)).status, 404);
    const again = await fetch(`${registry.url}/`, {
      method: "POST",
      body: uploadForm(spec, wheelFilename(spec), bytes),
      headers: { authorization: basicAuth("__token__", token) },
    });
    assert.equal(again.status, 400);
    assert.equal((await again.text()).trim(), "This filename has already been used, use a different version.");
    const blobs: string[] = [];
    for await (const blob of registry.running.store.list("files/")) blobs.push(blob.key);
    assert.equal(blobs.filter((k) => k.endsWith(wheelFilename(spec))).length, 0, "the blob is gone too");
  });

  test("deleting a release", async () => {
    const spec: WheelSpec = { name: "gone-release", version: "3.0" };
    await upload(spec, wheelFilename(spec), buildWheel(spec).body);
    await registry.admin("DELETE", "/api/admin/indexes/main/releases/gone-release/3.0");
    const page = await (await fetch(`${registry.url}/simple/gone-release/`, { headers: { accept: PIP_ACCEPT } })).json();
    assert.deepEqual(page.files, []);
  });

  test("every write is in the audit log", async () => {
    const events = await registry.admin<{ action: string; filename: string | null }[]>("GET", "/api/admin/audit?project=read-me-pkg");
    const actions = events.map((e) => e.action);
    assert.equal(actions.filter((a) => a === "file.upload").length, 3);
    assert.ok(actions.includes("release.yank") && actions.includes("release.unyank"));
  });

  test("admin API needs an admin", async () => {
    const response = await fetch(`${registry.url}/api/admin/indexes`, { headers: { authorization: basicAuth("__token__", token) } });
    assert.equal(response.status, 403);
    assert.match(response.headers.get("content-type")!, /application\/problem\+json/);
    const problem = await response.json();
    assert.equal(problem.status, 403);
    assert.equal(problem.detail, "Administrator rights required.");
    const anonymous = await fetch(`${registry.url}/api/admin/indexes`);
    assert.equal(anonymous.status, 401);
  });
});

describe("review fixes", () => {
  test("parallel uploads of one new project and release (a CI matrix) all succeed", async () => {
    const specs = ["cp39", "cp310", "cp311", "cp312", "cp313", "py3"].map((tag) => ({ tag, spec: { name: "matrix-built", version: "1.0" } as WheelSpec }));
    const results = await Promise.all(
      specs.map(({ tag, spec }) => {
        const filename = `matrix_built-1.0-${tag}-none-any.whl`;
        return fetch(`${registry.url}/`, {
          method: "POST",
          body: uploadForm(spec, filename, buildWheel(spec).body),
          headers: { authorization: basicAuth("__token__", token) },
        });
      }),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 200, 200, 200, 200],
    );
    const page = await (await fetch(`${registry.url}/simple/matrix-built/`, { headers: { accept: PIP_ACCEPT } })).json();
    assert.equal(page.files.length, 6);
    assert.equal(await registry.running.db.projectOwner.count({ where: { project: { name: "matrix-built" } } }), 1);
  });

  test("pip's Accept gets a plain sentence on errors, not problem+json", async () => {
    const response = await fetch(`${registry.url}/simple/not-here/`, { headers: { accept: PIP_ACCEPT } });
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type")!, /^text\/plain/);
    assert.equal((await response.text()).trim(), "No project named 'not-here' in index 'main'.");
    const api = await fetch(`${registry.url}/simple/not-here/`, { headers: { accept: "application/json" } });
    assert.match(api.headers.get("content-type")!, /^application\/problem\+json/);
  });

  test("a project named like a route segment stays reachable on the default index", async () => {
    const spec: WheelSpec = { name: "simple", version: "1.0" };
    await upload(spec, wheelFilename(spec), buildWheel(spec).body);
    const page = await fetch(`${registry.url}/simple/simple/`, { headers: { accept: PIP_ACCEPT } });
    assert.equal(page.status, 200);
    assert.equal((await fetch(`${registry.url}/pypi/simple/json`)).status, 200);
  });

  test("an error on a file URL is never cached like the file", async () => {
    const spec: WheelSpec = { name: "lost-blob", version: "1.0" };
    await upload(spec, wheelFilename(spec), buildWheel(spec).body);
    const file = await registry.running.db.file.findFirstOrThrow({ where: { filename: wheelFilename(spec) } });
    await registry.running.store.delete(file.storageKey!);
    const response = await fetch(`${registry.url}/main/files/${wheelFilename(spec)}`, { headers: { range: "bytes=0-9" } });
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(response.headers.get("etag"), null);
    assert.equal(response.headers.get("content-range"), null);
  });

  test("the JSON API carries the serial and answers 304", async () => {
    const first = await fetch(`${registry.url}/pypi/read-me-pkg/json`);
    assert.ok(Number(first.headers.get("x-pypi-last-serial")) > 0);
    const again = await fetch(`${registry.url}/pypi/read-me-pkg/json`, { headers: { "if-none-match": first.headers.get("etag")! } });
    assert.equal(again.status, 304);
  });
});

describe("the installer for download", () => {
  test("/cli/wheelhouse.mjs serves the single-file build", async () => {
    const response = await fetch(`${registry.url}/cli/wheelhouse.mjs`);
    assert.equal(response.status, 200, "built by npm install (postinstall) or npm run build:cli");
    assert.match(response.headers.get("content-type")!, /javascript/);
    assert.match(await response.text(), /^#!\/usr\/bin\/env node\n/);
  });
});

describe("health", () => {
  test("/healthz and /readyz", async () => {
    assert.deepEqual(await (await fetch(`${registry.url}/healthz`)).json(), { status: "ok" });
    const ready = await fetch(`${registry.url}/readyz`);
    assert.equal(ready.status, 200);
  });
});
