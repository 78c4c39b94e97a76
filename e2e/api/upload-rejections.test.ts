// Bad uploads: each gets a clear 4xx, and nothing is stored — no file, release or project row,
// no blob (committed or staged), no temp file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";
import { assertNothingStored as assertNothingStoredIn } from "../support/upload-leftovers.ts";

let registry: TestRegistry;
let uploader: { token: string };
let otherIndexUploader: { token: string };
const MAX_UPLOAD = 2 * 1024 * 1024;

before(async () => {
  registry = await startRegistry({ maxUploadBytes: MAX_UPLOAD });
  await registry.createIndex("other");
  uploader = await registry.createUser("uploader", { scope: "upload" });
  otherIndexUploader = await registry.createUser("elsewhere", { scope: "upload", index: "other" });
});
after(() => registry.stop());

async function upload(form: FormData, auth: string | null = basicAuth("__token__", uploader.token), path = "/") {
  const response = await fetch(`${registry.url}${path}`, { method: "POST", body: form, headers: auth ? { authorization: auth } : {} });
  return { status: response.status, statusText: response.statusText, headers: response.headers, body: await response.text() };
}

function assertNothingStored(projectName: string) {
  return assertNothingStoredIn(registry, projectName);
}

describe("upload rejections", () => {
  test("a wrong digest", async () => {
    const spec: WheelSpec = { name: "bad-digest", version: "1.0" };
    const result = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body, { sha256_digest: "0".repeat(64) }));
    assert.equal(result.status, 400);
    assert.equal(result.body.trim(), "The digest supplied does not match a digest calculated from the uploaded file.");
    assert.match(result.statusText, /digest supplied does not match/);
    await assertNothingStored("bad-digest");
  });

  test("a filename that does not match the name and version", async () => {
    const spec: WheelSpec = { name: "mismatch", version: "1.0" };
    const result = await upload(uploadForm(spec, "mismatch-2.0-py3-none-any.whl", buildWheel(spec).body));
    assert.equal(result.status, 400);
    assert.equal(result.body.trim(), "The filename 'mismatch-2.0-py3-none-any.whl' does not match the project 'mismatch' version '1.0' of the upload.");
    await assertNothingStored("mismatch");
  });

  test("core metadata that names another project", async () => {
    const spec: WheelSpec = { name: "meta-mismatch", version: "1.0" };
    const wheel = buildWheel({ ...spec, metadata: "Metadata-Version: 2.1\nName: someone-else\nVersion: 1.0\n" }).body;
    const result = await upload(uploadForm(spec, wheelFilename(spec), wheel));
    assert.equal(result.status, 400);
    assert.match(result.body, /names someone-else 1\.0, which does not match the filename/);
    await assertNothingStored("meta-mismatch");
  });

  test("a wheel without METADATA", async () => {
    const spec: WheelSpec = { name: "no-metadata", version: "1.0" };
    const result = await upload(uploadForm(spec, wheelFilename(spec), buildWheel({ ...spec, omit: ["METADATA"] }).body));
    assert.equal(result.status, 400);
    assert.match(result.body, /METADATA/);
    await assertNothingStored("no-metadata");
  });

  test("a zip that is not a wheel", async () => {
    const spec: WheelSpec = { name: "not-a-wheel", version: "1.0" };
    const { zipSync, strToU8 } = await import("fflate");
    const zip = Buffer.from(zipSync({ "hello.txt": strToU8("hello") }));
    const result = await upload(uploadForm(spec, wheelFilename(spec), zip));
    assert.equal(result.status, 400);
    assert.match(result.body, /dist-info/);
    await assertNothingStored("not-a-wheel");
  });

  test("bytes that are not a zip at all", async () => {
    const spec: WheelSpec = { name: "garbage", version: "1.0" };
    const result = await upload(uploadForm(spec, wheelFilename(spec), Buffer.from("this is not a zip file")));
    assert.equal(result.status, 400);
    assert.equal(result.body.trim(), "Invalid distribution file: not a valid zip archive.");
    await assertNothingStored("garbage");
  });

  test("a filename with escaped path characters", async () => {
    const spec: WheelSpec = { name: "traversal", version: "1.0" };
    const result = await upload(uploadForm(spec, "..%2Fescape-1.0.tar.gz", buildWheel(spec).body, { filetype: "sdist" }));
    assert.equal(result.status, 400);
    assert.equal(result.body.trim(), "Invalid filename '..%2Fescape-1.0.tar.gz': a distribution filename is a single name with no path.");
    await assertNothingStored("traversal");
  });

  test("a file extension PyPI does not take", async () => {
    const spec: WheelSpec = { name: "egg-file", version: "1.0" };
    const result = await upload(uploadForm(spec, "egg_file-1.0-py3.11.egg", buildWheel(spec).body, { filetype: "bdist_wheel" }));
    assert.equal(result.status, 400);
    assert.equal(result.body.trim(), "Invalid file extension in 'egg_file-1.0-py3.11.egg': use .whl, .tar.gz or .zip (PEP 527).");
    await assertNothingStored("egg-file");
  });

  test("an oversized upload", async () => {
    const spec: WheelSpec = { name: "too-big", version: "1.0" };
    const big = Buffer.concat([buildWheel(spec).body, Buffer.alloc(MAX_UPLOAD + 1024, 1)]);
    const result = await upload(uploadForm(spec, wheelFilename(spec), big));
    assert.equal(result.status, 400);
    assert.equal(result.body.trim(), `File too large. Limit is ${MAX_UPLOAD} bytes.`);
    await assertNothingStored("too-big");
  });

  test("no credentials: 401 with a Basic challenge", async () => {
    const spec: WheelSpec = { name: "anonymous", version: "1.0" };
    const result = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body), null);
    assert.equal(result.status, 401);
    assert.match(result.headers.get("www-authenticate") ?? "", /^Basic realm=/);
    await assertNothingStored("anonymous");
  });

  test("a wrong password or token: 403", async () => {
    const spec: WheelSpec = { name: "wrong-credential", version: "1.0" };
    for (const auth of [
      basicAuth("uploader", "not-the-password"),
      basicAuth("__token__", `whk_0000000000000000_${"A".repeat(43)}`),
      basicAuth("__token__", "garbage"),
    ]) {
      const result = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body), auth);
      assert.equal(result.status, 403);
      assert.equal(result.body.trim(), "Invalid or non-existent authentication information.");
    }
    await assertNothingStored("wrong-credential");
  });

  test("a token scoped to another index", async () => {
    const spec: WheelSpec = { name: "wrong-index", version: "1.0" };
    const result = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body), basicAuth("__token__", otherIndexUploader.token));
    assert.equal(result.status, 403);
    assert.equal(result.body.trim(), "This token is not scoped to index 'main'.");
    await assertNothingStored("wrong-index");
    // The same token works where it is scoped.
    const ok = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body), basicAuth("__token__", otherIndexUploader.token), "/other/");
    assert.equal(ok.status, 200, ok.body);
  });

  test("a token scoped to another project", async () => {
    const scoped = await registry.createUser("project-scoped", { scope: "upload", project: "Only_This" });
    const spec: WheelSpec = { name: "not-this", version: "1.0" };
    const result = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body), basicAuth("__token__", scoped.token));
    assert.equal(result.status, 403);
    assert.equal(result.body.trim(), "This token is scoped to project 'only-this', not 'not-this'.");
    await assertNothingStored("not-this");
    const allowed: WheelSpec = { name: "only.this", version: "1.0" };
    const ok = await upload(uploadForm(allowed, wheelFilename(allowed), buildWheel(allowed).body), basicAuth("__token__", scoped.token));
    assert.equal(ok.status, 200, ok.body);
  });

  test("a read-only token", async () => {
    const reader = await registry.createUser("reader", { scope: "read" });
    const spec: WheelSpec = { name: "read-only", version: "1.0" };
    const result = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body), basicAuth("__token__", reader.token));
    assert.equal(result.status, 403);
    await assertNothingStored("read-only");
  });

  test("a truncated upload: the client disconnects mid-body", async () => {
    const spec: WheelSpec = { name: "truncated", version: "1.0" };
    const form = uploadForm(spec, wheelFilename(spec), Buffer.concat([buildWheel(spec).body, Buffer.alloc(512 * 1024, 7)]));
    const encoded = new Response(form);
    const body = Buffer.from(await encoded.arrayBuffer());
    const url = new URL(registry.url);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/",
        headers: { "content-type": encoded.headers.get("content-type")!, "content-length": body.length, authorization: basicAuth("__token__", uploader.token) },
      });
      req.on("error", () => resolve());
      req.on("response", () => resolve());
      req.write(body.subarray(0, Math.floor(body.length * 0.6)), () => setTimeout(() => req.destroy(), 200));
    });
    await assertNothingStored("truncated");
  });

  test("missing form fields and a form that is not multipart", async () => {
    const spec: WheelSpec = { name: "form-errors", version: "1.0" };
    const noName = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body, { name: undefined }));
    assert.equal(noName.status, 400);
    assert.equal(noName.body.trim(), "Missing required form field 'name'.");
    const noDigest = await upload(uploadForm(spec, wheelFilename(spec), buildWheel(spec).body, { sha256_digest: undefined }));
    assert.equal(noDigest.status, 400);
    assert.match(noDigest.body, /at least one message digest/);
    const json = await fetch(`${registry.url}/`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", authorization: basicAuth("__token__", uploader.token) },
    });
    assert.equal(json.status, 400);
    await assertNothingStored("form-errors");
  });
});
