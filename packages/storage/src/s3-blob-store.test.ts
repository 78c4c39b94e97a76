import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { describeBlobStoreContract } from "./blob-store.contract.ts";
import { S3BlobStore } from "./s3-blob-store.ts";
import { startS3rver } from "./testing.ts";

describeBlobStoreContract("s3 (s3rver)", async () => {
  const s3 = await startS3rver();
  const store = new S3BlobStore({
    endpoint: s3.endpoint,
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket: "wheelhouse-test",
    region: "us-east-1",
  });
  return { store, cleanup: s3.stop };
});

describe("S3BlobStore specifics", () => {
  test("rejects an endpoint that is not a bare http(s) URL, naming it", () => {
    const opts = { accessKey: "a", secretKey: "b", bucket: "c" };
    assert.throws(() => new S3BlobStore({ ...opts, endpoint: "127.0.0.1:9000" }), /S3 endpoint "127.0.0.1:9000"/);
    assert.throws(() => new S3BlobStore({ ...opts, endpoint: "http://minio/s3" }), /must be http\(s\):\/\/host\[:port\] with no path/);
  });

  test("ensureReady creates a missing bucket; presign checks the expiry", async () => {
    const s3 = await startS3rver();
    try {
      const store = new S3BlobStore({ endpoint: s3.endpoint, accessKey: "S3RVER", secretKey: "S3RVER", bucket: "fresh-bucket" });
      await store.ensureReady();
      await store.ensureReady();
      assert.equal(await store.head("nothing/here"), null);
      await assert.rejects(store.presign("a/b", 0), RangeError);
      await assert.rejects(store.presign("a/b", 8 * 24 * 3600), RangeError);
    } finally {
      await s3.stop();
    }
  });
});
