// The mirror's pull-through core against local upstreams: a static PyPI-shaped server that can
// misbehave on demand, and a real second Wheelhouse. No registry in front: the functions the
// routes and the worker call, with a real database and filesystem storage.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "@wheelhouse/db/testing";
import type { Index } from "@wheelhouse/db";
import { FsBlobStore } from "@wheelhouse/storage";
import { canonicalizeName } from "@wheelhouse/packaging";
import {
  cacheMirrorFile,
  ensureMirrorMetadata,
  ensureMirrorProject,
  openMirrorFile,
  UpstreamHashMismatch,
  UpstreamUnavailable,
  Mirror,
} from "@wheelhouse/mirror";
import { pino } from "pino";
import { buildSdist, buildWheel, metadataText, sdistFilename, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";
import { startRegistry } from "../support/registry.ts";
import { startStaticUpstream, type StaticFile, type StaticUpstream } from "../support/static-upstream.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";

let database: TestDatabase;
let store: FsBlobStore;
let upstream: StaticUpstream;
let deps: Mirror;
const logs: { level: number; msg: string; [key: string]: unknown }[] = [];

before(async () => {
  database = await createTestDatabase();
  store = new FsBlobStore(await makeTempDir("wh-mirror-store-"), { fsync: false });
  await store.ensureReady();
  upstream = await startStaticUpstream();
  const log = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  // Short timeouts so the hang and stall faults are quick.
  deps = new Mirror({ db: database.db, store, log, upstreamTimeouts: { connectMs: 2_000, headersMs: 400, idleMs: 400 } });
});
after(async () => {
  await deps?.close();
  await upstream?.stop();
  await database?.drop();
  await removeTempDirs();
});

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

async function mirrorIndex(overrides: Partial<Pick<Index, "upstreamUrl" | "upstreamUsername" | "upstreamPassword" | "pageTtlSeconds">> = {}): Promise<Index> {
  return database.db.index.create({
    data: { name: uniqueName("mirror"), kind: "mirror", upstreamUrl: upstream.simpleUrl, pageTtlSeconds: 600, ...overrides },
  });
}

/** A project upstream with one wheel and one sdist; returns its normalized name and files. */
function upstreamProject(files?: (name: string) => StaticFile[]): { name: ReturnType<typeof canonicalizeName>; files: StaticFile[]; spec: WheelSpec } {
  const display = `${uniqueName("Demo")}_Pkg`;
  const spec: WheelSpec = { name: display, version: "1.0", requiresPython: ">=3.8" };
  const made = files?.(display) ?? [
    {
      filename: wheelFilename(spec),
      bytes: buildWheel(spec).body,
      requiresPython: ">=3.8",
      metadata: metadataText(spec),
      uploadTime: new Date("2024-05-01T10:00:00Z"),
    },
    { filename: sdistFilename(spec), bytes: buildSdist(spec).body, requiresPython: ">=3.8" },
  ];
  upstream.setProject(display, made);
  return { name: canonicalizeName(display), files: made, spec };
}

/** A file of arbitrary (incompressible) bytes: several chunks on the wire. */
function bigFile(name: string, version: string, size = 3 * 1024 * 1024): StaticFile {
  return { filename: `${name.replace(/[-_.]+/g, "_").toLowerCase()}-${version}.tar.gz`, bytes: randomBytes(size) };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads until the stream ends or fails; never throws. */
async function drain(stream: Readable): Promise<{ bytes: number; error: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return { bytes, error: null };
  } catch (error) {
    return { bytes, error };
  }
}

async function blobKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of store.list(prefix)) keys.push(blob.key);
  return keys;
}

async function fileRow(index: Index, filename: string) {
  return database.db.file.findUniqueOrThrow({ where: { indexId_filename: { indexId: index.id, filename } } });
}

async function expire(index: Index, name: string, seconds: number) {
  await database.db.mirrorPage.update({
    where: { indexId_name: { indexId: index.id, name } },
    data: { fetchedAt: new Date(Date.now() - seconds * 1000) },
  });
}

describe("project pages", () => {
  test("fetched once, served from the database within the TTL, revalidated with a 304 after it", async () => {
    const index = await mirrorIndex();
    const { name, files, spec } = upstreamProject();
    const path = `/simple/${name}/`;

    const first = await ensureMirrorProject(deps, index, name);
    assert.ok(first);
    assert.equal(upstream.requests(path), 1);
    const project = await database.db.project.findUniqueOrThrow({
      where: { id: first.projectId },
      include: { releases: true, files: { orderBy: { filename: "asc" } } },
    });
    assert.equal(project.name, name);
    assert.deepEqual(
      project.releases.map((r) => [r.version, r.canonicalVersion, r.requiresPython]),
      [["1.0", "1", ">=3.8"]],
    );
    const wheel = project.files.find((f) => f.filename === wheelFilename(spec))!;
    assert.equal(wheel.storageKey, null);
    assert.equal(wheel.upstreamUrl, `${upstream.url}/files/${wheelFilename(spec)}`);
    assert.equal(wheel.sha256, sha256(files[0]!.bytes));
    assert.equal(wheel.size, BigInt(files[0]!.bytes.length));
    assert.equal(wheel.packageType, "bdist_wheel");
    assert.equal(wheel.pythonVersion, "py3");
    assert.equal(wheel.requiresPython, ">=3.8");
    assert.equal(wheel.metadataSha256, sha256(metadataText(spec)));
    assert.equal(wheel.coreMetadata, null);
    assert.equal(wheel.uploadedAt.toISOString(), "2024-05-01T10:00:00.000Z");
    assert.equal(wheel.md5, null);
    const sdist = project.files.find((f) => f.filename === sdistFilename(spec))!;
    assert.equal(sdist.packageType, "sdist");
    assert.equal(sdist.pythonVersion, "source");
    assert.ok(project.lastSerial > 0, "the first copy is a change");
    const event = await database.db.auditEvent.findUniqueOrThrow({ where: { id: project.lastSerial } });
    assert.deepEqual([event.action, event.actorId, event.indexName, event.projectName], ["mirror.refresh", null, index.name, name]);

    // Within the TTL: the database answers, upstream is not asked.
    assert.deepEqual(await ensureMirrorProject(deps, index, name), first);
    assert.equal(upstream.requests(path), 1);

    // After it: revalidated with the ETag; a 304 only moves fetchedAt.
    await expire(index, name, 601);
    assert.deepEqual(await ensureMirrorProject(deps, index, name), first);
    assert.deepEqual(upstream.statuses(path), [200, 304]);
    const page = await database.db.mirrorPage.findUniqueOrThrow({ where: { indexId_name: { indexId: index.id, name } } });
    assert.ok(Date.now() - page.fetchedAt.getTime() < 10_000);
    assert.equal((await database.db.project.findUniqueOrThrow({ where: { id: first.projectId } })).lastSerial, project.lastSerial);

    // `force` skips the TTL.
    await ensureMirrorProject(deps, index, name, { force: true });
    assert.deepEqual(upstream.statuses(path), [200, 304, 304]);
  });

  test("upstream changes: new files added, yanks and metadata updated, gone files dropped unless cached, serial bumped", async () => {
    const index = await mirrorIndex();
    const { name, files, spec } = upstreamProject();
    const { projectId } = (await ensureMirrorProject(deps, index, name))!;
    const serialBefore = (await database.db.project.findUniqueOrThrow({ where: { id: projectId } })).lastSerial;

    // Unchanged page, fetched again: no new serial.
    await ensureMirrorProject(deps, index, name, { force: true });
    assert.equal((await database.db.project.findUniqueOrThrow({ where: { id: projectId } })).lastSerial, serialBefore);

    // The wheel gets cached; then upstream drops both files, yanks nothing else, adds 2.0.
    await cacheMirrorFile(deps, index, (await fileRow(index, wheelFilename(spec))).id);
    const v2: WheelSpec = { ...spec, version: "2.0" };
    const v2Wheel: StaticFile = { filename: wheelFilename(v2), bytes: buildWheel(v2).body, yanked: "broken build", requiresPython: "<4,>=3.9" };
    upstream.setProject(spec.name, [v2Wheel]);
    await ensureMirrorProject(deps, index, name, { force: true });

    const project = await database.db.project.findUniqueOrThrow({
      where: { id: projectId },
      include: { files: true, releases: { orderBy: { canonicalVersion: "asc" } } },
    });
    assert.deepEqual(
      project.files.map((f) => f.filename).sort(),
      [wheelFilename(spec), wheelFilename(v2)].sort(),
      "the cached wheel stays, the never-fetched sdist goes",
    );
    const added = project.files.find((f) => f.filename === wheelFilename(v2))!;
    assert.deepEqual([added.yanked, added.yankedReason, added.requiresPython], [true, "broken build", "<4,>=3.9"]);
    const release2 = project.releases.find((r) => r.version === "2.0")!;
    assert.deepEqual([release2.yanked, release2.yankedReason], [true, "broken build"]);
    assert.ok(project.lastSerial > serialBefore);
    const event = await database.db.auditEvent.findUniqueOrThrow({ where: { id: project.lastSerial } });
    assert.equal(event.action, "mirror.refresh");
    assert.deepEqual(event.details, { added: 1, updated: 1, removed: 1, upstreamSerial: 1 });

    // Un-yanked upstream: the row follows.
    upstream.setProject(spec.name, [{ ...v2Wheel, yanked: undefined }]);
    await ensureMirrorProject(deps, index, name, { force: true });
    const unyanked = await fileRow(index, wheelFilename(v2));
    assert.deepEqual([unyanked.yanked, unyanked.yankedReason], [false, null]);
    void files;
  });

  test("an HTML-only upstream with relative links and files without a length", async () => {
    const htmlUpstream = await startStaticUpstream({ formats: "html", links: "relative", chunkedFiles: true });
    try {
      const index = await mirrorIndex({ upstreamUrl: `${htmlUpstream.url}/simple` });
      const spec: WheelSpec = { name: uniqueName("html-only"), version: "0.1", requiresPython: ">=3.8,<4" };
      const bytes = buildWheel(spec).body;
      htmlUpstream.setProject(spec.name, [{ filename: wheelFilename(spec), bytes, requiresPython: ">=3.8,<4", yanked: "" }]);
      const result = await ensureMirrorProject(deps, index, canonicalizeName(spec.name));
      assert.ok(result);
      const row = await fileRow(index, wheelFilename(spec));
      assert.equal(row.upstreamUrl, `${htmlUpstream.url}/files/${wheelFilename(spec)}`);
      assert.deepEqual([row.requiresPython, row.yanked, row.yankedReason, row.sha256, row.size], [">=3.8,<4", true, null, sha256(bytes), null]);
      // No size anywhere: fetched whole first, so the caller still gets one.
      const { stream, size } = await openMirrorFile(deps, index, row.id);
      assert.equal(size, bytes.length);
      assert.equal(sha256(await readAll(stream)), sha256(bytes));
      assert.equal((await fileRow(index, wheelFilename(spec))).size, BigInt(bytes.length));
    } finally {
      await htmlUpstream.stop();
    }
  });

  test("upstream 404 is remembered for a minute", async () => {
    const index = await mirrorIndex();
    const name = canonicalizeName(uniqueName("absent"));
    const path = `/simple/${name}/`;
    assert.equal(await ensureMirrorProject(deps, index, name), null);
    assert.equal(await ensureMirrorProject(deps, index, name), null);
    assert.equal(upstream.requests(path), 1);
    const page = await database.db.mirrorPage.findUniqueOrThrow({ where: { indexId_name: { indexId: index.id, name } } });
    assert.equal(page.upstreamStatus, 404);
    await expire(index, name, 61);
    assert.equal(await ensureMirrorProject(deps, index, name), null);
    assert.equal(upstream.requests(path), 2);
  });

  test("upstream 500 or a time-out with a copy: the stale copy, and a warning", async () => {
    const index = await mirrorIndex();
    const { name } = upstreamProject();
    const path = `/simple/${name}/`;
    const copy = await ensureMirrorProject(deps, index, name);
    assert.ok(copy);

    for (const fault of [{ status: 500 }, "hang"] as const) {
      upstream.setFault(path, fault);
      const warningsBefore = logs.filter((l) => l.level === 40).length;
      await expire(index, name, 601);
      assert.deepEqual(await ensureMirrorProject(deps, index, name), copy);
      const warning = logs
        .filter((l) => l.level === 40)
        .slice(warningsBefore)
        .find((l) => l.msg.includes("stale"));
      assert.ok(warning, `a warning for ${JSON.stringify(fault)}`);
      assert.equal(warning.reason, fault === "hang" ? "timed out after 0.4 s" : "HTTP 500");
    }
    upstream.setFault(path, null);
  });

  test("upstream 500 or a time-out without a copy: UpstreamUnavailable with the exact message", async () => {
    const index = await mirrorIndex();
    const name = canonicalizeName(uniqueName("never-seen"));
    const path = `/simple/${name}/`;
    upstream.setFault(path, { status: 500 });
    await assert.rejects(ensureMirrorProject(deps, index, name), (err: unknown) => {
      assert.ok(err instanceof UpstreamUnavailable);
      assert.equal(err.message, `Upstream ${upstream.url}/simple/${name}/ is unavailable: HTTP 500.`);
      return true;
    });
    upstream.setFault(path, "hang");
    await assert.rejects(ensureMirrorProject(deps, index, name), {
      name: "UpstreamUnavailable",
      message: `Upstream ${upstream.url}/simple/${name}/ is unavailable: timed out after 0.4 s.`,
    });
    upstream.setFault(path, null);

    const closed = await mirrorIndex({ upstreamUrl: "http://127.0.0.1:9/simple/" });
    await assert.rejects(ensureMirrorProject(deps, closed, name), {
      name: "UpstreamUnavailable",
      message: `Upstream http://127.0.0.1:9/simple/${name}/ is unavailable: connection refused.`,
    });
  });

  test("concurrent calls share one upstream request", async () => {
    const index = await mirrorIndex();
    const { name } = upstreamProject();
    const results = await Promise.all(Array.from({ length: 20 }, () => ensureMirrorProject(deps, index, name)));
    assert.equal(new Set(results.map((r) => r?.projectId)).size, 1);
    assert.equal(upstream.requests(`/simple/${name}/`), 1);
  });

  test("upstream credentials are sent as Basic and never appear in messages or logs", async () => {
    const secret = `pw-${randomBytes(6).toString("hex")}`;
    const locked = await startStaticUpstream({ credentials: { username: "mirror-bot", password: secret }, redirectFiles: true });
    try {
      const spec: WheelSpec = { name: uniqueName("private"), version: "1.0" };
      const bytes = buildWheel(spec).body;
      locked.setProject(spec.name, [{ filename: wheelFilename(spec), bytes }]);
      const name = canonicalizeName(spec.name);

      const anonymous = await mirrorIndex({ upstreamUrl: locked.simpleUrl });
      await assert.rejects(ensureMirrorProject(deps, anonymous, name), { message: `Upstream ${locked.url}/simple/${name}/ is unavailable: HTTP 401.` });

      const index = await mirrorIndex({ upstreamUrl: locked.simpleUrl, upstreamUsername: "mirror-bot", upstreamPassword: secret });
      assert.ok(await ensureMirrorProject(deps, index, name));
      assert.deepEqual(locked.authorizations(`/simple/${name}/`).slice(-1), [basicAuth("mirror-bot", secret)]);
      // Followed to the "CDN" (a redirect), and verified.
      const row = await fileRow(index, wheelFilename(spec));
      const { stream } = await openMirrorFile(deps, index, row.id);
      assert.equal(sha256(await readAll(stream)), sha256(bytes));
      assert.equal(locked.requests(`/cdn/${wheelFilename(spec)}`), 1);

      // Credentials in the URL's userinfo work too, and are not shown.
      const inUrl = await mirrorIndex({ upstreamUrl: `http://mirror-bot:${secret}@${new URL(locked.url).host}/simple/` });
      assert.ok(await ensureMirrorProject(deps, inUrl, name));
      locked.setFault(`/simple/${name}/`, { status: 503 });
      assert.ok(await ensureMirrorProject(deps, inUrl, name, { force: true }), "the stale copy");
      const fresh = await mirrorIndex({ upstreamUrl: inUrl.upstreamUrl });
      await assert.rejects(ensureMirrorProject(deps, fresh, name), { message: `Upstream ${locked.url}/simple/${name}/ is unavailable: HTTP 503.` });
      assert.ok(!JSON.stringify(logs).includes(secret), "the password is never logged");
    } finally {
      await locked.stop();
    }
  });
});

describe("files", () => {
  test("fetched on the first open, then served from storage; bytes, digests and ranges right", async () => {
    const index = await mirrorIndex();
    const { name, files, spec } = upstreamProject();
    await ensureMirrorProject(deps, index, name);
    const row = await fileRow(index, wheelFilename(spec));
    const bytes = files[0]!.bytes;
    const path = `/files/${wheelFilename(spec)}`;

    const first = await openMirrorFile(deps, index, row.id);
    assert.equal(first.size, bytes.length);
    assert.ok((await readAll(first.stream)).equals(bytes));
    assert.equal(upstream.requests(path), 1);

    const cached = await fileRow(index, wheelFilename(spec));
    assert.ok(cached.storageKey?.startsWith(`files/${cached.sha256.slice(0, 2)}/${cached.sha256.slice(2, 4)}/${cached.sha256}/`));
    assert.ok(cached.storageKey!.endsWith(`/${wheelFilename(spec)}`));
    assert.equal(cached.md5, createHash("md5").update(bytes).digest("hex"));
    assert.match(cached.blake2b256 ?? "", /^[0-9a-f]{64}$/);
    assert.equal(cached.sha256, sha256(bytes));

    const second = await openMirrorFile(deps, index, row.id);
    assert.equal(sha256(await readAll(second.stream)), sha256(bytes));
    const range = await openMirrorFile(deps, index, row.id, { start: 10, end: 19 });
    assert.equal(range.size, bytes.length);
    assert.ok((await readAll(range.stream)).equals(bytes.subarray(10, 20)));
    assert.equal(upstream.requests(path), 1);
    assert.equal(await cacheMirrorFile(deps, index, row.id), "already-cached");
    assert.deepEqual(await blobKeys("incoming/"), []);
  });

  test("50 concurrent opens of an uncached file: one upstream fetch, 50 identical correct copies", async () => {
    const index = await mirrorIndex();
    const { name, files } = upstreamProject((display) => [bigFile(display, "1.0")]);
    await ensureMirrorProject(deps, index, name);
    const file = files[0]!;
    const row = await fileRow(index, file.filename);

    // Each caller reads its stream as soon as it has it, as a route does.
    const copies = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const { stream, size } = await openMirrorFile(deps, index, row.id);
        return { size, bytes: await readAll(stream) };
      }),
    );
    assert.equal(upstream.requests(`/files/${file.filename}`), 1);
    for (const [i, copy] of copies.entries()) {
      assert.equal(copy.size, file.bytes.length);
      assert.ok(copy.bytes.equals(file.bytes), `copy ${i}`);
    }
    assert.equal((await blobKeys(`files/${sha256(file.bytes).slice(0, 2)}/`)).filter((k) => k.includes(sha256(file.bytes))).length, 1);
  });

  test("a range of an uncached file: fetched whole first, then the range served", async () => {
    const index = await mirrorIndex();
    const { name, files } = upstreamProject((display) => [bigFile(display, "1.0", 200_000)]);
    await ensureMirrorProject(deps, index, name);
    const file = files[0]!;
    const row = await fileRow(index, file.filename);
    const { stream, size } = await openMirrorFile(deps, index, row.id, { start: 199_990, end: 199_999 });
    assert.equal(size, 200_000);
    assert.ok((await readAll(stream)).equals(file.bytes.subarray(199_990)));
    assert.ok((await fileRow(index, file.filename)).storageKey);
    assert.equal(upstream.requests(`/files/${file.filename}`), 1);
  });

  for (const fault of ["close-mid-file", "stall-mid-file"] as const) {
    test(`upstream ${fault === "close-mid-file" ? "closes" : "goes silent"} mid-file: the stream errors, nothing is kept, the next attempt works`, async () => {
      const index = await mirrorIndex();
      const { name, files } = upstreamProject((display) => [bigFile(display, "1.0")]);
      await ensureMirrorProject(deps, index, name);
      const file = files[0]!;
      const path = `/files/${file.filename}`;
      const row = await fileRow(index, file.filename);
      upstream.setFault(path, fault);

      const { stream, size } = await openMirrorFile(deps, index, row.id);
      // A second caller meanwhile waits for the same fetch and gets the same failure.
      const joiner = openMirrorFile(deps, index, row.id);
      const result = await drain(stream);
      assert.ok(result.error instanceof UpstreamUnavailable, String(result.error));
      const reason = fault === "close-mid-file" ? "connection reset" : "timed out after 0.4 s";
      assert.equal(result.error.message, `Upstream ${upstream.url}${path} is unavailable: ${reason}.`);
      assert.ok(result.bytes < size);
      await assert.rejects(joiner, UpstreamUnavailable);
      assert.equal(upstream.requests(path), 1);

      assert.equal((await fileRow(index, file.filename)).storageKey, null);
      assert.deepEqual(await blobKeys("incoming/"), []);
      assert.deepEqual(
        (await blobKeys("files/")).filter((k) => k.endsWith(`/${file.filename}`)),
        [],
      );

      upstream.setFault(path, null);
      const retry = await openMirrorFile(deps, index, row.id);
      assert.ok((await readAll(retry.stream)).equals(file.bytes));
      assert.ok((await fileRow(index, file.filename)).storageKey);
    });
  }

  test("bytes that do not match the published sha256: UpstreamHashMismatch, never the full file, nothing kept", async () => {
    const index = await mirrorIndex();
    const { name, files } = upstreamProject((display) => [bigFile(display, "1.0")]);
    await ensureMirrorProject(deps, index, name);
    const file = files[0]!;
    const path = `/files/${file.filename}`;
    const row = await fileRow(index, file.filename);
    upstream.setFault(path, "wrong-bytes");

    const { stream, size } = await openMirrorFile(deps, index, row.id);
    const result = await drain(stream);
    assert.ok(result.error instanceof UpstreamHashMismatch);
    assert.equal(result.error.message, `The file ${file.filename} from upstream does not match its published sha256; it was not kept.`);
    assert.ok(result.bytes < size, `received ${result.bytes} of ${size}`);
    assert.equal((await fileRow(index, file.filename)).storageKey, null);
    assert.deepEqual(await blobKeys("incoming/"), []);
    assert.deepEqual(
      (await blobKeys("files/")).filter((k) => k.endsWith(`/${file.filename}`)),
      [],
    );

    // The same for a sync job and for a small file (one chunk: the client gets nothing at all).
    await assert.rejects(cacheMirrorFile(deps, index, row.id), UpstreamHashMismatch);
    const small = upstreamProject();
    await ensureMirrorProject(deps, index, small.name);
    const smallRow = await fileRow(index, small.files[1]!.filename);
    upstream.setFault(`/files/${smallRow.filename}`, "wrong-bytes");
    const smallOpen = await openMirrorFile(deps, index, smallRow.id);
    const smallResult = await drain(smallOpen.stream);
    assert.ok(smallResult.error instanceof UpstreamHashMismatch);
    assert.equal(smallResult.bytes, 0);
    upstream.setFault(`/files/${smallRow.filename}`, null);
    upstream.setFault(path, null);
  });

  test("upstream 500 for a file: UpstreamUnavailable before any byte", async () => {
    const index = await mirrorIndex();
    const { name, files } = upstreamProject();
    await ensureMirrorProject(deps, index, name);
    const path = `/files/${files[0]!.filename}`;
    upstream.setFault(path, { status: 500 });
    const row = await fileRow(index, files[0]!.filename);
    await assert.rejects(openMirrorFile(deps, index, row.id), {
      name: "UpstreamUnavailable",
      message: `Upstream ${upstream.url}${path} is unavailable: HTTP 500.`,
    });
    upstream.setFault(path, null);
  });

  test("cacheMirrorFile stores without serving and shares a running fetch", async () => {
    const index = await mirrorIndex();
    const { name, files } = upstreamProject((display) => [bigFile(display, "1.0", 1024 * 1024)]);
    await ensureMirrorProject(deps, index, name);
    const row = await fileRow(index, files[0]!.filename);
    const [a, b, copy] = await Promise.all([
      cacheMirrorFile(deps, index, row.id),
      cacheMirrorFile(deps, index, row.id),
      openMirrorFile(deps, index, row.id).then(({ stream }) => readAll(stream)),
    ]);
    assert.deepEqual([a, b], ["cached", "cached"]);
    assert.ok(copy.equals(files[0]!.bytes));
    assert.equal(upstream.requests(`/files/${files[0]!.filename}`), 1);
    assert.equal(await cacheMirrorFile(deps, index, row.id), "already-cached");
  });
});

describe("core metadata", () => {
  test("passed through from upstream's .metadata, verified, fetched once", async () => {
    const index = await mirrorIndex();
    const { name, spec } = upstreamProject();
    await ensureMirrorProject(deps, index, name);
    const row = await fileRow(index, wheelFilename(spec));
    const [a, b] = await Promise.all([ensureMirrorMetadata(deps, index, row.id), ensureMirrorMetadata(deps, index, row.id)]);
    assert.equal(a, metadataText(spec));
    assert.equal(b, metadataText(spec));
    assert.equal(await ensureMirrorMetadata(deps, index, row.id), metadataText(spec));
    assert.equal(upstream.requests(`/files/${wheelFilename(spec)}.metadata`), 1);
    const stored = await fileRow(index, wheelFilename(spec));
    assert.equal(stored.coreMetadata, metadataText(spec));
    assert.equal(stored.metadataSha256, sha256(metadataText(spec)));
    assert.equal(stored.storageKey, null, "the wheel itself was not needed");
  });

  test("a .metadata that does not match its digest is refused", async () => {
    const index = await mirrorIndex();
    const display = `${uniqueName("Meta")}`;
    const spec: WheelSpec = { name: display, version: "1.0" };
    upstream.setProject(display, [
      { filename: wheelFilename(spec), bytes: buildWheel(spec).body, metadata: metadataText(spec), metadataSha256: "0".repeat(64) },
    ]);
    await ensureMirrorProject(deps, index, canonicalizeName(display));
    const row = await fileRow(index, wheelFilename(spec));
    await assert.rejects(ensureMirrorMetadata(deps, index, row.id), {
      name: "UpstreamHashMismatch",
      message: `The file ${wheelFilename(spec)}.metadata from upstream does not match its published sha256; it was not kept.`,
    });
    assert.equal((await fileRow(index, wheelFilename(spec))).coreMetadata, null);
  });

  test("read from the upstream wheel by ranges when upstream offers none; none for sdists", async () => {
    const index = await mirrorIndex();
    const { name, spec } = upstreamProject((display) => {
      const s: WheelSpec = { name: display, version: "1.0", requiresDist: ["requests>=2"] };
      return [
        { filename: wheelFilename(s), bytes: buildWheel(s).body },
        { filename: sdistFilename(s), bytes: buildSdist(s).body },
      ];
    });
    const { projectId } = (await ensureMirrorProject(deps, index, name))!;
    const withDeps: WheelSpec = { ...spec, requiresPython: undefined, requiresDist: ["requests>=2"] };
    const wheel = await fileRow(index, wheelFilename(spec));
    const sdist = await fileRow(index, sdistFilename(spec));
    assert.equal(wheel.metadataSha256, null);

    const serialBefore = (await database.db.project.findUniqueOrThrow({ where: { id: projectId } })).lastSerial;
    // Not cached: METADATA read by range requests into the upstream wheel, as uv does.
    assert.equal(await ensureMirrorMetadata(deps, index, wheel.id), metadataText(withDeps));
    assert.equal(upstream.requests(`/files/${wheelFilename(spec)}.metadata`), 0);
    const stored = await fileRow(index, wheelFilename(spec));
    assert.equal(stored.storageKey, null, "read by ranges, not fetched whole");
    assert.equal(stored.metadataSha256, sha256(metadataText(withDeps)));
    const project = await database.db.project.findUniqueOrThrow({ where: { id: projectId } });
    assert.ok(project.lastSerial > serialBefore, "the page now offers .metadata: a new serial");
    assert.equal((await database.db.auditEvent.findUniqueOrThrow({ where: { id: project.lastSerial } })).action, "mirror.metadata");

    // A later refresh of a page that offers no metadata keeps what was extracted.
    await ensureMirrorProject(deps, index, name, { force: true });
    assert.equal((await fileRow(index, wheelFilename(spec))).metadataSha256, sha256(metadataText(withDeps)));

    await cacheMirrorFile(deps, index, sdist.id);
    assert.equal(await ensureMirrorMetadata(deps, index, sdist.id), null);
  });
});

describe("a real Wheelhouse as upstream", () => {
  test("mirrors /main/simple/ and fetches a file and its metadata", async () => {
    const registry = await startRegistry();
    try {
      const { token } = await registry.createUser("uploader", { scope: "upload" });
      const spec: WheelSpec = { name: uniqueName("Upstream.Pkg"), version: "2.1", requiresPython: ">=3.9" };
      const wheel = buildWheel(spec).body;
      await uploadWheel(`${registry.url}/main/`, token, spec, wheel);

      const index = await mirrorIndex({ upstreamUrl: `${registry.url}/main/simple` });
      const name = canonicalizeName(spec.name);
      const result = await ensureMirrorProject(deps, index, name);
      assert.ok(result);
      const row = await fileRow(index, wheelFilename(spec));
      assert.equal(row.upstreamUrl, `${registry.url}/main/files/${wheelFilename(spec)}`);
      assert.equal(row.sha256, sha256(wheel));
      assert.equal(row.size, BigInt(wheel.length));
      assert.equal(row.requiresPython, ">=3.9");
      assert.equal(row.metadataSha256, sha256(metadataText(spec)));

      const { stream } = await openMirrorFile(deps, index, row.id);
      assert.ok((await readAll(stream)).equals(wheel));
      assert.equal(await ensureMirrorMetadata(deps, index, row.id), metadataText(spec));

      // Revalidation against the real thing: its ETag gives a 304, nothing changes.
      const serial = (await database.db.project.findUniqueOrThrow({ where: { id: result.projectId } })).lastSerial;
      await ensureMirrorProject(deps, index, name, { force: true });
      assert.equal((await database.db.project.findUniqueOrThrow({ where: { id: result.projectId } })).lastSerial, serial);
      const page = await database.db.mirrorPage.findUniqueOrThrow({ where: { indexId_name: { indexId: index.id, name } } });
      assert.ok(page.etag);
      assert.ok(page.upstreamSerial && page.upstreamSerial > 0);
    } finally {
      await registry.stop();
    }
  });
});
