// The same upload and read doors with objects in S3 (an S3-compatible server the test starts).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildSdist, buildWheel, sdistFilename, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";

let registry: TestRegistry;
let token: string;

before(async () => {
  registry = await startRegistry({ storage: "s3" });
  token = (await registry.createUser("s3-uploader", { scope: "upload" })).token;
});
after(() => registry.stop());

test("upload, download with ranges, and delete against S3", async () => {
  assert.equal(registry.running.store.kind, "s3");
  const spec: WheelSpec = { name: "in-s3", version: "1.0+local.1" };
  const wheel = buildWheel(spec).body;
  for (const [filename, bytes] of [
    [wheelFilename(spec), wheel],
    [sdistFilename(spec), buildSdist(spec).body],
  ] as const) {
    const response = await fetch(`${registry.url}/`, {
      method: "POST",
      body: uploadForm(spec, filename, bytes),
      headers: { authorization: basicAuth("__token__", token) },
    });
    assert.equal(response.status, 200, await response.text());
  }
  const url = `${registry.url}/main/files/${encodeURIComponent(wheelFilename(spec))}`;
  assert.deepEqual(Buffer.from(await (await fetch(url)).arrayBuffer()), wheel);
  const tail = await fetch(url, { headers: { range: "bytes=-30" } });
  assert.equal(tail.status, 206);
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), wheel.subarray(wheel.length - 30));

  const keys: string[] = [];
  for await (const blob of registry.running.store.list("")) keys.push(blob.key);
  assert.equal(keys.filter((k) => k.startsWith("files/")).length, 2);
  assert.equal(keys.filter((k) => k.startsWith("incoming/")).length, 0, "staged uploads were moved, not left behind");

  await registry.admin("DELETE", `/api/admin/indexes/main/files/${encodeURIComponent(wheelFilename(spec))}`);
  assert.equal((await fetch(url)).status, 404);
  const remaining: string[] = [];
  for await (const blob of registry.running.store.list("files/")) remaining.push(blob.key);
  assert.deepEqual(
    remaining.map((k) => k.split("/").pop()),
    [sdistFilename(spec)],
  );
});
