// An in-process S3-compatible server for tests (s3rver), patched where it differs from S3 in
// ways the driver relies on. Shared by this package's contract tests and the e2e registry.
import { createReadStream } from "node:fs";
import type { ReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/** s3rver's only credentials. */
export const S3RVER_CREDENTIALS = { accessKey: "S3RVER", secretKey: "S3RVER" } as const;

/** Patch s3rver's store where it differs from S3 in ways our driver relies on. */
function fixS3rverStore(app: S3rver): void {
  const store = app.store;

  // s3rver bug 2: "Range: bytes=0-0" reads as end=0, which it treats as "no end" and returns the whole object.
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    if (options?.end !== 0) return getObject(bucket, key, options);
    const object = await getObject(bucket, key, { ...options, end: undefined });
    if (object?.content && object.range) {
      (object.content as ReadStream).destroy();
      object.content = createReadStream(store.getResourcePath(bucket, key, "object"), { start: 0, end: 0 });
      object.range.end = 0;
    }
    return object;
  };

  // s3rver bug 3: it writes an object in place (PUT and CompleteMultipartUpload), so concurrent writes of
  // one key interleave their bytes. S3 makes each write atomic, last one wins: queue writes per key.
  const putObject = store.putObject.bind(store);
  const writes = new Map<string, Promise<unknown>>();
  store.putObject = (object) => {
    const id = `${object.bucket}/${object.key}`;
    const write = (writes.get(id) ?? Promise.resolve()).catch(() => {}).then(() => putObject(object));
    writes.set(id, write);
    const forget = () => {
      if (writes.get(id) === write) writes.delete(id);
    };
    write.then(forget, forget);
    return write;
  };

  // s3rver bug 4: it ignores ListObjectsV2's encoding-type=url (which minio always asks for) and sends
  // raw keys, which minio then URL-decodes: "a+b" comes back as "a b". Encode the keys as S3 does.
  const listObjects = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const result = await listObjects(bucket, options);
    for (const object of result.objects) object.key = encodeURIComponent(object.key).replaceAll("%2F", "/");
    return result;
  };
}

/**
 * An in-process s3rver on 127.0.0.1 and a free port, storing under a temp dir.
 * s3rver's only credentials are S3RVER / S3RVER.
 */
export async function startS3rver(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), "wheelhouse-s3rver-"));
  const app = new S3rver({ directory, silent: true });
  fixS3rverStore(app);
  const handle = app.callback();
  const server = createServer((req, res) => {
    // s3rver bug 1: it reads x-amz-copy-source with decodeURI, which leaves "%2B" etc. encoded. S3 and
    // MinIO decode it fully, and S3 needs it fully encoded ("+" would read as a space). Re-encode it
    // the way s3rver can read it, so the tests check what real servers do.
    const source = req.headers["x-amz-copy-source"];
    if (typeof source === "string") req.headers["x-amz-copy-source"] = encodeURI(decodeURIComponent(source));
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
