// Input no layer behind the edge can take — a NUL, a control character, malformed
// percent-encoding, bytes that are not UTF-8, an endless path segment — gets a 400 with one
// sentence, on every route, and nothing is stored. And where such a value still reaches
// PostgreSQL by another door (a bundle's manifest), its refusal is a 400, not a 500.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import type { WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";
import { RawConnection } from "../support/raw-http.ts";

let registry: TestRegistry;
let admin: Record<string, string>;
const SPEC: WheelSpec = { name: "edge-pkg", version: "1.0" };

before(async () => {
  registry = await startRegistry();
  admin = { authorization: basicAuth("__token__", registry.adminToken) };
  await uploadWheel(`${registry.url}/`, registry.adminToken, SPEC);
});
after(() => registry?.stop());

const PATH_ENCODING = "Invalid URL: its path has malformed percent-encoding or bytes that are not UTF-8";
const PATH_CONTROL = "Invalid URL: its path contains a control character (such as NUL or a line break).";
const QUERY_CONTROL = "Invalid URL: its query string contains a control character (such as NUL or a line break).";

test("bad paths and query strings get a 400 naming the problem, on every route", async () => {
  const cases: [string, string][] = [
    ["/simple/%E0%A4%A/", `${PATH_ENCODING} ('%E0%A4%A').`],
    ["/%ZZ/simple/", `${PATH_ENCODING} ('%ZZ').`],
    ["/simple/%C0%AF/", `${PATH_ENCODING} ('%C0%AF').`], // an overlong '/'
    ["/pypi/%FF/json", `${PATH_ENCODING} ('%FF').`],
    ["/main/files/%ED%A0%80.whl", `${PATH_ENCODING} ('%ED%A0%80.whl').`], // a lone surrogate
    ["/simple/edge%00pkg/", PATH_CONTROL],
    ["/simple/edge%0Apkg/", PATH_CONTROL],
    ["/main/files/edge_pkg-1.0-py3-none-any.whl%00", PATH_CONTROL],
    ["/main/files/edge_pkg-1.0-py3-none-any.whl%00.metadata", PATH_CONTROL],
    ["/pypi/edge-pkg%00/json", PATH_CONTROL],
    ["/ma%00in/simple/", PATH_CONTROL],
    [`/main/files/${"a".repeat(5000)}-1.0-py3-none-any.whl`, "Invalid URL: its path has a part longer than 512 characters."],
    [`/simple/${"a".repeat(600)}/`, "Invalid URL: its path has a part longer than 512 characters."],
    ["/api/search?q=edge%00", QUERY_CONTROL],
    ["/api/search?q=%E0%A4%A", "Invalid URL: its query string has malformed percent-encoding or bytes that are not UTF-8 ('%E0%A4%A')."],
    ["/simple/edge-pkg/?format=text/html%00", QUERY_CONTROL],
    ["/api/admin/audit?project=edge%00", QUERY_CONTROL],
    ["/api/admin/tokens?username=admin%00", QUERY_CONTROL],
    ["/api/admin/advisories?project=x%00", QUERY_CONTROL],
  ];
  for (const [path, message] of cases) {
    const response = await fetch(`${registry.url}${path}`, { headers: admin });
    assert.equal(response.status, 400, path);
    const body = await response.text();
    const detail = path.includes("/api/") ? (JSON.parse(body) as { detail: string }).detail : body.trim();
    assert.equal(detail, message, path);
  }
});

test("Basic credentials with a NUL or another control character are a 400, on public reads too", async () => {
  for (const [user, password] of [
    ["ad\0min", "x"],
    ["admin", "pass\0word"],
    ["__token__", `${registry.adminToken}\0`],
    ["admin\n", "x"],
  ]) {
    const response = await fetch(`${registry.url}/simple/`, { headers: { authorization: basicAuth(user!, password!) } });
    assert.equal(response.status, 400, JSON.stringify(user));
    assert.equal(
      (await response.text()).trim(),
      "Invalid Basic credentials in the Authorization header: the username or password contains a control character.",
    );
  }
  const garbage = await fetch(`${registry.url}/simple/`, { headers: { authorization: "Basic %%%" } });
  assert.equal(garbage.status, 400);
  assert.equal((await garbage.text()).trim(), "Invalid Basic credentials in the Authorization header: send base64 of 'username:password'.");
});

test("a NUL in any string of a JSON body is a 400 and changes nothing", async () => {
  const NUL_BODY = "Invalid JSON body: a string contains a NUL character (\\u0000), which no field may hold.";
  const send = (method: string, path: string, body: unknown) =>
    fetch(`${registry.url}${path}`, { method, headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify(body) });

  const revalidate = await send("POST", "/simple/-/revalidate", { pages: [{ project: "edge\0pkg", contentType: "text/html", etag: '"x"' }] });
  assert.equal(revalidate.status, 400);
  assert.equal((await revalidate.text()).trim(), NUL_BODY);

  const description = await send("PATCH", "/api/admin/indexes/main", { description: "ours\0" });
  assert.equal(description.status, 400);
  assert.equal(((await description.json()) as { detail: string }).detail, NUL_BODY);
  assert.equal((await registry.admin("GET", "/api/admin/indexes/main")).description, "");

  const key = await send("POST", "/api/advisories/query", { packages: [{ name: "edge-pkg", version: "1.0", "x\0": 1 }] });
  assert.equal(key.status, 400);
  const user = await send("POST", "/api/admin/users", { username: "someone", password: "pw\0" });
  assert.equal(user.status, 400);
  assert.equal(await registry.running.db.user.count({ where: { username: "someone" } }), 0);
});

test("a lone UTF-16 surrogate in a JSON body is a 400 and changes nothing (valid JSON, but no Unicode text for PostgreSQL)", async () => {
  const sendRaw = (method: string, path: string, body: string) =>
    fetch(`${registry.url}${path}`, { method, headers: { ...admin, "content-type": "application/json" }, body });
  for (const [method, path, body] of [
    ["PATCH", "/api/admin/indexes/main", '{"description":"\\ud800"}'],
    ["PATCH", "/api/admin/indexes/main", '{"description":"x\\udc00"}'],
    ["POST", "/api/admin/indexes", '{"name":"sur","kind":"hosted","description":"\\udc00x"}'],
    ["POST", "/simple/-/revalidate", '{"pages":[{"project":"a\\ud83d","contentType":"text/html","etag":"\\"x\\""}]}'],
    ["POST", "/api/admin/users", '{"username":"surrogate","password":"\\ud800xxxxxxxx"}'],
  ] as const) {
    const response = await sendRaw(method, path, body);
    assert.equal(response.status, 400, `${method} ${path} ${body}`);
    assert.match(await response.text(), /Invalid JSON body: a string contains a lone UTF-16 surrogate/);
  }
  assert.equal((await registry.admin("GET", "/api/admin/indexes/main")).description, "");
  assert.equal(await registry.running.db.user.count({ where: { username: "surrogate" } }), 0);
  // A well-formed pair (an emoji) is text like any other.
  const emoji = await sendRaw("PATCH", "/api/admin/indexes/main", '{"description":"\\ud83d\\ude00 ours"}');
  assert.equal(emoji.status, 200);
});

test("a password that HTTP Basic cannot carry (a control character) is refused when the user is created", async () => {
  const response = await fetch(`${registry.url}/api/admin/users`, {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: JSON.stringify({ username: "tabby", password: "tab\there1" }),
  });
  assert.equal(response.status, 400);
  assert.match(await response.text(), /must not contain control characters/);
  assert.equal(await registry.running.db.user.count({ where: { username: "tabby" } }), 0);
});

test("a header with a control character never reaches the app, and the server keeps answering", async () => {
  const connection = await RawConnection.open(registry.url);
  await connection.write("GET /simple/ HTTP/1.1\r\nHost: x\r\nAccept: text/html\0\r\n\r\n");
  assert.equal((await connection.response())?.status, 400);
  connection.destroy();
  assert.equal((await fetch(`${registry.url}/healthz`)).status, 200);
});

/** The members of a tar, in order. */
async function untar(bytes: Buffer): Promise<{ name: string; body: Buffer }[]> {
  const members: { name: string; body: Buffer }[] = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on("end", () => {
        members.push({ name: header.name, body: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([bytes]).pipe(extract);
  await done;
  return members;
}

async function packTar(members: { name: string; body: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const m of members) pack.entry({ name: m.name, size: m.body.length }, m.body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test("a value PostgreSQL refuses that came in by another door (a bundle manifest) is a 400, and nothing is imported", async () => {
  const exported = await fetch(`${registry.url}/api/admin/bundles/export`, {
    method: "POST",
    headers: { ...admin, "content-type": "application/json" },
    body: JSON.stringify({ index: "main", projects: ["edge-pkg"] }),
  });
  assert.equal(exported.status, 200, await exported.clone().text());
  const members = await untar(Buffer.from(await exported.arrayBuffer()));
  const manifest = JSON.parse(members[0]!.body.toString("utf8"));
  // (The summary would not do: a new release takes it from the wheel itself, as an upload does.)
  manifest.projects[0].releases[0].yanked = true;
  manifest.projects[0].releases[0].yankedReason = "a reason with a \u0000 in it";
  members[0]!.body = Buffer.from(JSON.stringify(manifest));
  await registry.createIndex("imported");
  const response = await fetch(`${registry.url}/api/admin/bundles/import?index=imported`, {
    method: "POST",
    headers: { ...admin, "content-type": "application/x-tar" },
    body: new Uint8Array(await packTar(members)),
  });
  assert.equal(response.status, 400);
  assert.match(
    ((await response.json()) as { detail: string }).detail,
    /^The request holds a value the database cannot store \(invalid byte sequence for encoding "UTF8": 0x00\): remove it and try again\.$/,
  );
  const imported = await registry.running.db.index.findUniqueOrThrow({ where: { name: "imported" } });
  assert.equal(await registry.running.db.file.count({ where: { indexId: imported.id } }), 0);
  assert.equal((await fetch(`${registry.url}/healthz`)).status, 200);
});
