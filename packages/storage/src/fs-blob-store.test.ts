import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, test } from "node:test";

import { describeBlobStoreContract } from "./blob-store.contract.ts";
import { FsBlobStore } from "./fs-blob-store.ts";

async function tempRoot(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "wheelhouse-fs-store-"));
}

describeBlobStoreContract("fs", async () => {
  const root = await tempRoot();
  return { store: new FsBlobStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe("FsBlobStore specifics", () => {
  test("creates the root on ensureReady and stores keys as files under it", async () => {
    const root = path.join(await tempRoot(), "nested", "root");
    try {
      const store = new FsBlobStore(root);
      await store.ensureReady();
      await store.put("files/ab/x.whl", Readable.from([Buffer.from("x")]));
      assert.equal((await stat(path.join(root, "files", "ab", "x.whl"))).size, 1);
    } finally {
      await rm(path.dirname(path.dirname(root)), { recursive: true, force: true });
    }
  });

  test("a failed put leaves no temp file behind", async () => {
    const root = await tempRoot();
    try {
      const store = new FsBlobStore(root);
      await store.ensureReady();
      const body = Readable.from(
        (async function* () {
          yield Buffer.alloc(1000);
          throw new Error("boom");
        })(),
      );
      await assert.rejects(store.put("a/b", body), /boom/);
      assert.deepEqual(await readdir(path.join(root, ".wheelhouse-tmp")), []);
      assert.deepEqual(await readdir(root), [".wheelhouse-tmp"]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test("delete and move prune directories they leave empty", async () => {
    const root = await tempRoot();
    try {
      const store = new FsBlobStore(root);
      await store.ensureReady();
      await store.put("tmp/u1/file", Readable.from([Buffer.from("1")]));
      await store.put("files/aa/bb/keep", Readable.from([Buffer.from("2")]));
      await store.put("files/aa/cc/gone", Readable.from([Buffer.from("3")]));
      await store.move("tmp/u1/file", "files/aa/bb/file");
      await store.delete("files/aa/cc/gone");
      assert.deepEqual((await readdir(root)).sort(), [".wheelhouse-tmp", "files"]);
      assert.deepEqual(await readdir(path.join(root, "files", "aa")), ["bb"]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('a root given with ".." in it still confines keys', async () => {
    const store = new FsBlobStore("/tmp/../tmp/wheelhouse-never-created");
    await assert.rejects(store.head("../etc/passwd"), /has a "\.\." path segment/);
  });
});
