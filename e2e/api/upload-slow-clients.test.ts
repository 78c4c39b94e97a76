// Slow clients: headers or a body trickled a byte at a time must not hold a connection forever,
// while an honest upload that is merely slow still succeeds. The registry runs with small limits
// (WHEELHOUSE_HEADERS_TIMEOUT, WHEELHOUSE_MIN_BODY_RATE, WHEELHOUSE_BODY_RATE_GRACE) so the test
// sees them act; the production defaults are the same rules with larger numbers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { basicAuth, buildWheel, uploadForm, wheelFilename, type DistSpec } from "../support/dist-builder.ts";
import { postHead, RawConnection } from "../support/raw-http.ts";
import { assertNothingStored } from "../support/upload-leftovers.ts";

let registry: TestRegistry;
let auth: string;
// Far longer than any limit below: reaching it means the server kept the connection.
const PATIENCE_MS = 20_000;

before(async () => {
  registry = await startRegistry({ http: { headersTimeoutMs: 1000, requestTimeoutMs: 60_000, minBodyBytesPerSecond: 1024, bodyRateGraceMs: 1000 } });
  auth = basicAuth("__token__", (await registry.createUser("slow", { scope: "upload" })).token);
});
after(() => registry.stop());

/** The upload form, made `descriptionBytes` longer by a README (as twine sends it) that does not compress. */
function form(spec: DistSpec, descriptionBytes = 0) {
  return uploadForm(spec, wheelFilename(spec), buildWheel(spec), { description: randomBytes(descriptionBytes).toString("base64").slice(0, descriptionBytes) });
}

async function encoded(spec: DistSpec, descriptionBytes = 0) {
  const response = new Response(form(spec, descriptionBytes));
  return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type")! };
}

/** Writes `bytes` one at a time, `everyMs` apart, until the server closes the connection or patience runs out. */
async function trickle(connection: RawConnection, bytes: Buffer, everyMs: number): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  for (let i = 0; i < bytes.length && !connection.isClosed && Date.now() < deadline; i++) {
    await connection.write(bytes.subarray(i, i + 1));
    await Promise.race([sleep(everyMs), connection.closed]);
  }
}

test("a body trickled a byte at a time: the connection is closed, nothing is stored", async () => {
  const spec: DistSpec = { name: "trickled", version: "1.0" };
  const { body, contentType } = await encoded(spec);
  const connection = await RawConnection.open(registry.url);
  await connection.write(postHead("/", { Authorization: auth, "Content-Type": contentType, "Content-Length": body.length }));
  await trickle(connection, body, 400);
  assert.ok(connection.isClosed, "the server still holds a connection that sends a byte every 400 ms");
  await assertNothingStored(registry, "trickled");
  assert.equal((await fetch(`${registry.url}/healthz`)).status, 200);
});

test("headers trickled a byte at a time: 408 or a closed connection", async () => {
  const connection = await RawConnection.open(registry.url);
  await connection.write("POST / HTTP/1.1\r\nHost: localhost\r\n");
  await trickle(connection, Buffer.from(`X-Slow: ${"a".repeat(200)}\r\n\r\n`), 200);
  assert.ok(connection.isClosed, "the server still waits for headers sent a byte every 200 ms");
  const response = await connection.response();
  if (response) assert.equal(response.status, 408);
});

test("a slow but steady upload outlives the timeouts and succeeds", async () => {
  const spec: DistSpec = { name: "steady", version: "1.0" };
  // ~120 KB at ~40 KB/s: longer than the header timeout and the grace period, well above the minimum rate.
  const { body, contentType } = await encoded(spec, 120_000);
  const connection = await RawConnection.open(registry.url);
  await connection.write(postHead("/", { Authorization: auth, "Content-Type": contentType, "Content-Length": body.length }));
  for (let offset = 0; offset < body.length; offset += 4096) {
    await connection.write(body.subarray(offset, offset + 4096));
    await sleep(100);
  }
  const response = await connection.response();
  connection.destroy();
  assert.equal(response?.status, 200, connection.text);
});

test("a normal upload works under the same limits", async () => {
  const spec: DistSpec = { name: "brisk", version: "1.0" };
  const response = await fetch(`${registry.url}/`, { method: "POST", body: form(spec, 500_000), headers: { authorization: auth } });
  assert.equal(response.status, 200, await response.text());
});
