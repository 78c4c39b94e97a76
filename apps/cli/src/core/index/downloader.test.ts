import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { DistFile } from "../types.ts";
import { cachedFilePath } from "../cache/cache-layout.ts";
import { Downloader, type DownloadProgress } from "./downloader.ts";
import { HashMismatch } from "../hashes/hash-mismatch.ts";
import { HttpError } from "../net/errors.ts";
import { HttpClient } from "../net/http-client.ts";
import { toDistFile } from "./index-client.ts";
import { sha256, tempCacheDir, TestServer } from "../../../test/index-fixtures.ts";

const BODY = Buffer.alloc(300_000, 7);
const BODY_SHA = sha256(BODY);
const BODY_MD5 = createHash("md5").update(BODY).digest("hex");
const BODY_SHA512 = createHash("sha512").update(BODY).digest("hex");

function dist(url: string, filename: string, hashes: Record<string, string> = {}): DistFile {
  return toDistFile({ filename, url, hashes }, "test")!;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

describe("Downloader", () => {
  let server: TestServer;
  const http = new HttpClient({ retries: 0 });
  before(async () => {
    server = await new TestServer().start();
    for (const n of ["a", "b", "c", "d", "e", "f", "g"]) server.serve(`/files/${n}/demo-1.0.tar.gz`, { body: BODY });
  });
  after(async () => {
    await http.close();
    await server.stop();
  });

  it("downloads into the content-addressed cache, then serves it with no request", async () => {
    const cache = await tempCacheDir();
    const file = dist(server.url("/files/a/demo-1.0.tar.gz"), "demo-1.0.tar.gz", { sha256: BODY_SHA });
    const progress: DownloadProgress[] = [];
    const first = new Downloader({ http, cacheDir: cache.dir, onProgress: (p) => progress.push(p) });
    const path = await first.fetch(file);
    assert.equal(path, cachedFilePath(cache.dir, BODY_SHA, "demo-1.0.tar.gz"));
    assert.equal(path, join(cache.dir, "files", BODY_SHA.slice(0, 2), BODY_SHA, "demo-1.0.tar.gz"));
    assert.deepEqual(await readFile(path), BODY);
    assert.equal(progress.at(-1)?.done, BODY.length);
    assert.equal(progress.at(-1)?.total, BODY.length);
    assert.equal(progress[0]?.done, 0);
    assert.deepEqual(await listFiles(join(cache.dir, "tmp")), []);
    // A second run: no request at all.
    const before = server.requests.length;
    const warm = new Downloader({ http, cacheDir: cache.dir, onProgress: (p) => progress.push(p) });
    assert.equal(await warm.fetch(file), path);
    assert.equal(server.requests.length, before);
    assert.equal(progress.at(-1)?.cached, true);
    await cache.remove();
  });

  it("refuses content that does not match the index hash, and caches nothing", async () => {
    const cache = await tempCacheDir();
    const wrong = "0".repeat(64);
    const file = dist(server.url("/files/b/demo-1.0.tar.gz"), "demo-1.0.tar.gz", { sha256: wrong });
    const downloader = new Downloader({ http, cacheDir: cache.dir });
    await assert.rejects(downloader.fetch(file), (err: unknown) => {
      assert.ok(err instanceof HashMismatch);
      assert.equal(
        err.message,
        [
          "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. " +
            "Otherwise, examine the package contents carefully; someone may have tampered with them.",
          `    demo==1.0 from ${file.url}:`,
          `        Expected sha256 ${wrong}`,
          `             Got        ${BODY_SHA}`,
        ].join("\n"),
      );
      return true;
    });
    assert.deepEqual(await listFiles(cache.dir), []);
    await cache.remove();
  });

  it("checks the user's --hash set (any one match), naming every expected digest on mismatch", async () => {
    const cache = await tempCacheDir();
    const file = dist(server.url("/files/c/demo-1.0.tar.gz"), "demo-1.0.tar.gz", { md5: BODY_MD5 });
    const downloader = new Downloader({ http, cacheDir: cache.dir });
    const bad = ["1".repeat(64), "2".repeat(64)];
    await assert.rejects(downloader.fetch(file, { expectedHashes: { sha256: bad }, requirement: "demo==1.0" }), (err: unknown) => {
      assert.ok(err instanceof HashMismatch);
      assert.equal(err.items[0]?.source, "requirements");
      assert.match(err.message, new RegExp(`Expected sha256 ${bad[0]}\\n        Expected     or ${bad[1]}\\n             Got        ${BODY_SHA}`));
      return true;
    });
    assert.deepEqual(await listFiles(cache.dir), []);
    // A sha512 among the accepted digests is enough.
    const path = await downloader.fetch(file, { expectedHashes: { sha256: bad, sha512: [BODY_SHA512.toUpperCase()] } });
    assert.deepEqual(await readFile(path), BODY);
    await cache.remove();
  });

  it("checks a cached file against the user's hashes without downloading it again", async () => {
    const cache = await tempCacheDir();
    const file = dist(server.url("/files/d/demo-1.0.tar.gz"), "demo-1.0.tar.gz", { sha256: BODY_SHA });
    await new Downloader({ http, cacheDir: cache.dir }).fetch(file);
    const before = server.requests.length;
    const warm = new Downloader({ http, cacheDir: cache.dir });
    await assert.rejects(warm.fetch(file, { expectedHashes: { sha256: ["3".repeat(64)] } }), HashMismatch);
    assert.ok(await warm.fetch(file, { expectedHashes: { md5: [BODY_MD5] } }));
    assert.equal(server.requests.length, before);
    await cache.remove();
  });

  it("downloads a file once when many ask for it at the same time", async () => {
    const cache = await tempCacheDir();
    const file = dist(server.url("/files/e/demo-1.0.tar.gz"), "demo-1.0.tar.gz", { sha256: BODY_SHA });
    const downloader = new Downloader({ http, cacheDir: cache.dir });
    const paths = await Promise.all(Array.from({ length: 5 }, () => downloader.fetch(file)));
    assert.equal(new Set(paths).size, 1);
    assert.equal(server.requestsFor("/files/e/demo-1.0.tar.gz").length, 1);
    await cache.remove();
  });

  it("remembers what a hashless URL hashed to, so a second run makes no request", async () => {
    const cache = await tempCacheDir();
    const file = dist(server.url("/files/f/demo-1.0.tar.gz"), "demo-1.0.tar.gz");
    const path = await new Downloader({ http, cacheDir: cache.dir }).fetch(file);
    assert.equal(path, cachedFilePath(cache.dir, BODY_SHA, "demo-1.0.tar.gz"));
    await new Downloader({ http, cacheDir: cache.dir }).fetch(file);
    assert.equal(server.requestsFor("/files/f/demo-1.0.tar.gz").length, 1);
    await cache.remove();
  });

  it("downloads to a temporary directory without a cache, removed by close()", async () => {
    const downloader = new Downloader({ http, cacheDir: null });
    const file = dist(server.url("/files/g/demo-1.0.tar.gz"), "demo-1.0.tar.gz", { sha256: BODY_SHA });
    const path = await downloader.fetch(file);
    assert.deepEqual(await readFile(path), BODY);
    await downloader.close();
    await assert.rejects(stat(path));
  });

  it("returns local files in place, verified when hashes are expected", async () => {
    const tmp = await tempCacheDir();
    const path = join(tmp.dir, "demo-1.0.tar.gz");
    await writeFile(path, BODY);
    const downloader = new Downloader({ http, cacheDir: tmp.dir });
    const file = dist(pathToFileURL(path).toString(), "demo-1.0.tar.gz");
    assert.equal(await downloader.fetch(file), path);
    assert.equal(await downloader.fetch(file, { expectedHashes: { sha256: [BODY_SHA] } }), path);
    await assert.rejects(downloader.fetch(file, { expectedHashes: { sha256: ["4".repeat(64)] } }), HashMismatch);
    await assert.rejects(downloader.fetch(dist(pathToFileURL(join(tmp.dir, "gone-1.0.tar.gz")).toString(), "gone-1.0.tar.gz")), HttpError);
    await tmp.remove();
  });

  it("reports a missing file as an HttpError", async () => {
    const downloader = new Downloader({ http, cacheDir: null });
    await assert.rejects(
      downloader.fetch(dist(server.url("/files/none/demo-1.0.tar.gz"), "demo-1.0.tar.gz")),
      (err: unknown) => err instanceof HttpError && err.status === 404,
    );
    await downloader.close();
  });
});
