// What a crash between staging and commit can leave behind is removed by a GC pass, and
// nothing a file row references is ever touched.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";

let registry: TestRegistry;

before(async () => {
  registry = await startRegistry();
});
after(() => registry.stop());

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const blob of registry.running.store.list(prefix)) out.push(blob.key);
  return out.sort();
}

test("gc removes staged and unreferenced blobs and stale temp files, and keeps published files", async () => {
  const { token } = await registry.createUser("gc-uploader", { scope: "upload" });
  const spec: WheelSpec = { name: "kept", version: "1.0" };
  const upload = await fetch(`${registry.url}/`, {
    method: "POST",
    body: uploadForm(spec, wheelFilename(spec), buildWheel(spec).body),
    headers: { authorization: basicAuth("__token__", token) },
  });
  assert.equal(upload.status, 200);
  const published = await keys("files/");
  assert.equal(published.length, 1);

  const { store } = registry.running;
  await store.put("incoming/crashed-upload", Readable.from([Buffer.from("half a wheel")]));
  await store.put("files/00/00/0000/orphan-1.0-py3-none-any.whl", Readable.from([Buffer.from("no row points here")]));
  const tmp = join(registry.dataDir, "tmp", "uploads");
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, "stale"), "left by a crash");

  const young = await registry.admin("POST", "/api/admin/gc", {});
  assert.deepEqual(young, { stagedBlobs: 0, unreferencedBlobs: 0, tempFiles: 0 }, "the grace period protects uploads in progress");

  const report = await registry.admin("POST", "/api/admin/gc", { graceSeconds: 0 });
  assert.deepEqual(report, { stagedBlobs: 1, unreferencedBlobs: 1, tempFiles: 1 });
  assert.deepEqual(await keys("incoming/"), []);
  assert.deepEqual(await keys("files/"), published);
  assert.deepEqual(await readdir(tmp), []);
  assert.equal((await fetch(`${registry.url}/main/files/${wheelFilename(spec)}`)).status, 200);
});
