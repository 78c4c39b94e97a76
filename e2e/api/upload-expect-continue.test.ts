// `Expect: 100-continue` (curl sends it for large bodies): a refused upload is answered before
// the body is sent, and an accepted one is told to go on. Raw requests, so the test sees exactly
// which responses arrive before any body byte is sent.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { basicAuth, buildWheel, uploadForm, wheelFilename, type DistSpec } from "../support/dist-builder.ts";
import { postHead, RawConnection } from "../support/raw-http.ts";
import { assertNothingStored } from "../support/upload-leftovers.ts";

let registry: TestRegistry;
let token: string;

before(async () => {
  registry = await startRegistry();
  token = (await registry.createUser("continuer", { scope: "upload" })).token;
});
after(() => registry.stop());

async function encoded(spec: DistSpec) {
  const response = new Response(uploadForm(spec, wheelFilename(spec), buildWheel(spec)));
  return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type")! };
}

/** Sends only the headers, with Expect: 100-continue, and waits for the server's first word. */
async function headersOnly(spec: DistSpec, authorization: string | null) {
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
    const spec: DistSpec = { name: "expecting", version: "1.0" };
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
  const spec: DistSpec = { name: "continued", version: "1.0" };
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
  const spec: DistSpec = { name: "plain-anonymous", version: "1.0" };
  const response = await fetch(`${registry.url}/`, { method: "POST", body: uploadForm(spec, wheelFilename(spec), buildWheel(spec)) });
  assert.equal(response.status, 401);
  await assertNothingStored(registry, "plain-anonymous");
});
