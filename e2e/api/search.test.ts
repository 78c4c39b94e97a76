// Project search: GET /api/search and /<index>/api/search — ranking, latest versions, paging,
// a group's shadowing, a mirror's cached projects, a private index — and `wheelhouse search`
// against it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import type { WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";
import { createVenv, type Venv } from "../support/python.ts";
import { describeRun } from "../support/run.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";

let registry: TestRegistry;
let upstream: TestRegistry;
let token: string;

interface Hit {
  name: string;
  version: string | null;
  summary: string;
  index: string;
}

function upload(target: TestRegistry, index: string, uploadToken: string, spec: WheelSpec): Promise<void> {
  return uploadWheel(`${target.url}/${index}/legacy/`, uploadToken, spec);
}

async function search(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; response: Response }> {
  const response = await fetch(`${registry.url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, response };
}

const names = (hits: Hit[]) => hits.map((h) => h.name);

before(async () => {
  [registry, upstream] = await Promise.all([startRegistry(), startRegistry()]);
  token = (await registry.createUser("searcher", { scope: "upload" })).token;
  const main: WheelSpec[] = [
    { name: "req", version: "1.0", summary: "Short name" },
    { name: "Requests", version: "1.0", summary: "HTTP for humans" },
    { name: "Requests", version: "2.0", summary: "HTTP for Humans, version two" },
    { name: "Requests", version: "2.5", summary: "HTTP for humans" },
    { name: "Requests", version: "3.0b1", summary: "HTTP for humans" },
    { name: "requests_toolbelt", version: "0.1a1", summary: "A toolbelt of useful classes" },
    { name: "my-req-helper", version: "1.0", summary: "Helps" },
    { name: "other", version: "1.0", summary: "Not a req library at all, 100% (not _really_)" },
  ];
  for (const spec of main) await upload(registry, "main", token, spec);
  await registry.admin("POST", "/api/admin/indexes/main/releases/requests/2.5/yank", { reason: "broken" });

  // A group [acme, shared, pypi]: acme's dup-name hides shared's; pypi mirrors the upstream registry.
  await registry.admin("POST", "/api/admin/indexes", { name: "acme", kind: "hosted" });
  await registry.admin("POST", "/api/admin/indexes", { name: "shared", kind: "hosted" });
  await registry.admin("POST", "/api/admin/indexes", { name: "pypi", kind: "mirror", upstreamUrl: `${upstream.url}/main/simple/` });
  await registry.admin("POST", "/api/admin/indexes", { name: "root", kind: "group", members: ["acme", "shared", "pypi"] });
  await upload(registry, "acme", token, { name: "dup-name", version: "1.0", summary: "The private one" });
  await upload(registry, "shared", token, { name: "dup-name", version: "5.0", summary: "The public one, with magic" });
  await upload(registry, "shared", token, { name: "shared-only", version: "1.0", summary: "Also magic" });
  const upstreamToken = (await upstream.createUser("public", { scope: "upload" })).token;
  await upload(upstream, "main", upstreamToken, { name: "leftpad-public", version: "1.0", summary: "Pads left" });

  await registry.createIndex("secret", { anonymousRead: false });
  await upload(registry, "secret", token, { name: "secret-thing", version: "1.0", summary: "Hidden" });
});
after(async () => {
  await registry?.stop();
  await upstream?.stop();
  await removeTempDirs();
});

describe("GET /api/search", () => {
  test("search ranking an exact name first", async () => {
    const { status, body, response } = await search("/api/search?q=requests");
    assert.equal(status, 200);
    assert.match(response.headers.get("content-type")!, /^application\/json/);
    assert.deepEqual(names(body.results), ["Requests", "requests_toolbelt"]);

    const all = await search("/api/search?q=REQ");
    // exact, then prefixes (shorter first), then "contains", then the summary match.
    assert.deepEqual(names(all.body.results), ["req", "Requests", "requests_toolbelt", "my-req-helper", "other"]);
    // The default index by its name answers the same.
    assert.deepEqual((await search("/main/api/search?q=REQ")).body, all.body);
  });

  test("each hit: display name, newest non-yanked final version (a pre-release only when nothing else), its summary, the index", async () => {
    const { body } = await search("/api/search?q=requests");
    assert.deepEqual(body.results, [
      { name: "Requests", version: "2.0", summary: "HTTP for Humans, version two", index: "main" },
      { name: "requests_toolbelt", version: "0.1a1", summary: "A toolbelt of useful classes", index: "main" },
    ]);
  });

  test("every term must match, scores add up; names match normalized, summaries case-insensitively", async () => {
    assert.deepEqual(names((await search("/api/search?q=req+helper")).body.results), ["my-req-helper"]);
    assert.deepEqual(names((await search("/api/search?q=humans+requests")).body.results), ["Requests"]);
    assert.deepEqual(names((await search("/api/search?q=Requests_Toolbelt")).body.results), ["requests_toolbelt"]);
    assert.deepEqual(names((await search("/api/search?q=TOOLBELT+useful")).body.results), ["requests_toolbelt"]);
    assert.deepEqual((await search("/api/search?q=nothing-like-this")).body, { results: [] });
  });

  test("LIKE wildcards in the query are taken literally", async () => {
    assert.deepEqual(names((await search(`/api/search?q=${encodeURIComponent("100%")}`)).body.results), ["other"]);
    assert.deepEqual((await search(`/api/search?q=${encodeURIComponent("%")}`)).body.results.length, 1);
    assert.deepEqual(names((await search(`/api/search?q=${encodeURIComponent("_really_")}`)).body.results), ["other"]);
    assert.deepEqual((await search(`/api/search?q=${encodeURIComponent("r_q")}`)).body, { results: [] });
  });

  test("limit: default 20, at most 100; an empty or too long query is a 400 problem", async () => {
    assert.deepEqual(names((await search("/api/search?q=req&limit=2")).body.results), ["req", "Requests"]);
    for (const path of [
      "/api/search",
      "/api/search?q=",
      "/api/search?q=%20%20",
      `/api/search?q=${"x".repeat(201)}`,
      "/api/search?q=req&limit=0",
      "/api/search?q=req&limit=101",
      "/api/search?q=req&limit=ten",
      "/main/api/search?q=",
    ]) {
      const { status, body, response } = await search(path);
      assert.equal(status, 400, path);
      assert.match(response.headers.get("content-type")!, /^application\/problem\+json/, path);
      assert.equal(body.status, 400);
      assert.match(body.title, /query|limit/);
    }
    const empty = await search("/api/search?q=");
    assert.equal(empty.body.title, "The search query is empty: give one or more terms in 'q'.");
    assert.equal((await search("/no-such-index/api/search?q=x")).status, 404);
  });

  test("a group: each name once, from the first member that has it; a hidden project's summary finds nothing", async () => {
    const dup = await search("/root/api/search?q=dup");
    assert.deepEqual(dup.body.results, [{ name: "dup-name", version: "1.0", summary: "The private one", index: "acme" }]);
    assert.deepEqual((await search("/root/api/search?q=magic")).body.results, [
      { name: "shared-only", version: "1.0", summary: "Also magic", index: "shared" },
    ]);
    // A name let through mixes the members' versions.
    await registry.admin("PATCH", "/api/admin/indexes/root", { passThroughNames: ["dup-name"] });
    try {
      assert.deepEqual((await search("/root/api/search?q=dup-name")).body.results, [
        { name: "dup-name", version: "5.0", summary: "The public one, with magic", index: "acme" },
      ]);
    } finally {
      await registry.admin("PATCH", "/api/admin/indexes/root", { passThroughNames: [] });
    }
  });

  test("a mirror finds the projects it has cached, never asking upstream", async () => {
    assert.deepEqual((await search("/pypi/api/search?q=leftpad")).body, { results: [] });
    assert.deepEqual((await search("/root/api/search?q=leftpad")).body, { results: [] });
    assert.equal((await fetch(`${registry.url}/pypi/simple/leftpad-public/`)).status, 200);
    const hits = (await search("/root/api/search?q=leftpad")).body.results as Hit[];
    assert.deepEqual(
      hits.map((h) => [h.name, h.version, h.index]),
      [["leftpad-public", "1.0", "pypi"]],
    );
  });

  test("a private index: 401 with a Basic challenge without credentials, results with them", async () => {
    const anonymous = await search("/secret/api/search?q=secret");
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.response.headers.get("www-authenticate")!, /^Basic /);
    assert.match(anonymous.response.headers.get("content-type")!, /^application\/problem\+json/);
    const { token: reader } = await registry.createUser("secret-reader", { scope: "read", index: "secret" });
    const authorized = await search("/secret/api/search?q=secret", { authorization: basicAuth("__token__", reader) });
    assert.equal(authorized.status, 200);
    assert.deepEqual(names(authorized.body.results), ["secret-thing"]);
    assert.match(authorized.response.headers.get("cache-control")!, /^private/);
  });
});

describe("wheelhouse search", () => {
  // An interpreter with nothing installed (this machine's python3 has a `requests` of its own).
  let venv: Venv;
  before(async () => {
    venv = await createVenv(await makeTempDir("wh-search-venv-"));
  });

  test("prints pip's columns, best match first; 23 and a note when nothing matches", async () => {
    const result = await wheelhouse(["search", "--python", venv.python, "--index-url", `${registry.url}/simple/`, "requests"]);
    assert.equal(result.code, 0, describeRun("wheelhouse search", result));
    assert.equal(
      result.stdout,
      ["Requests (2.0)             - HTTP for Humans, version two", "requests_toolbelt (0.1a1)  - A toolbelt of useful classes", ""].join("\n"),
    );
    const none = await wheelhouse(["search", "--index-url", `${registry.url}/simple/`, "nothing-like-this"]);
    assert.equal(none.code, 23, describeRun("wheelhouse search", none));
    assert.equal(none.stdout, "");
    assert.match(none.stderr, /^No packages found matching 'nothing-like-this'\.$/m);
  });

  test("a named index, a private one with credentials in the URL, and errors", async () => {
    const group = await wheelhouse(["search", "-i", `${registry.url}/root/simple/`, "dup"]);
    assert.equal(group.code, 0, describeRun("wheelhouse search", group));
    assert.match(group.stdout, /^dup-name \(1\.0\) {2}- The private one$/m);

    const { token: reader } = await registry.createUser("cli-reader", { scope: "read", index: "secret" });
    const denied = await wheelhouse(["search", "-i", `${registry.url}/secret/simple/`, "secret"]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^ERROR: 401 Client Error: Unauthorized for url: /m);
    const withToken = await wheelhouse(["search", "-i", `${registry.url.replace("://", `://__token__:${reader}@`)}/secret/simple/`, "secret"]);
    assert.equal(withToken.code, 0, describeRun("wheelhouse search", withToken));
    assert.match(withToken.stdout, /^secret-thing \(1\.0\)/);

    const missing = await wheelhouse(["search", "-i", `${registry.url}/nope/simple/`, "x"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `ERROR: No index named 'nope'. (404 for ${registry.url}/nope/api/search?q=x&limit=100)\n`);
    const notWheelhouse = await wheelhouse(["search", "-i", `${registry.url}/main/files/`, "x"]);
    assert.equal(notWheelhouse.code, 1);
    assert.match(notWheelhouse.stderr, /^ERROR: search needs a Wheelhouse index URL/);
  });

  test("marks what the target interpreter has installed", async () => {
    const install = await wheelhouse(["install", "--python", venv.python, "--index-url", `${registry.url}/simple/`, "Requests==1.0", "req"]);
    assert.equal(install.code, 0, describeRun("wheelhouse install", install));
    const result = await wheelhouse(["search", "--python", venv.python, "--index-url", `${registry.url}/simple/`, "req"]);
    assert.equal(result.code, 0, describeRun("wheelhouse search", result));
    const lines = result.stdout.split("\n");
    assert.deepEqual(lines.slice(0, 5), [
      "req (1.0)                  - Short name",
      "  INSTALLED: 1.0 (latest)",
      "Requests (2.0)             - HTTP for Humans, version two",
      "  INSTALLED: 1.0",
      "  LATEST:    2.0",
    ]);
  });
});
