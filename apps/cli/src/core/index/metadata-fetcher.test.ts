import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { canonicalizeName, parseVersion, ZIP_TAIL_BYTES } from "@wheelhouse/packaging";
import type { Candidate, DistFile } from "../types.ts";
import { Downloader } from "./downloader.ts";
import { HashMismatch } from "../hashes/hash-mismatch.ts";
import { InvalidWheel } from "./invalid-wheel.ts";
import { HttpClient } from "../net/http-client.ts";
import { toDistFile } from "./index-client.ts";
import { isStaticSdistMetadata, MetadataFetcher } from "./metadata-fetcher.ts";
import { buildWheel, metadataText, sha256, tempCacheDir, TestServer } from "../../../test/index-fixtures.ts";
import { readWheelMetadata, withLocalFile } from "./wheel-metadata.ts";

const wheel = buildWheel({ name: "demo", version: "1.0", requires: ["idna>=2"] });
// A wheel whose central directory alone is larger than the first tail read (3000 members).
const big = buildWheel({
  name: "big",
  version: "2.0",
  requires: ["six"],
  payload: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`big/subpackage/module_number_${i}_with_a_long_name.py`, randomBytes(64)])),
});

function dist(url: string, filename: string, extra: Partial<DistFile> = {}): DistFile {
  return { ...toDistFile({ filename, url }, "test")!, ...extra };
}

function candidate(file: DistFile): Candidate {
  return { name: canonicalizeName(file.filename.split("-")[0]!), version: parseVersion("1.0"), files: [file], yanked: false };
}

describe("MetadataFetcher", () => {
  let server: TestServer;
  const http = new HttpClient({ retries: 0 });
  const pep658 = metadataText({ name: "demo", version: "1.0", requires: ["from-pep658"] });

  before(async () => {
    server = await new TestServer().start();
    server.serve(`/files/${wheel.filename}`, { body: wheel.body, ranges: true });
    server.serve(`/files/${wheel.filename}.metadata`, { body: Buffer.from(pep658) });
    server.serve(`/norange/${wheel.filename}`, { body: wheel.body, ranges: false });
    server.serve(`/ranges/${big.filename}`, { body: big.body, ranges: true });
    server.serve(`/files/demo-1.0.tar.gz`, { body: Buffer.from("not really") });
    server.serve(`/files/demo-1.0.tar.gz.metadata`, { body: Buffer.from("Metadata-Version: 2.2\nName: demo\nVersion: 1.0\nRequires-Dist: static\n\n") });
    server.serve(`/files/demo-2.0.tar.gz.metadata`, { body: Buffer.from("Metadata-Version: 2.2\nName: demo\nVersion: 2.0\nDynamic: Requires-Dist\n\n") });
  });
  after(async () => {
    await http.close();
    await server.stop();
  });

  const fetcher = (cacheDir: string | null, tailBytes?: number): MetadataFetcher =>
    new MetadataFetcher({ http, cacheDir, downloader: new Downloader({ http, cacheDir }), ...(tailBytes ? { tailBytes } : {}) });

  it("reads PEP 658 metadata when offered, checking its sha256", async () => {
    const file = dist(server.url(`/files/${wheel.filename}`), wheel.filename, { coreMetadata: { sha256: sha256(pep658) } });
    const f = fetcher(null);
    assert.equal(await f.forCandidate(candidate(file)), pep658);
    assert.equal(f.sources.get(file.url), "pep658");
    assert.equal(server.requestsFor(`/files/${wheel.filename}`).length, 0);
    const tampered = dist(server.url(`/files/${wheel.filename}`), wheel.filename, { coreMetadata: { sha256: "f".repeat(64) } });
    await assert.rejects(fetcher(null).forFile(tampered), HashMismatch);
  });

  it("reads METADATA by range requests into the zip, never the whole wheel", async () => {
    const before = server.requestsFor(`/files/${wheel.filename}`).length;
    const file = dist(server.url(`/files/${wheel.filename}`), wheel.filename);
    const f = fetcher(null);
    assert.equal(await f.forFile(file, "demo"), wheel.metadata);
    assert.equal(f.sources.get(file.url), "range");
    const sent = server.requestsFor(`/files/${wheel.filename}`).slice(before);
    assert.deepEqual(
      sent.map((r) => r.headers.range),
      [`bytes=-${ZIP_TAIL_BYTES}`],
    );
    assert.equal(sent[0]?.headers["accept-encoding"], "identity");
  });

  it("follows the zip structure across several ranges when the central directory is large", async () => {
    const file = dist(server.url(`/ranges/${big.filename}`), big.filename);
    const f = fetcher(null);
    assert.equal(await f.forFile(file, "big"), big.metadata);
    const ranges = server.requestsFor(`/ranges/${big.filename}`).map((r) => r.headers.range);
    // The tail, the rest of the central directory, then METADATA's local header and data.
    assert.equal(ranges.length, 3, String(ranges));
    assert.equal(ranges[0], `bytes=-${ZIP_TAIL_BYTES}`);
    assert.ok(
      ranges.slice(1).every((r) => /^bytes=\d+-\d+$/.test(String(r))),
      String(ranges),
    );
  });

  it("downloads the wheel when the server ignores ranges, and the install then reuses it", async () => {
    const cache = await tempCacheDir();
    const file = dist(server.url(`/norange/${wheel.filename}`), wheel.filename, { hashes: { sha256: sha256(wheel.body) } });
    const downloader = new Downloader({ http, cacheDir: cache.dir });
    const f = new MetadataFetcher({ http, cacheDir: cache.dir, downloader });
    assert.equal(await f.forFile(file), wheel.metadata);
    assert.equal(f.sources.get(file.url), "download");
    const count = server.requestsFor(`/norange/${wheel.filename}`).length;
    await downloader.fetch(file);
    assert.equal(server.requestsFor(`/norange/${wheel.filename}`).length, count);
    await cache.remove();
  });

  it("caches metadata by the file's sha256: a second run asks nothing", async () => {
    const cache = await tempCacheDir();
    const file = dist(server.url(`/files/${wheel.filename}`), wheel.filename, { hashes: { sha256: sha256(wheel.body) } });
    assert.equal(await fetcher(cache.dir).forFile(file), wheel.metadata);
    const before = server.requests.length;
    const warm = fetcher(cache.dir);
    assert.equal(await warm.forFile(file), wheel.metadata);
    assert.equal(warm.sources.get(file.url), "cache");
    assert.equal(server.requests.length, before);
    await cache.remove();
  });

  it("answers null for an sdist, unless PEP 658 gives static (PEP 643) metadata", async () => {
    const f = fetcher(null);
    assert.equal(await f.forFile(dist(server.url("/files/demo-3.0.tar.gz"), "demo-3.0.tar.gz")), null);
    const staticMeta = await f.forFile(dist(server.url("/files/demo-1.0.tar.gz"), "demo-1.0.tar.gz", { coreMetadata: {} }));
    assert.match(String(staticMeta), /Requires-Dist: static/);
    assert.equal(await f.forFile(dist(server.url("/files/demo-2.0.tar.gz"), "demo-2.0.tar.gz", { coreMetadata: {} })), null);
  });

  it("reads a local wheel in place", async () => {
    const tmp = await tempCacheDir();
    const path = join(tmp.dir, wheel.filename);
    await writeFile(path, wheel.body);
    const f = fetcher(null);
    const file = dist(pathToFileURL(path).toString(), wheel.filename);
    assert.equal(await f.forFile(file), wheel.metadata);
    assert.equal(f.sources.get(file.url), "local-file");
    await writeFile(path, "not a zip at all, just some text that is long enough");
    await assert.rejects(
      withLocalFile(path, (s) => readWheelMetadata(s, wheel.filename)),
      (err: unknown) =>
        err instanceof InvalidWheel && err.message === `${wheel.filename} is not a valid wheel: no end of central directory record (not a zip file)`,
    );
    await tmp.remove();
  });
});

describe("isStaticSdistMetadata", () => {
  it("trusts 2.2+ metadata that does not mark dependencies dynamic", () => {
    assert.equal(isStaticSdistMetadata("Metadata-Version: 2.2\nName: x\n\n"), true);
    assert.equal(isStaticSdistMetadata("Metadata-Version: 2.1\nName: x\n\n"), false);
    assert.equal(isStaticSdistMetadata("Metadata-Version: 2.4\nDynamic: Requires-Dist\n\n"), false);
    assert.equal(isStaticSdistMetadata("Metadata-Version: 2.4\nDynamic: Version\n\n"), true);
    assert.equal(isStaticSdistMetadata("Metadata-Version: 2.6\nName: x\nRequires-Dist: a\n\n"), true);
    assert.equal(isStaticSdistMetadata("Metadata-Version: 2.10\nName: x\n\n"), true);
    // PEP 808: static values beside a Dynamic list field are only part of it.
    assert.equal(isStaticSdistMetadata("Metadata-Version: 2.6\nRequires-Dist: a\nDynamic: Requires-Dist\n\n"), false);
    // A newer major version is not read at all (core metadata spec).
    assert.equal(isStaticSdistMetadata("Metadata-Version: 3.0\nName: x\n\n"), false);
  });
});
