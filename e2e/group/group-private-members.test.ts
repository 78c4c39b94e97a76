// A public group with a private member: every read path through the group checks the reader's
// right on each member. Three readers: anonymous, a user who may read the private member, and a
// user whose token is scoped to the public member only. A private name is never served to a
// reader who may not see it — neither its own files nor (no fall-through) its public twin.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";

const PIP_JSON = "application/vnd.pypi.simple.v1+json";

let registry: TestRegistry;
type Reader = "anonymous" | "member" | "outsider";
const auth: Record<Reader, Record<string, string>> = { anonymous: {}, member: {}, outsider: {} };

const spec = (name: string, version: string, summary = `${name} ${version}`): WheelSpec => ({ name, version, summary });
const SECRET = spec("acme-secret", "1.0", "the private acme thing");
const TWIN = spec("acme-secret", "99.0", "an attacker's twin");

function get(reader: Reader, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${registry.url}${path}`, { headers: { ...auth[reader], ...headers } });
}

async function versions(reader: Reader, project: string): Promise<string[] | number> {
  const response = await get(reader, `/everyone/simple/${project}/`, { accept: PIP_JSON });
  return response.status === 200 ? ((await response.json()) as { versions: string[] }).versions : response.status;
}

before(async () => {
  registry = await startRegistry();
  await registry.createIndex("secret", { anonymousRead: false });
  await registry.createIndex("pub");
  await registry.admin("POST", "/api/admin/indexes", { name: "everyone", kind: "group", members: ["secret", "pub"], passThroughNames: ["acme-both"] });
  for (const [index, dist] of [
    ["secret", SECRET],
    ["secret", spec("acme-both", "1.0")],
    ["pub", TWIN],
    ["pub", spec("acme-public", "1.0")],
    ["pub", spec("acme-both", "2.0")],
  ] as const) {
    await uploadWheel(`${registry.url}/${index}/`, registry.adminToken, dist);
  }
  const member = await registry.createUser("insider", { scope: "read" });
  const outsider = await registry.createUser("outsider", { scope: "read", index: "pub" });
  auth.member = { authorization: basicAuth("__token__", member.token) };
  auth.outsider = { authorization: basicAuth("__token__", outsider.token) };
});

after(async () => {
  await registry?.stop();
});

test("simple pages (JSON and HTML): a private member's project is a 404 to readers who may not read it, never its public twin", async () => {
  assert.deepEqual(await versions("member", "acme-secret"), ["1.0"]);
  assert.equal(await versions("anonymous", "acme-secret"), 404);
  assert.equal(await versions("outsider", "acme-secret"), 404);
  const html = await get("anonymous", "/everyone/simple/acme-secret/", { accept: "text/html" });
  assert.equal(html.status, 404);
  assert.doesNotMatch(await html.text(), /acme_secret-/);
  const memberHtml = await get("member", "/everyone/simple/acme-secret/", { accept: "text/html" });
  assert.equal(memberHtml.status, 200);
  assert.match(memberHtml.headers.get("cache-control")!, /^private/, "a page with a private member's files is not for shared caches");
  // The member's own direct URL still asks for credentials.
  assert.equal((await get("anonymous", "/secret/simple/acme-secret/")).status, 401);
  // Public projects are served to everyone.
  assert.deepEqual(await versions("anonymous", "acme-public"), ["1.0"]);
  assert.match((await get("anonymous", "/everyone/simple/acme-public/")).headers.get("cache-control")!, /^public/);
});

test("page caches are per reader: one reader's view of a let-through name is never served to another", async () => {
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(await versions("member", "acme-both"), ["1.0", "2.0"]);
    assert.deepEqual(await versions("anonymous", "acme-both"), ["2.0"]);
    assert.deepEqual(await versions("outsider", "acme-both"), ["2.0"]);
  }
  // Nor does a conditional request with the member's ETag get a 304 from the anonymous view.
  const memberPage = await get("member", "/everyone/simple/acme-both/", { accept: PIP_JSON });
  const anonymous = await get("anonymous", "/everyone/simple/acme-both/", { accept: PIP_JSON, "if-none-match": memberPage.headers.get("etag")! });
  assert.equal(anonymous.status, 200);
});

test("the project list shows a private member's names only to readers who may read it", async () => {
  const names = async (reader: Reader) => {
    const response = await get(reader, "/everyone/simple/", { accept: PIP_JSON });
    assert.equal(response.status, 200);
    return ((await response.json()) as { projects: { name: string }[] }).projects.map((p) => p.name).sort();
  };
  assert.deepEqual(await names("member"), ["acme-both", "acme-public", "acme-secret"]);
  assert.deepEqual(await names("anonymous"), ["acme-both", "acme-public"]);
  assert.deepEqual(await names("outsider"), ["acme-both", "acme-public"]);
});

test("JSON API: the same rule", async () => {
  const member = await get("member", "/everyone/pypi/acme-secret/json");
  assert.equal(member.status, 200);
  assert.equal(((await member.json()) as { info: { version: string } }).info.version, "1.0");
  for (const reader of ["anonymous", "outsider"] as const) {
    assert.equal((await get(reader, "/everyone/pypi/acme-secret/json")).status, 404, reader);
    assert.equal((await get(reader, "/everyone/pypi/acme-secret/1.0/json")).status, 404, reader);
    assert.equal((await get(reader, "/everyone/pypi/acme-secret/99.0/json")).status, 404, reader);
  }
});

test("files and PEP 658 metadata: the same rule, and a private file is never marked public", async () => {
  const file = `/everyone/files/${wheelFilename(SECRET)}`;
  const twin = `/everyone/files/${wheelFilename(TWIN)}`;
  const member = await get("member", file);
  assert.equal(member.status, 200);
  assert.match(member.headers.get("cache-control")!, /^private/);
  assert.equal((await get("member", `${file}.metadata`)).status, 200);
  for (const reader of ["anonymous", "outsider"] as const) {
    for (const path of [file, `${file}.metadata`, twin, `${twin}.metadata`]) {
      const response = await get(reader, path);
      assert.equal(response.status, 404, `${reader} ${path}`);
      assert.equal(response.headers.get("cache-control"), "no-store");
    }
  }
  // The twin stays hidden from the member too: the private name shadows it.
  assert.equal((await get("member", twin)).status, 404);
  assert.equal((await get("anonymous", `/everyone/files/${wheelFilename(spec("acme-public", "1.0"))}`)).status, 200);
});

test("search: a private member's projects are found only by readers who may read it, and still hide their public twins", async () => {
  const found = async (reader: Reader) => {
    const response = await get(reader, "/everyone/api/search?q=acme");
    assert.equal(response.status, 200);
    return ((await response.json()) as { results: { name: string; version: string }[] }).results.map((r) => `${r.name} ${r.version}`).sort();
  };
  assert.deepEqual(await found("member"), ["acme-both 2.0", "acme-public 1.0", "acme-secret 1.0"]);
  assert.deepEqual(await found("anonymous"), ["acme-both 2.0", "acme-public 1.0"]);
  assert.deepEqual(await found("outsider"), ["acme-both 2.0", "acme-public 1.0"]);
  const bySummary = await get("anonymous", "/everyone/api/search?q=private");
  assert.deepEqual(((await bySummary.json()) as { results: unknown[] }).results, []);
});

test("batch revalidation: `*` matches nothing, and a private page is never current for a reader who may not read it", async () => {
  const page = await get("member", "/everyone/simple/acme-secret/", { accept: PIP_JSON });
  const contentType = page.headers.get("content-type")!;
  const etag = page.headers.get("etag")!;
  const ask = async (reader: Reader, etags: string[]) => {
    const response = await fetch(`${registry.url}/everyone/simple/-/revalidate`, {
      method: "POST",
      headers: { ...auth[reader], "content-type": "application/json" },
      body: JSON.stringify({ pages: etags.map((e) => ({ project: "acme-secret", contentType, etag: e })) }),
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { current: string[] }).current;
  };
  assert.deepEqual(await ask("member", [etag]), ["acme-secret"]);
  assert.deepEqual(await ask("member", ["*", `"x", *`, `${etag}, "y"`]), []);
  assert.deepEqual(await ask("anonymous", ["*", etag]), []);
  assert.deepEqual(await ask("outsider", ["*", etag]), []);
});
