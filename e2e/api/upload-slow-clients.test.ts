// Slow clients: headers or a body trickled a byte at a time must not hold a connection forever,
// while an honest upload that is merely slow still succeeds. The registry runs with small limits
// (WHEELHOUSE_HEADERS_TIMEOUT, WHEELHOUSE_MIN_BODY_RATE, WHEELHOUSE_BODY_RATE_GRACE) so the test
// sees them act; the production defaults are the same rules with larger numbers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";
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
function form(spec: WheelSpec, descriptionBytes = 0) {
  return uploadForm(spec, wheelFilename(spec), buildWheel(spec).body, {
    description: randomBytes(descriptionBytes).toString("base64").slice(0, descriptionBytes),
  });
}

async function encoded(spec: WheelSpec, descriptionBytes = 0) {
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
  const spec: WheelSpec = { name: "trickled", version: "1.0" };
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
  const spec: WheelSpec = { name: "steady", version: "1.0" };
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
  const spec: WheelSpec = { name: "brisk", version: "1.0" };
  const response = await fetch(`${registry.url}/`, { method: "POST", body: form(spec, 500_000), headers: { authorization: auth } });
  assert.equal(response.status, 200, await response.text());
});

// Routes that answer without reading the body: node would go on reading (and dropping) the rest
// of it for as long as the client sends, with the rate guard stopped once the answer is out.
for (const [what, method, path, headers, status] of [
  ["GET /simple/, which never reads a body", "GET", "/simple/", {}, 200],
  ["an anonymous upload, refused before its body is read", "POST", "/", { "Content-Type": "multipart/form-data; boundary=B" }, 401],
] as const) {
  test(`${what}, its body trickled: ${status}, then the connection is closed`, async () => {
    const connection = await RawConnection.open(registry.url);
    await connection.write(postHead(path, { ...headers, "Content-Length": 100_000 }).replace(/^POST /, `${method} `));
    await connection.write("--B\r\n");
    const response = await connection.response();
    assert.equal(response?.status, status, connection.text);
    await trickle(connection, Buffer.alloc(100_000, "x"), 400);
    assert.ok(connection.isClosed, "the server still holds a connection, after its answer, for a body sent a byte every 400 ms");
    assert.equal((await fetch(`${registry.url}/healthz`)).status, 200);
  });
}

/** Sends a request through `agent`; says whether it went over a connection an earlier request used. */
function send(agent: Agent, method: string, path: string, body?: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = request(`${registry.url}${path}`, { method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("keep-alive still holds for requests without a body and for bodies that were read (pip reuses connections)", async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const answers = [
      await send(agent, "GET", "/simple/"),
      await send(agent, "GET", "/simple/"),
      await send(agent, "POST", "/api/advisories/query", JSON.stringify({ packages: [{ name: "x", version: "1.0" }] })),
      await send(agent, "GET", "/simple/"),
    ];
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200],
    );
    assert.deepEqual(
      answers.map((a) => a.reused),
      [false, true, true, true],
      "one connection for all four",
    );
  } finally {
    agent.destroy();
  }
});
