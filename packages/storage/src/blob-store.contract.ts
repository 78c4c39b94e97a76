// The behaviour every BlobStore driver promises, run against each real driver
// (fs-blob-store.test.ts, s3-blob-store.test.ts). Each test uses its own key
// prefix, so tests never see each other's blobs.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import { BlobNotFound, BlobSizeMismatch, InvalidBlobKey } from "./blob-store.ts";
import type { BlobStore, ListedBlob } from "./blob-store.ts";

const MiB = 1 << 20;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The buffer as a stream of `chunkSize` chunks (like a socket would deliver it). */
function streamOf(data: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += chunkSize) yield data.subarray(at, at + chunkSize);
    })(),
  );
}

/** Delivers `bytes` bytes, then fails with `error`. */
function failingAfter(bytes: number, error: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let sent = 0; sent < bytes; sent += 64 * 1024) {
        yield randomBytes(Math.min(64 * 1024, bytes - sent));
        await sleep(0);
      }
      throw error;
    })(),
  );
}

/** `total` random bytes in 64 KiB chunks, generated lazily; `digest()` is their sha256 once consumed. */
function randomStream(total: number): { stream: Readable; digest: () => string } {
  const hash = createHash("sha256");
  const stream = Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += 64 * 1024) {
        const chunk = randomBytes(Math.min(64 * 1024, total - sent));
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  return { stream, digest: () => hash.digest("hex") };
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function listAll(store: BlobStore, prefix: string): Promise<ListedBlob[]> {
  const out: ListedBlob[] = [];
  for await (const blob of store.list(prefix)) out.push(blob);
  return out;
}

async function listKeys(store: BlobStore, prefix: string): Promise<string[]> {
  return (await listAll(store, prefix)).map((blob) => blob.key);
}

/** list() promises no order (s3rver's differs from S3's), so compare sorted. */
async function sortedKeys(store: BlobStore, prefix: string): Promise<string[]> {
  return (await listKeys(store, prefix)).sort();
}

export function describeBlobStoreContract(name: string, makeStore: () => Promise<{ store: BlobStore; cleanup(): Promise<void> }>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let cleanup: () => Promise<void>;
    let n = 0;
    /** A fresh key prefix per test. */
    const fresh = () => `t${++n}-${randomBytes(4).toString("hex")}`;

    before(async () => {
      ({ store, cleanup } = await makeStore());
      await store.ensureReady();
    });
    after(async () => {
      await cleanup?.();
    });

    test("ensureReady can run again", async () => {
      await store.ensureReady();
    });

    test("put then get round-trips a small text blob, and head reports it", async () => {
      const key = `${fresh()}/files/ab/cd/hello.txt`;
      const info = await store.put(key, streamOf(Buffer.from("hello, wheelhouse\n")), { contentType: "text/plain" });
      assert.equal(info.size, 18);
      assert.equal((await readAll(await store.get(key))).toString(), "hello, wheelhouse\n");
      const head = await store.head(key);
      assert.equal(head?.size, 18);
      assert.ok(head?.lastModified instanceof Date);
    });

    test("round-trips a few MB of random bytes", async () => {
      const key = `${fresh()}/random.bin`;
      const data = randomBytes(3 * MiB + 17);
      assert.equal((await store.put(key, streamOf(data), { size: data.length })).size, data.length);
      assert.ok((await readAll(await store.get(key))).equals(data));
    });

    test("round-trips 20 MiB streamed without a declared size (S3: multipart)", async () => {
      const key = `${fresh()}/big.bin`;
      const { stream, digest } = randomStream(20 * MiB + 5);
      assert.equal((await store.put(key, stream)).size, 20 * MiB + 5);
      assert.equal(await sha256Of(await store.get(key)), digest());
      assert.equal((await store.head(key))?.size, 20 * MiB + 5);
    });

    test("round-trips an empty blob", async () => {
      const key = `${fresh()}/empty`;
      assert.equal((await store.put(key, Readable.from([]))).size, 0);
      assert.equal((await store.head(key))?.size, 0);
      assert.equal((await readAll(await store.get(key))).length, 0);
    });

    test("keys may hold the characters of wheel filenames and local versions", async () => {
      const key = `${fresh()}/files/0f/1e/${"a".repeat(64)}/My_Pkg-1.0+local.2~x-py3-none-any.whl`;
      await store.put(key, streamOf(Buffer.from("wheel")));
      assert.equal((await readAll(await store.get(key))).toString(), "wheel");
      assert.deepEqual(await listKeys(store, key.slice(0, key.lastIndexOf("/") + 1)), [key]);
    });

    test("head of a missing key is null", async () => {
      assert.equal(await store.head(`${fresh()}/missing`), null);
    });

    test("get of a missing key throws BlobNotFound", async () => {
      const key = `${fresh()}/missing`;
      await assert.rejects(store.get(key), (error: unknown) => {
        assert.ok(error instanceof BlobNotFound);
        assert.equal(error.message, `blob not found: ${key}`);
        return true;
      });
      await assert.rejects(store.get(key, { start: 0, end: 0 }), BlobNotFound);
    });

    test("a key that is only a 'directory' of other keys is no blob", async () => {
      const dir = `${fresh()}/dir`;
      await store.put(`${dir}/inside`, streamOf(Buffer.from("x")));
      assert.equal(await store.head(dir), null);
      await assert.rejects(store.get(dir), BlobNotFound);
      await assert.rejects(store.move(dir, `${dir}-moved`), BlobNotFound);
      await store.delete(dir);
      assert.equal((await store.head(`${dir}/inside`))?.size, 1);
    });

    test("range reads: first byte, middle, last byte, whole", async () => {
      const key = `${fresh()}/ranged.bin`;
      const data = randomBytes(256 * 1024 + 3);
      await store.put(key, streamOf(data));
      const last = data.length - 1;
      const read = async (start: number, end: number) => readAll(await store.get(key, { start, end }));
      assert.ok((await read(0, 0)).equals(data.subarray(0, 1)));
      assert.ok((await read(1000, 70_000)).equals(data.subarray(1000, 70_001)));
      assert.ok((await read(last, last)).equals(data.subarray(last)));
      assert.ok((await read(0, last)).equals(data));
    });

    test("a malformed range is a RangeError", async () => {
      const key = `${fresh()}/r`;
      await store.put(key, streamOf(Buffer.from("abc")));
      await assert.rejects(store.get(key, { start: 2, end: 1 }), RangeError);
      await assert.rejects(store.get(key, { start: -1, end: 1 }), RangeError);
      await assert.rejects(store.get(key, { start: 0.5, end: 1 }), RangeError);
    });

    test("a put from a stream that errors half-way leaves nothing and rethrows", async () => {
      const prefix = fresh();
      const key = `${prefix}/broken.whl`;
      const boom = new Error("client went away");
      await assert.rejects(store.put(key, failingAfter(1 * MiB, boom)), (error) => error === boom);
      assert.equal(await store.head(key), null);
      assert.deepEqual(await listKeys(store, `${prefix}/`), []);
    });

    test("a put from a stream that errors after several parts leaves nothing (S3: aborted multipart)", async () => {
      const prefix = fresh();
      const key = `${prefix}/broken-big.whl`;
      const boom = new Error("client went away late");
      await assert.rejects(store.put(key, failingAfter(18 * MiB, boom), { size: 30 * MiB }), (error) => error === boom);
      assert.equal(await store.head(key), null);
      assert.deepEqual(await listKeys(store, `${prefix}/`), []);
    });

    test("a failed put keeps the previous blob at the key", async () => {
      const key = `${fresh()}/kept`;
      await store.put(key, streamOf(Buffer.from("old")));
      await assert.rejects(store.put(key, failingAfter(100_000, new Error("nope"))), /nope/);
      assert.equal((await readAll(await store.get(key))).toString(), "old");
    });

    test("a put from a destroyed stream rejects and leaves nothing", async () => {
      const prefix = fresh();
      const key = `${prefix}/destroyed`;
      const body = new PassThrough();
      const putting = store.put(key, body);
      body.write(randomBytes(100_000));
      await sleep(20);
      body.destroy();
      await assert.rejects(putting);
      assert.equal(await store.head(key), null);
      assert.deepEqual(await listKeys(store, `${prefix}/`), []);
    });

    test("a body that fails at once rejects the put, and the error is not left unhandled", async () => {
      const prefix = fresh();
      const body = new PassThrough();
      const putting = store.put(`${prefix}/early`, body);
      // Before the store has read anything: the upload path's client hanging up mid-form.
      body.destroy(new Error("client went away"));
      await assert.rejects(putting);
      assert.deepEqual(await listKeys(store, `${prefix}/`), []);
    });

    test("a body shorter or longer than the declared size is rejected and leaves nothing", async () => {
      const prefix = fresh();
      await assert.rejects(store.put(`${prefix}/short`, streamOf(Buffer.alloc(10)), { size: 11 }), (error: unknown) => {
        assert.ok(error instanceof BlobSizeMismatch);
        assert.equal(error.message, `blob ${prefix}/short: declared 11 bytes, the body had 10`);
        return true;
      });
      await assert.rejects(store.put(`${prefix}/long`, streamOf(Buffer.alloc(12)), { size: 11 }), BlobSizeMismatch);
      assert.deepEqual(await listKeys(store, `${prefix}/`), []);
    });

    test("an unfinished put is invisible to head, get and list", async () => {
      const prefix = fresh();
      const key = `${prefix}/pending`;
      const body = new PassThrough();
      const putting = store.put(key, body);
      body.write(randomBytes(9 * MiB)); // more than one S3 part
      await sleep(100);
      assert.equal(await store.head(key), null);
      await assert.rejects(store.get(key), BlobNotFound);
      for (const listed of await listKeys(store, "")) assert.ok(!listed.startsWith(prefix), `listed ${listed}`);
      body.end(Buffer.from("tail"));
      assert.equal((await putting).size, 9 * MiB + 4);
      assert.deepEqual(await listKeys(store, `${prefix}/`), [key]);
    });

    test("put overwrites an existing blob", async () => {
      const key = `${fresh()}/over`;
      await store.put(key, streamOf(Buffer.from("first version, longer")));
      await store.put(key, streamOf(Buffer.from("second")));
      assert.equal((await readAll(await store.get(key))).toString(), "second");
      assert.equal((await store.head(key))?.size, 6);
    });

    test("concurrent puts to one key end with exactly one complete blob", async () => {
      const key = `${fresh()}/race`;
      const bodies = [0, 1, 2, 3].map((i) => randomBytes(2 * MiB + i * 4099));
      await Promise.all(bodies.map((body) => store.put(key, streamOf(body, 16 * 1024))));
      const stored = await readAll(await store.get(key));
      assert.ok(
        bodies.some((body) => body.equals(stored)),
        `stored ${stored.length} bytes that match none of the bodies`,
      );
      assert.equal((await store.head(key))?.size, stored.length);
      assert.deepEqual(await listKeys(store, key), [key]);
    });

    test("move renames a blob and overwrites the destination", async () => {
      const prefix = fresh();
      const from = `${prefix}/tmp/upload-1`;
      const to = `${prefix}/files/ab/pkg-1.0+local-py3-none-any.whl`;
      await store.put(from, streamOf(Buffer.from("payload")));
      await store.put(to, streamOf(Buffer.from("older destination")));
      await store.move(from, to);
      assert.equal(await store.head(from), null);
      assert.equal((await readAll(await store.get(to))).toString(), "payload");
      assert.deepEqual(await listKeys(store, `${prefix}/`), [to]);
    });

    test("move of a missing blob throws BlobNotFound; move onto itself is a no-op", async () => {
      const prefix = fresh();
      await assert.rejects(store.move(`${prefix}/nope`, `${prefix}/dest`), (error: unknown) => {
        assert.ok(error instanceof BlobNotFound);
        assert.equal(error.message, `blob not found: ${prefix}/nope`);
        return true;
      });
      assert.equal(await store.head(`${prefix}/dest`), null);
      await store.put(`${prefix}/self`, streamOf(Buffer.from("me")));
      await store.move(`${prefix}/self`, `${prefix}/self`);
      assert.equal((await readAll(await store.get(`${prefix}/self`))).toString(), "me");
    });

    test("delete removes a blob and is idempotent", async () => {
      const key = `${fresh()}/doomed`;
      await store.put(key, streamOf(Buffer.from("bye")));
      await store.delete(key);
      assert.equal(await store.head(key), null);
      await store.delete(key);
      await store.delete(`${fresh()}/never/existed`);
    });

    test("list yields every key under a prefix, and nothing else", async () => {
      const prefix = fresh();
      const keys = [`${prefix}/a/x`, `${prefix}/a/y/z`, `${prefix}/a-b`, `${prefix}/ab/w`, `${prefix}/b/q`];
      for (const [i, key] of keys.entries()) await store.put(key, streamOf(Buffer.alloc(i + 1, 1)));
      const startedAt = Date.now();

      const underA = await listAll(store, `${prefix}/a/`);
      underA.sort((a, b) => (a.key < b.key ? -1 : 1));
      assert.deepEqual(
        underA.map((b) => b.key),
        [`${prefix}/a/x`, `${prefix}/a/y/z`],
      );
      assert.deepEqual(
        underA.map((b) => b.size),
        [1, 2],
      );
      for (const blob of underA) {
        assert.ok(blob.lastModified instanceof Date);
        assert.ok(Math.abs(blob.lastModified.getTime() - startedAt) < 60_000);
      }
      // A plain string prefix, as in S3: "a" also matches "a-b" and "ab/…".
      assert.deepEqual(await sortedKeys(store, `${prefix}/a`), [`${prefix}/a-b`, `${prefix}/a/x`, `${prefix}/a/y/z`, `${prefix}/ab/w`]);
      assert.deepEqual(await sortedKeys(store, `${prefix}/`), [...keys].sort());
      assert.deepEqual(await listKeys(store, `${prefix}/c`), []);
      assert.deepEqual(await listKeys(store, `${fresh()}/`), []);
      const everything = await listKeys(store, "");
      for (const key of keys) assert.ok(everything.includes(key));
    });

    test("list shows no temp files or probes while puts are in flight", async () => {
      const prefix = fresh();
      const body = new PassThrough();
      const putting = store.put(`${prefix}/slow`, body);
      body.write(Buffer.alloc(1000));
      await sleep(50);
      for (const key of await listKeys(store, "")) assert.ok(!key.startsWith("."), `listed internal key ${key}`);
      body.end();
      await putting;
    });

    const invalidKeys: [string, string][] = [
      ["../x", 'invalid blob key "../x": has a ".." path segment'],
      ["a/../../b", 'invalid blob key "a/../../b": has a ".." path segment'],
      ["./a", 'invalid blob key "./a": has a "." path segment'],
      ["/abs", 'invalid blob key "/abs": must be relative, not start with /'],
      ["a//b", 'invalid blob key "a//b": has an empty path segment'],
      ["a/", 'invalid blob key "a/": has an empty path segment'],
      ["a\\b", 'invalid blob key "a\\\\b": contains a backslash'],
      ["a\u0000b", 'invalid blob key "a\\u0000b": contains a NUL byte'],
      ["a\nb", 'invalid blob key "a\\nb": contains a control character'],
      ["", 'invalid blob key "": must not be empty'],
      [".wheelhouse-tmp/x", 'invalid blob key ".wheelhouse-tmp/x": is under the reserved ".wheelhouse" prefix'],
      ["x".repeat(256), `invalid blob key "${"x".repeat(256)}": has a path segment longer than 255 bytes`],
    ];
    for (const [key, message] of invalidKeys) {
      test(`invalid key ${JSON.stringify(key.length > 20 ? `${key.slice(0, 20)}…` : key)} is rejected by every method`, async () => {
        const isInvalid = (error: unknown) => {
          assert.ok(error instanceof InvalidBlobKey);
          assert.equal(error.message, message);
          return true;
        };
        await assert.rejects(store.head(key), isInvalid);
        await assert.rejects(store.get(key), isInvalid);
        await assert.rejects(store.put(key, streamOf(Buffer.from("x"))), isInvalid);
        await assert.rejects(store.move(key, "ok/key"), isInvalid);
        await assert.rejects(store.move("ok/key", key), isInvalid);
        await assert.rejects(store.delete(key), isInvalid);
        await assert.rejects(store.presign(key, 60), isInvalid);
      });
    }

    test("list rejects a prefix that climbs out", async () => {
      for (const prefix of ["../", "a/../", "/abs", "a//", "a\\b"]) {
        await assert.rejects(listKeys(store, prefix), InvalidBlobKey, prefix);
      }
    });

    test("presign: a URL that a plain fetch can GET (s3), or null (fs)", async () => {
      const key = `${fresh()}/files/pkg-1.0+local-py3-none-any.whl`;
      const data = randomBytes(100_000);
      await store.put(key, streamOf(data));
      const url = await store.presign(key, 60);
      if (store.kind === "fs") {
        assert.equal(url, null);
        return;
      }
      assert.ok(url, `${store.kind} must presign`);
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.ok(Buffer.from(await response.arrayBuffer()).equals(data));
    });

    test("memory stays flat while putting and getting a large stream", async () => {
      const key = `${fresh()}/large.bin`;
      const size = 160 * MiB;
      let peak = 0;
      const sample = setInterval(() => {
        const { arrayBuffers } = process.memoryUsage();
        peak = Math.max(peak, arrayBuffers);
      }, 5);
      try {
        const { stream, digest } = randomStream(size);
        await store.put(key, stream);
        assert.equal(await sha256Of(await store.get(key)), digest());
      } finally {
        clearInterval(sample);
      }
      assert.ok(peak < 96 * MiB, `peak array buffer memory ${Math.round(peak / MiB)} MiB for a ${size / MiB} MiB blob`);
      await store.delete(key);
    });
  });
}
