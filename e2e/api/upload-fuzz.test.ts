// Hostile upload forms, generated: multipart bodies with arbitrary field names and values (NUL
// bytes, broken UTF-8, values past the size limit), file parts with odd filenames and contents,
// bodies cut off anywhere. Whatever arrives, the answer is never a 5xx, the server keeps
// answering, and no staged upload is left behind. Bounded: a fixed number of runs against one
// registry.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import fc from "fast-check";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, wheelFilename } from "@wheelhouse/testing";
import { basicAuth, digestsOf } from "../support/upload-form.ts";
import { assertNothingStored } from "../support/upload-leftovers.ts";

const RUNS = 200;
const BOUNDARY = "fuzzBoundary7MA4YWxkTrZu0gW";
let registry: TestRegistry;
let port: number;
let auth: string;

before(async () => {
  registry = await startRegistry({ maxUploadBytes: 1024 * 1024 });
  port = Number(new URL(registry.url).port);
  auth = basicAuth("__token__", (await registry.createUser("form-fuzzer", { scope: "upload" })).token);
});
after(() => registry?.stop());

/** One POST of `body` to the upload route; the status of the answer, or null when the server hung up. */
function send(body: Buffer, headers: Record<string, string>): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { ...headers, "content-length": String(body.length) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
      res.on("error", () => resolve(res.statusCode!));
    });
    // A server that answers before reading all of a refused body may close the connection.
    req.on("error", () => resolve(null));
    req.end(body);
  });
}

const wheel = buildWheel({ name: "fuzzed", version: "1.0" }).body;
const brokenUtf8 = fc.constantFrom(
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3]),
  Buffer.from([0xe0, 0xa4]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
);
const text = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
  fc.string({ unit: "binary", maxLength: 40 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.string({ maxLength: 10 }), brokenUtf8).map(([s, broken]) => Buffer.concat([Buffer.from(s), broken])),
  fc
    .constantFrom("\0", "a\0b", "file_upload", "1", "bdist_wheel", "sdist", "fuzzed", "1.0", "py3", digestsOf(wheel).sha256, "0".repeat(64))
    .map((s) => Buffer.from(s)),
  // Past the 512 KiB field limit, now and then.
  fc.integer({ min: 1, max: 20 }).map((n) => Buffer.alloc(n === 20 ? 600 * 1024 : n * 1000, "v")),
);
const fieldName = fc
  .oneof(
    fc.constantFrom(
      ":action",
      "protocol_version",
      "name",
      "version",
      "filetype",
      "pyversion",
      "metadata_version",
      "sha256_digest",
      "md5_digest",
      "blake2_256_digest",
      "content",
      "classifiers",
      "a[3]",
      "a[99999999]",
      "__proto__",
      "",
    ),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: "binary", maxLength: 20 }),
  )
  .map((s) => Buffer.from(s));
const filename = fc
  .oneof(
    fc.constantFrom(
      wheelFilename({ name: "fuzzed", version: "1.0" }),
      "../fuzzed-1.0-py3-none-any.whl",
      "/etc/passwd",
      "..\\x.whl",
      "x\0y.whl",
      "x%0Ay.whl",
      ".whl",
      "",
      `${"a".repeat(5000)}-1.0-py3-none-any.whl`,
      "fuzzed-1.0.tar.gz",
      "fuzzed-1.0.zip",
      "évil-1.0-py3-none-any.whl",
    ),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "binary", maxLength: 30 }),
  )
  .map((s) => Buffer.from(s));
const content = fc.oneof(
  fc.constant(wheel),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc.constant(Buffer.alloc(0)),
);

const part = fc.oneof(
  fc
    .tuple(fieldName, text)
    .map(([name, value]) => Buffer.concat([Buffer.from('Content-Disposition: form-data; name="'), name, Buffer.from('"\r\n\r\n'), value])),
  fc
    .tuple(filename, content, fc.boolean())
    .map(([file, bytes, star]) =>
      Buffer.concat([
        Buffer.from('Content-Disposition: form-data; name="content"; '),
        star
          ? Buffer.concat([Buffer.from("filename*=UTF-8''"), Buffer.from(encodeURIComponent(file.toString("latin1")))])
          : Buffer.concat([Buffer.from('filename="'), file, Buffer.from('"')]),
        Buffer.from("\r\nContent-Type: application/octet-stream\r\n\r\n"),
        bytes,
      ]),
    ),
  // A part with headers that are not headers at all.
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);

const form = fc.record({
  parts: fc.array(part, { maxLength: 12 }),
  /** Where to cut the body, as a fraction of its length; null keeps it whole. */
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 3 }),
  closed: fc.boolean(),
  authorized: fc.boolean(),
  contentType: fc.constantFrom(
    `multipart/form-data; boundary=${BOUNDARY}`,
    `multipart/form-data; boundary="${BOUNDARY}"`,
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "text/plain",
  ),
});

function encode(parts: Buffer[], closed: boolean): Buffer {
  const chunks = parts.flatMap((p) => [Buffer.from(`--${BOUNDARY}\r\n`), p, Buffer.from("\r\n")]);
  if (closed) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

test(`${RUNS} generated upload forms: never a 5xx, the server lives, nothing staged is left`, { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(form, async ({ parts, cut, closed, authorized, contentType }) => {
      const whole = encode(parts, closed);
      const body = cut === null ? whole : whole.subarray(0, Math.floor(whole.length * cut));
      const status = await send(body, { "content-type": contentType, ...(authorized ? { authorization: auth } : {}) });
      assert.ok(status === null || status < 500, `status ${status}`);
    }),
    { numRuns: RUNS },
  );
  assert.equal((await fetch(`${registry.url}/healthz`)).status, 200);
  // Nothing the fuzzer sent was a whole valid upload of a new project but "fuzzed" at most.
  await assertNothingStored(registry, "no-such-project-name");
});
