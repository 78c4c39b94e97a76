// Hostile input on the read paths, generated: paths with arbitrary bytes and malformed escapes,
// query strings, Accept and Authorization headers, batch revalidation bodies. Whatever arrives,
// the answer is never a 5xx and the server keeps answering. Bounded: a fixed number of runs
// against one registry (a hosted index and a public group with a private member, no mirror: a
// mirror's unreachable upstream is a legitimate 502).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import fc from "fast-check";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { uploadWheel } from "../support/legacy-upload.ts";

const RUNS = 300;
let registry: TestRegistry;
let port: number;
let token: string;

before(async () => {
  registry = await startRegistry();
  port = Number(new URL(registry.url).port);
  await registry.createIndex("private", { anonymousRead: false });
  await registry.admin("POST", "/api/admin/indexes", { name: "all", kind: "group", members: ["private", "main"] });
  await uploadWheel(`${registry.url}/`, registry.adminToken, { name: "fuzz-pkg", version: "1.0" });
  await uploadWheel(`${registry.url}/private/`, registry.adminToken, { name: "fuzz-secret", version: "1.0" });
  token = (await registry.createUser("fuzzer", { scope: "read" })).token;
});
after(() => registry?.stop());

interface Sent {
  method: "GET" | "HEAD" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** One raw request: the path exactly as given (no URL normalization), the status of the answer. */
function send({ method, path, headers, body }: Sent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path, headers: { ...headers, ...(body ? { "content-length": String(body.length) } : {}) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const percentEncodedBytes = fc.uint8Array({ maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""));
const word = fc.constantFrom(
  "simple",
  "pypi",
  "json",
  "files",
  "api",
  "search",
  "-",
  "revalidate",
  "main",
  "all",
  "private",
  "fuzz-pkg",
  "fuzz-secret",
  "fuzz_pkg-1.0-py3-none-any.whl",
  ".metadata",
  "advisories",
  "query",
  "admin",
  "..",
  ".",
  "",
);
const segment = fc.oneof(
  word,
  fc.string({ unit: "binary", maxLength: 16 }).map(encodeURIComponent),
  percentEncodedBytes,
  fc.stringMatching(/^[%0-9A-Fa-fZz._~-]{0,10}$/), // stray and truncated escapes
  fc.integer({ min: 300, max: 6000 }).map((n) => "a".repeat(n)),
);
const path = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean()).map(([parts, slash]) => `/${parts.join("/")}${slash ? "/" : ""}`);
const query = fc.option(
  fc
    .array(
      fc.tuple(
        fc.constantFrom("q", "format", "limit", "project", "index", "username", "x"),
        fc.oneof(segment, fc.string({ maxLength: 20 }).map(encodeURIComponent)),
      ),
      { maxLength: 3 },
    )
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`),
  { nil: "" },
);
const accept = fc.option(
  fc.oneof(
    fc.constantFrom(
      "application/vnd.pypi.simple.v1+json",
      "text/html",
      "application/json",
      "*/*",
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01",
      "text/html;q=abc",
      ";;,,q=",
    ),
    fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
  ),
  { nil: undefined },
);
const authorization = fc.option(
  fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((b) => `Basic ${Buffer.from(b).toString("base64")}`),
    fc.string({ unit: "binary", maxLength: 30 }).map((s) => `Basic ${Buffer.from(`__token__:${s}`).toString("base64")}`),
    fc.constant(`Basic ${Buffer.from("__token__:TOKEN").toString("base64")}`),
    fc.stringMatching(/^(Basic|Bearer|basic) ?[\x21-\x7e]{0,40}$/),
  ),
  { nil: undefined },
);
const revalidateBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .array(
      fc.record({
        project: fc.oneof(word, fc.string({ unit: "binary", maxLength: 20 })),
        contentType: fc.oneof(fc.constantFrom("text/html", "application/vnd.pypi.simple.v1+json"), fc.string()),
        etag: fc.oneof(fc.constant("*"), fc.string()),
      }),
      { maxLength: 5 },
    )
    .map((pages) => JSON.stringify({ pages })),
  fc.string({ unit: "binary", maxLength: 60 }),
);

const sent: fc.Arbitrary<Sent> = fc.oneof(
  fc
    .record({ method: fc.constantFrom("GET" as const, "HEAD" as const), path, query, accept, authorization })
    .map(({ method, path, query, accept, authorization }) => ({
      method,
      path: `${path}${query}`,
      headers: {
        ...(accept === undefined ? {} : { accept }),
        ...(authorization === undefined ? {} : { authorization: authorization.replace("TOKEN", token) }),
      },
    })),
  fc
    .record({
      root: fc.constantFrom("/simple/-/revalidate", "/all/simple/-/revalidate", "/private/simple/-/revalidate", "/api/advisories/query"),
      body: revalidateBody,
      authorization,
    })
    .map(({ root, body, authorization }) => ({
      method: "POST" as const,
      path: root,
      headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization: authorization.replace("TOKEN", token) }) },
      body: Buffer.from(body, "utf8"),
    })),
);

test(`${RUNS} generated read requests: never a 5xx, and the server keeps answering`, { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(sent, async (request) => {
      const status = await send(request);
      assert.ok(status < 500, `${request.method} ${request.path} ${JSON.stringify(request.headers)} → ${status}`);
    }),
    { numRuns: RUNS },
  );
  assert.equal(await send({ method: "GET", path: "/healthz", headers: {} }), 200);
  assert.equal(await send({ method: "GET", path: "/simple/fuzz-pkg/", headers: {} }), 200);
});
