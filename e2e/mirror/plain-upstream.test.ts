// A mirror of a plain PEP 503 upstream (a static tree, older devpi, Nexus): HTML pages with no
// sizes, no hashes, no metadata files. Through HTTP, as pip and uv meet it: files are fetched,
// streamed and verified (never an empty 200), HEAD and Range work before the first fetch,
// errors are never cached as the file, and every page states only what equals the bytes served.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { startStaticUpstream, type StaticUpstream } from "../support/static-upstream.ts";
import { buildSdist, buildWheel, sdistFilename, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { parseSimpleHtml } from "../support/simple-page.ts";
import { uniqueName } from "../support/temp-dir.ts";

const PIP_JSON = { accept: "application/vnd.pypi.simple.v1+json" };
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let registry: TestRegistry;
let upstream: StaticUpstream;
/** name → the files upstream serves for it (filename → bytes). */
const projects = new Map<string, Map<string, Buffer>>();

function addProject(prefix: string, padding = 50_000): { name: string; files: Map<string, Buffer> } {
  const name = uniqueName(prefix);
  const spec: WheelSpec = { name, version: "1.0", padding };
  const files = new Map([
    [wheelFilename(spec), buildWheel(spec).body],
    [sdistFilename(spec), buildSdist(spec).body],
  ]);
  projects.set(name, files);
  upstream.setProject(
    name,
    [...files].map(([filename, bytes]) => ({ filename, bytes })),
  );
  return { name, files };
}

before(async () => {
  upstream = await startStaticUpstream({ bare: true, links: "relative" });
  registry = await startRegistry();
  await registry.admin("POST", "/api/admin/indexes", { name: "plain", kind: "mirror", upstreamUrl: upstream.simpleUrl, pageTtlSeconds: 0 });
});

after(async () => {
  await registry?.stop();
  await upstream?.stop();
});

async function jsonPage(name: string) {
  const response = await fetch(`${registry.url}/plain/simple/${name}/`, { headers: PIP_JSON });
  assert.equal(response.status, 200);
  return (await response.json()) as {
    meta: { "api-version": string };
    files: { filename: string; url: string; hashes: Record<string, string>; size?: number }[];
  };
}

test("a file whose upstream page gives no size is fetched, streamed and verified, never an empty 200", async () => {
  const { name, files } = addProject("nosize");
  const page = await jsonPage(name);
  for (const file of page.files) {
    const bytes = files.get(file.filename)!;
    const response = await fetch(new URL(file.url, `${registry.url}/plain/simple/${name}/`));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-length"), String(bytes.length));
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(sha256(body), sha256(bytes), `${file.filename}: the upstream's bytes`);
    assert.equal(upstream.requests(`/files/${file.filename}`), 1, "asked upstream once");
  }
  // Cached now: served from storage with what was learnt on the first fetch.
  const wheel = wheelFilename({ name, version: "1.0" });
  const again = await fetch(`${registry.url}/plain/files/${wheel}`);
  assert.equal(again.headers.get("etag"), `"${sha256(files.get(wheel)!)}"`);
  assert.equal(sha256(Buffer.from(await again.arrayBuffer())), sha256(files.get(wheel)!));
  assert.equal(upstream.requests(`/files/${wheel}`), 1);
});

test("HEAD and Range on a file of unknown size not fetched yet answer with its real length", async () => {
  const { name, files } = addProject("headrange");
  await jsonPage(name);
  const [wheel, sdist] = [...files.keys()] as [string, string];

  const head = await fetch(`${registry.url}/plain/files/${wheel}`, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), String(files.get(wheel)!.length), "the real length, not 0");
  assert.equal(head.headers.get("etag"), `"${sha256(files.get(wheel)!)}"`);

  // pip's lazy wheel: a suffix range first.
  const bytes = files.get(sdist)!;
  const tail = await fetch(`${registry.url}/plain/files/${sdist}`, { headers: { range: "bytes=-100" } });
  assert.equal(tail.status, 206);
  assert.equal(tail.headers.get("content-range"), `bytes ${bytes.length - 100}-${bytes.length - 1}/${bytes.length}`);
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 100)));
});

test("upstream down and the file not cached: a 502 naming the upstream, never cached as the file", async () => {
  const { name, files } = addProject("down");
  await jsonPage(name);
  for (const [filename] of files) {
    upstream.setFault(`/files/${filename}`, { status: 503 });
    for (const method of ["GET", "HEAD"]) {
      const response = await fetch(`${registry.url}/plain/files/${filename}`, { method });
      assert.equal(response.status, 502, `${method} ${filename}`);
      assert.equal(response.headers.get("cache-control"), "no-store");
      assert.equal(response.headers.get("etag"), null);
      if (method === "GET")
        assert.match(await response.text(), new RegExp(`^Upstream ${upstream.url}/files/${filename.replace(/\./g, "\\.")} is unavailable: HTTP 503\\.$`, "m"));
    }
    const ranged = await fetch(`${registry.url}/plain/files/${filename}`, { headers: { range: "bytes=0-9" } });
    assert.equal(ranged.status, 502);
    upstream.setFault(`/files/${filename}`, null);
  }
});

test("every page states only what it knows, and what it states equals the bytes served (HTML and JSON)", async () => {
  const { name, files } = addProject("truthful");
  const before = await jsonPage(name);
  // PEP 700 makes size mandatory in 1.1: a page with a size it does not know says 1.0 and leaves it out.
  assert.equal(before.meta["api-version"], "1.0");
  for (const file of before.files) {
    assert.equal("size" in file, false, `${file.filename}: no size before the first fetch`);
    assert.deepEqual(file.hashes, {}, `${file.filename}: no hash before the first fetch`);
  }
  const html = await (await fetch(`${registry.url}/plain/simple/${name}/`, { headers: { accept: "text/html" } })).text();
  assert.doesNotMatch(html, /#sha256=(?![0-9a-f]{64})/, "no empty #sha256= fragment");

  // Fetch one file: the pages now state its size and hash (and only the truth).
  const wheel = wheelFilename({ name, version: "1.0" });
  await (await fetch(`${registry.url}/plain/files/${wheel}`)).arrayBuffer();
  const afterJson = await jsonPage(name);
  assert.equal(afterJson.files.find((f) => f.filename === wheel)!.size, files.get(wheel)!.length);
  assert.equal(afterJson.files.find((f) => f.filename === wheel)!.hashes.sha256, sha256(files.get(wheel)!));

  // Whatever a page says equals what is served, for every file of every page of this mirror.
  const checked: string[] = [];
  for (const projectName of projects.keys()) {
    const pageUrl = `${registry.url}/plain/simple/${projectName}/`;
    const json = await jsonPage(projectName);
    const sizes = json.files.map((f) => f.size).filter((s) => s !== undefined);
    if (json.meta["api-version"] === "1.1") assert.equal(sizes.length, json.files.length, "a 1.1 page has every size");
    for (const file of json.files) {
      const body = Buffer.from(await (await fetch(new URL(file.url, pageUrl))).arrayBuffer());
      if (file.size !== undefined) assert.equal(file.size, body.length, `${file.filename}: JSON size`);
      if (file.hashes.sha256 !== undefined) assert.equal(file.hashes.sha256, sha256(body), `${file.filename}: JSON sha256`);
      assert.equal(sha256(body), sha256(projects.get(projectName)!.get(file.filename)!), `${file.filename}: upstream's bytes`);
      checked.push(file.filename);
    }
    const links = parseSimpleHtml(await (await fetch(pageUrl, { headers: { accept: "text/html" } })).text());
    assert.equal(links.length, json.files.length);
    for (const link of links) {
      const body = Buffer.from(await (await fetch(new URL(link.href, pageUrl))).arrayBuffer());
      if (link.sha256 !== undefined) assert.equal(link.sha256, sha256(body), `${link.filename}: HTML sha256`);
    }
  }
  assert.ok(checked.length >= 8, `checked ${checked.length} files`);
  // Once every file was fetched, every page is whole again (1.1, all sizes and hashes).
  const whole = await jsonPage(name);
  assert.equal(whole.meta["api-version"], "1.1");
  for (const file of whole.files) assert.equal(file.size, files.get(file.filename)!.length);

  // PyPI's JSON API never says 0 or "" either.
  const api = await (await fetch(`${registry.url}/plain/pypi/${name}/json`)).json();
  for (const url of api.urls as { size: number | null; digests: { sha256: string | null } }[]) {
    assert.notEqual(url.size, 0);
    assert.notEqual(url.digests.sha256, "");
  }
});
