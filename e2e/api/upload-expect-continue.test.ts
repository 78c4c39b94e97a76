// `Expect: 100-continue` (curl sends it for large bodies): a refused upload is answered before
// the body is sent, and an accepted one is told to go on. Raw requests, so the test sees exactly
// which responses arrive before any body byte is sent.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";
import { postHead, RawConnection } from "../support/raw-http.ts";
import { assertNothingStored } from "../support/upload-leftovers.ts";

let registry: TestRegistry;
let token: string;

before(async () => {
  registry = await startRegistry();
  token = (await registry.createUser("continuer", { scope: "upload", index: "main" })).token;
  await registry.createIndex("private", { anonymousRead: false });
});
after(() => registry.stop());

async function encoded(spec: WheelSpec) {
  const response = new Response(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body));
  return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type")! };
}

/** Sends only the headers, with Expect: 100-continue, and waits for the server's first word. */
async function headersOnly(spec: WheelSpec, authorization: string | null) {
  const { body, contentType } = await encoded(spec);
  const connection = await RawConnection.open(registry.url);
  const headers: Record<string, string | number> = { "Content-Type": contentType, "Content-Length": body.length, Expect: "100-continue" };
  if (authorization) headers.Authorization = authorization;
  await connection.write(postHead("/", headers));
  return { connection, body };
}

for (const [what, authorization, status] of [
  ["no credentials: 401 with a Basic challenge", null, 401],
  ["a wrong token: 403", basicAuth("__token__", "garbage"), 403],
] as const) {
  test(`Expect: 100-continue with ${what}, before the body is sent`, async () => {
    const spec: WheelSpec = { name: "expecting", version: "1.0" };
    const { connection } = await headersOnly(spec, authorization);
    // No body byte is ever written: the final answer must come without it.
    const response = await connection.response();
    connection.destroy();
    assert.equal(response?.status, status, connection.text);
    assert.deepEqual(connection.interimStatuses, [], "no 100 Continue for a request that is refused");
    if (status === 401) assert.match(response.head, /^www-authenticate: Basic realm=/im);
    await assertNothingStored(registry, "expecting");
  });
}

test("Expect: 100-continue with a valid token: 100 Continue, then the body, then 200", async () => {
  const spec: WheelSpec = { name: "continued", version: "1.0" };
  const { connection, body } = await headersOnly(spec, basicAuth("__token__", token));
  assert.ok(await connection.until(() => connection.interimStatuses.includes(100)), `no 100 Continue: ${connection.text}`);
  await connection.write(body);
  const response = await connection.response();
  connection.destroy();
  assert.equal(response?.status, 200, connection.text);
  const page = await fetch(`${registry.url}/simple/continued/`);
  assert.match(await page.text(), /continued-1\.0-py3-none-any\.whl/);
});

test("without Expect, an anonymous upload still gets its 401", async () => {
  const spec: WheelSpec = { name: "plain-anonymous", version: "1.0" };
  const response = await fetch(`${registry.url}/`, { method: "POST", body: uploadForm(spec, wheelFilename(spec), buildWheel(spec).body) });
  assert.equal(response.status, 401);
  await assertNothingStored(registry, "plain-anonymous");
});

// The JSON routes that refuse some clients: the admin API, and on a private index the revalidate
// and advisory-query extensions. The refusal comes from the headers alone; the body is never sent.
const jsonRoutes = [
  ["POST", "/api/admin/indexes", { name: "made-after-continue" }, 201],
  ["PATCH", "/api/admin/indexes/main", { description: "patched after continue" }, 200],
  ["POST", "/api/admin/users", { username: "continued-user", password: "a-long-password-1" }, 201],
  ["POST", "/api/admin/gc", {}, 200],
  ["POST", "/private/simple/-/revalidate", { pages: [] }, 200],
  ["POST", "/private/api/advisories/query", { packages: [] }, 200],
] as const;

/** Sends the request line and headers of a JSON request with Expect: 100-continue, without its body. */
async function jsonHeadersOnly(method: string, path: string, length: number, authorization: string | null) {
  const connection = await RawConnection.open(registry.url);
  const headers: Record<string, string | number> = { "Content-Type": "application/json", "Content-Length": length, Expect: "100-continue" };
  if (authorization) headers.Authorization = authorization;
  await connection.write(postHead(path, headers).replace(/^POST /, `${method} `));
  return connection;
}

for (const [method, path] of jsonRoutes) {
  for (const [who, authorization, status] of [
    ["no credentials: 401", () => null, 401],
    ["a token without the rights: 403", () => basicAuth("__token__", token), 403],
  ] as const) {
    // An upload token may read the public default index, but not the private one, nor the admin API.
    test(`${method} ${path} with Expect: 100-continue and ${who}, before the body is sent`, async () => {
      const connection = await jsonHeadersOnly(method, path, 100_000, authorization());
      // The server's first word: a 100 Continue (wrong) or the refusal.
      await connection.until(() => connection.text.includes("\r\n\r\n"));
      assert.deepEqual(connection.interimStatuses, [], "no 100 Continue for a request that is refused");
      const response = await connection.response();
      connection.destroy();
      assert.equal(response?.status, status, connection.text);
    });
  }
}

for (const [method, path, body, status] of jsonRoutes) {
  test(`${method} ${path} with Expect: 100-continue and an admin token: 100 Continue, then the body, then ${status}`, async () => {
    const json = JSON.stringify(body);
    const connection = await jsonHeadersOnly(method, path, Buffer.byteLength(json), basicAuth("__token__", registry.adminToken));
    assert.ok(await connection.until(() => connection.interimStatuses.includes(100)), `no 100 Continue: ${connection.text}`);
    await connection.write(json);
    const response = await connection.response();
    connection.destroy();
    assert.equal(response?.status, status, connection.text);
  });
}
