// Export and import against real PostgreSQL and filesystem storage: one database, several
// indexes (a bundle imported into another index is as good as another registry here; the e2e
// test crosses two whole registries).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readFile, writeFile } from "node:fs/promises";
import { pino } from "pino";
import tar from "tar-stream";
import { createTestDatabase, type TestDatabase } from "@wheelhouse/db/testing";
import { storageKeyFor } from "@wheelhouse/mirror";
import { FsBlobStore } from "@wheelhouse/storage";
import { buildWheel, metadataText, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { BundleError } from "./bundle-error.ts";
import type { BundleManifest } from "./bundle-manifest.ts";
import type { BundleDeps, CheckBundleFile } from "./bundle-deps.ts";
import { exportBundle } from "./export-bundle.ts";
import { importBundle } from "./import-bundle.ts";

let database: TestDatabase;
let root: string;
// The registry's own file checks (those of an upload) are injected by the registry and tested
// over HTTP in e2e/bundle/air-gap.test.ts; here every file the manifest lists is acceptable.
/** The registry's check reads METADATA from the file; the source index holds what its wheels say. */
const acceptEveryFile: CheckBundleFile = async (file) => {
  const original = await deps.db.file.findFirst({ where: { indexId: source.id, filename: file.filename }, include: { release: true } });
  return {
    coreMetadata: original?.coreMetadata ?? "",
    requiresPython: original?.requiresPython ?? null,
    release: { summary: original?.release.summary ?? null, info: (original?.release.info ?? {}) as Record<string, unknown> },
  };
};
let deps: BundleDeps;
let source: { id: number; name: string };

before(async () => {
  database = await createTestDatabase();
  root = await mkdtemp(join(tmpdir(), "wh-bundle-"));
  // The layout the admin command derives from DATA_DIR.
  const store = new FsBlobStore(join(root, "files"), { fsync: false });
  await store.ensureReady();
  deps = { db: database.db, store, log: pino({ level: "silent" }) };
  source = await database.db.index.create({ data: { name: "source" } });
  await seed(source.id, { name: "base", version: "1.0" });
  await seed(source.id, { name: "base", version: "1.2" });
  await seed(source.id, { name: "base", version: "2.0" });
  await seed(source.id, { name: "Lib", version: "2.0", requiresDist: ["base>=1,<2"] });
  await seed(source.id, { name: "app", version: "3.0", requiresDist: ["lib>=2", 'winonly; sys_platform == "win32"', 'socks-helper; extra == "socks"'] });
  await seed(source.id, { name: "app", version: "3.1", requiresDist: ["lib>=2"] });
  await seed(source.id, { name: "broken", version: "1.0", requiresDist: ["base>=5"] });
});

after(async () => {
  await database?.drop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A wheel stored and registered the way an upload leaves it. */
async function seed(indexId: number, spec: WheelSpec): Promise<void> {
  const bytes = buildWheel(spec).body;
  const filename = wheelFilename(spec);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const key = storageKeyFor(sha256, randomUUID(), filename);
  await deps.store.put(key, Readable.from([bytes]), { size: bytes.length });
  const name = spec.name.toLowerCase();
  const project = await deps.db.project.upsert({ where: { indexId_name: { indexId, name } }, create: { indexId, name, displayName: spec.name }, update: {} });
  const release = await deps.db.release.upsert({
    where: { projectId_canonicalVersion: { projectId: project.id, canonicalVersion: spec.version } },
    create: {
      projectId: project.id,
      version: spec.version,
      canonicalVersion: spec.version,
      info: { name: spec.name, requires_dist: spec.requiresDist ?? null },
    },
    update: {},
  });
  await deps.db.file.create({
    data: {
      releaseId: release.id,
      projectId: project.id,
      indexId,
      filename,
      packageType: "bdist_wheel",
      pythonVersion: "py3",
      size: BigInt(bytes.length),
      sha256,
      coreMetadata: metadataText(spec),
      storageKey: key,
    },
  });
}

async function exportToBuffer(opts: { projects?: string[]; requirementsText?: string }): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await exportBundle(deps, { index: "source", ...opts, out });
  return Buffer.concat(chunks);
}

/** Member names and bodies of a tar, in order. */
async function members(bundle: Buffer): Promise<{ name: string; body: Buffer }[]> {
  const extract = tar.extract();
  Readable.from([bundle]).pipe(extract);
  const out: { name: string; body: Buffer }[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.push({ name: entry.header.name, body: Buffer.concat(chunks) });
  }
  return out;
}

async function packTar(entries: { name: string; body: Buffer }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name }, e.body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function newIndex(kind: "hosted" | "mirror" | "group" = "hosted") {
  return deps.db.index.create({ data: { name: `target-${randomUUID().slice(0, 8)}`, kind } });
}

async function blobKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of deps.store.list("")) keys.push(blob.key);
  return keys.sort();
}

/** Imports `bundle` and expects a refusal: nothing visible in the index, no blob left behind. */
async function assertRefused(bundle: Buffer | Readable, indexName: string, code: string, message: RegExp): Promise<void> {
  const before = await blobKeys();
  await assert.rejects(
    importBundle(deps, { checkFile: acceptEveryFile, index: indexName, input: Buffer.isBuffer(bundle) ? Readable.from([bundle]) : bundle }),
    (err: unknown) => {
      assert.ok(err instanceof BundleError, String(err));
      assert.equal(err.code, code);
      assert.match(err.message, message);
      return true;
    },
  );
  const index = await deps.db.index.findUniqueOrThrow({ where: { name: indexName } });
  assert.equal(await deps.db.file.count({ where: { indexId: index.id } }), 0, "no file visible");
  assert.deepEqual(await blobKeys(), before, "no blob left behind");
}

test("a requirements text selects the pins and the newest matching version of each dependency", async () => {
  const bundle = await exportToBuffer({ requirementsText: "app==3.0\n" });
  const list = await members(bundle);
  assert.deepEqual(
    list.map((m) => m.name),
    ["wheelhouse-bundle.json", "files/app-3.0-py3-none-any.whl", "files/base-1.2-py3-none-any.whl", "files/Lib-2.0-py3-none-any.whl"],
  );
  const manifest = JSON.parse(list[0]!.body.toString("utf8")) as BundleManifest;
  assert.equal(manifest.format, "wheelhouse-bundle");
  assert.equal(manifest.version, 1);
  assert.deepEqual(manifest.source, { index: "source" });
  assert.deepEqual(
    manifest.projects.map((p) => [p.name, p.displayName, p.releases.map((r) => r.version)]),
    [
      ["app", "app", ["3.0"]],
      ["base", "base", ["1.2"]],
      ["lib", "Lib", ["2.0"]],
    ],
  );
  const file = manifest.projects[0]!.releases[0]!.files[0]!;
  assert.equal(file.sha256, createHash("sha256").update(list[1]!.body).digest("hex"));
  assert.equal(file.size, list[1]!.body.length);
  assert.match(file.coreMetadata ?? "", /Requires-Dist: lib>=2/);
});

test("a top-level requirement decides its name's version, even against a dependency's range", async () => {
  const list = await members(await exportToBuffer({ requirementsText: "lib==2.0\nbase>=2" }));
  assert.deepEqual(list.map((m) => m.name).slice(1), ["files/base-2.0-py3-none-any.whl", "files/Lib-2.0-py3-none-any.whl"]);
});

test("projects with specifiers select every matching version and no dependencies", async () => {
  const list = await members(await exportToBuffer({ projects: ["base>=1.1", "app"] }));
  assert.deepEqual(list.map((m) => m.name).slice(1), [
    "files/app-3.0-py3-none-any.whl",
    "files/app-3.1-py3-none-any.whl",
    "files/base-1.2-py3-none-any.whl",
    "files/base-2.0-py3-none-any.whl",
  ]);
});

test("an unsatisfiable selection is refused before anything is written", async () => {
  await assert.rejects(exportToBuffer({ projects: ["nope"] }), { name: "BundleError", message: "Index 'source' has no project 'nope'." });
  await assert.rejects(exportToBuffer({ projects: ["base>=9"] }), { message: "No release of 'base' in index 'source' matches 'base>=9'." });
  await assert.rejects(exportToBuffer({ requirementsText: "broken" }), {
    message: "No release of 'base' in index 'source' satisfies 'base>=5' (required by broken 1.0).",
  });
  await assert.rejects(exportToBuffer({ requirementsText: "# nothing\n" }), { message: "The requirements text names no requirement." });
});

test("a sync selection is refused unless the index is a mirror with a valid one, and alone", async () => {
  const refused = (opts: Parameters<typeof exportBundle>[1], code: string, message: string | RegExp) =>
    assert.rejects(exportBundle(deps, opts), (err: unknown) => {
      assert.ok(err instanceof BundleError, String(err));
      assert.equal(err.code, code);
      if (typeof message === "string") assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    });
  const out = new PassThrough();
  await refused(
    { index: "source", syncSelection: true, out },
    "wrong-index-kind",
    "Index 'source' is a hosted index; a sync selection can only be exported from a mirror index.",
  );
  const mirror = await newIndex("mirror");
  await refused(
    { index: mirror.name, syncSelection: true, out },
    "bad-selection",
    `Mirror index '${mirror.name}' has no sync selection; set one (syncSelection) or give projects or a requirements text.`,
  );
  await refused(
    { index: mirror.name, syncSelection: { allow: ["app"], pythons: ["three"] }, out },
    "bad-selection",
    /^Invalid sync selection: syncSelection\.pythons\[0\]: must look like "3\.12"\.$/,
  );
  await deps.db.index.update({ where: { id: mirror.id }, data: { syncSelection: { allow: ["app"], colour: "blue" } } });
  await refused(
    { index: mirror.name, syncSelection: true, out },
    "bad-selection",
    new RegExp(`^The sync selection of index '${mirror.name}' is invalid: syncSelection\\.colour: unknown field`),
  );
  await refused(
    { index: mirror.name, syncSelection: true, projects: ["app"], out },
    "bad-selection",
    "Give exactly one of projects, a requirements text or a sync selection to bundle.",
  );
  await refused({ index: mirror.name, out }, "bad-selection", "Give exactly one of projects, a requirements text or a sync selection to bundle.");
  assert.equal(out.writableLength + out.readableLength, 0, "nothing written");
});

test("import makes every file visible with its metadata; a second import is a no-op", async () => {
  const bundle = await exportToBuffer({ requirementsText: "app==3.0" });
  const target = await newIndex();
  assert.deepEqual(await importBundle(deps, { checkFile: acceptEveryFile, index: target.name, input: Readable.from([bundle]) }), { created: 3, unchanged: 0 });

  const files = (await deps.db.file.findMany({ where: { indexId: target.id }, include: { release: true, project: true } })).sort((a, b) =>
    a.project.name < b.project.name ? -1 : 1,
  );
  assert.deepEqual(
    files.map((f) => [f.project.name, f.project.displayName, f.release.version, f.filename]),
    [
      ["app", "app", "3.0", "app-3.0-py3-none-any.whl"],
      ["base", "base", "1.2", "base-1.2-py3-none-any.whl"],
      ["lib", "Lib", "2.0", "Lib-2.0-py3-none-any.whl"],
    ],
  );
  for (const file of files) {
    const original = await deps.db.file.findFirstOrThrow({ where: { indexId: source.id, filename: file.filename } });
    assert.equal(file.sha256, original.sha256);
    assert.equal(file.coreMetadata, original.coreMetadata);
    assert.ok(file.md5 && file.blake2b256, "digests computed on import");
    assert.notEqual(file.storageKey, original.storageKey, "each row has a key of its own");
    const chunks: Buffer[] = [];
    for await (const c of await deps.store.get(file.storageKey!)) chunks.push(c as Buffer);
    assert.equal(createHash("sha256").update(Buffer.concat(chunks)).digest("hex"), file.sha256);
  }
  const events = await deps.db.auditEvent.findMany({ where: { indexName: target.name, action: "bundle.import" } });
  assert.deepEqual(events.map((e) => e.projectName).sort(), ["app", "base", "lib"]);
  const app = await deps.db.project.findFirstOrThrow({ where: { indexId: target.id, name: "app" } });
  assert.equal(app.lastSerial, events.find((e) => e.projectName === "app")!.id);

  const keys = await blobKeys();
  assert.deepEqual(await importBundle(deps, { checkFile: acceptEveryFile, index: target.name, input: Readable.from([bundle]) }), { created: 0, unchanged: 3 });
  assert.equal(await deps.db.file.count({ where: { indexId: target.id } }), 3);
  assert.equal(await deps.db.auditEvent.count({ where: { indexName: target.name } }), 3);
  assert.deepEqual(await blobKeys(), keys, "no blob written by the no-op");
});

test("a bundle with some files already present imports the rest", async () => {
  const target = await newIndex();
  await importBundle(deps, { checkFile: acceptEveryFile, index: target.name, input: Readable.from([await exportToBuffer({ projects: ["base==1.2"] })]) });
  assert.deepEqual(
    await importBundle(deps, {
      checkFile: acceptEveryFile,
      index: target.name,
      input: Readable.from([await exportToBuffer({ requirementsText: "app==3.0" })]),
    }),
    {
      created: 2,
      unchanged: 1,
    },
  );
});

test("a tampered file member is refused and nothing becomes visible", async () => {
  const bundle = await exportToBuffer({ requirementsText: "app==3.0" });
  const list = await members(bundle);
  list[2]!.body[100]! ^= 0xff;
  const target = await newIndex();
  await assertRefused(
    await packTar(list),
    target.name,
    "invalid-bundle",
    new RegExp(
      /^Invalid bundle: files\/base-1\.2-py3-none-any\.whl does not match the manifest: /.source +
        /its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64} \(the bundle was altered or damaged\)\.$/.source,
    ),
  );
});

test("a truncated bundle is refused wherever it is cut", async () => {
  const bundle = await exportToBuffer({ requirementsText: "app==3.0" });
  const target = await newIndex();
  // Inside the manifest, inside a file, and exactly after a complete member (a file missing).
  const list = await members(bundle);
  const afterSecond = (await packTar(list.slice(0, 2))).length - 1024;
  for (const cut of [700, bundle.length - 1500, afterSecond]) {
    await assertRefused(bundle.subarray(0, cut), target.name, "invalid-bundle", /truncated/);
  }
});

test("an input stream that fails is refused as a damaged bundle", async () => {
  const bundle = await exportToBuffer({ requirementsText: "app==3.0" });
  const target = await newIndex();
  const input = new PassThrough();
  input.write(bundle.subarray(0, bundle.length - 2000));
  // assertRefused awaits before importBundle takes the stream; the error must wait on it till then.
  input.on("error", () => {});
  setTimeout(() => input.destroy(new Error("connection reset")), 0);
  await assertRefused(input, target.name, "invalid-bundle", /truncated or is not a tar file \(connection reset\)/);
});

test("members the manifest does not list, duplicates, and a missing manifest are refused", async () => {
  const list = await members(await exportToBuffer({ requirementsText: "app==3.0" }));
  const target = await newIndex();
  await assertRefused(
    await packTar([...list, { name: "files/evil.whl", body: Buffer.from("x") }]),
    target.name,
    "invalid-bundle",
    /member 'files\/evil\.whl' is not a file the manifest lists/,
  );
  await assertRefused(
    await packTar([...list, { name: "README", body: Buffer.from("x") }]),
    target.name,
    "invalid-bundle",
    /member 'README' is not a file the manifest lists/,
  );
  await assertRefused(await packTar([...list, list[1]!]), target.name, "invalid-bundle", /member 'files\/app-3\.0-py3-none-any\.whl' appears twice/);
  await assertRefused(
    await packTar([...list.slice(1), list[0]!]),
    target.name,
    "invalid-bundle",
    /the first member must be wheelhouse-bundle\.json, found 'files\/app-3\.0/,
  );
  await assertRefused(
    await packTar([{ name: "wheelhouse-bundle.json", body: Buffer.from('{"format":"zip"}') }]),
    target.name,
    "invalid-bundle",
    /wheelhouse-bundle\.json: format: must be "wheelhouse-bundle"; version: /,
  );
  await assertRefused(Buffer.from("this is not a tar file at all".repeat(40)), target.name, "invalid-bundle", /not a tar file/);
  await assertRefused(Buffer.alloc(0), target.name, "invalid-bundle", /the archive is empty/);
});

test("a filename the index has with other bytes, or deleted, refuses the whole bundle", async () => {
  const bundle = await exportToBuffer({ requirementsText: "app==3.0" });
  const clash = await newIndex();
  await seed(clash.id, { name: "base", version: "1.2", summary: "other bytes" });
  const before = await deps.db.file.count({ where: { indexId: clash.id } });
  await assert.rejects(importBundle(deps, { checkFile: acceptEveryFile, index: clash.name, input: Readable.from([bundle]) }), {
    name: "BundleError",
    message: new RegExp(
      `^File already exists \\('base-1\\.2-py3-none-any\\.whl' in index '${clash.name}', with sha256 '[0-9a-f]{64}'\\) ` +
        `with other contents than the bundle's; nothing was imported\\.$`,
    ),
  });
  assert.equal(await deps.db.file.count({ where: { indexId: clash.id } }), before);

  const deleted = await newIndex();
  await deps.db.deletedFilename.create({ data: { indexId: deleted.id, filename: "Lib-2.0-py3-none-any.whl", sha256: "0".repeat(64) } });
  await assertRefused(
    bundle,
    deleted.name,
    "conflict",
    /^The filename 'Lib-2\.0-py3-none-any\.whl' was used before in index '.*' and deleted; a filename is never reused\. Nothing was imported\.$/,
  );
});

test("group indexes and unknown indexes are refused", async () => {
  const group = await newIndex("group");
  await assert.rejects(importBundle(deps, { checkFile: acceptEveryFile, index: group.name, input: Readable.from([Buffer.alloc(0)]) }), {
    message: `Index '${group.name}' is a group index; bundles are exported from and imported into hosted or mirror indexes.`,
  });
  await assert.rejects(importBundle(deps, { checkFile: acceptEveryFile, index: "nope", input: Readable.from([Buffer.alloc(0)]) }), {
    message: "No index named 'nope'.",
  });
});

test("a mirror index takes a bundle too, and fills rows it knew without bytes", async () => {
  const bundle = await exportToBuffer({ requirementsText: "app==3.0" });
  const mirror = await newIndex("mirror");
  // The mirror saw base 1.2 upstream but never fetched it.
  const original = await deps.db.file.findFirstOrThrow({ where: { indexId: source.id, filename: "base-1.2-py3-none-any.whl" }, include: { release: true } });
  const project = await deps.db.project.create({ data: { indexId: mirror.id, name: "base", displayName: "base" } });
  const release = await deps.db.release.create({ data: { projectId: project.id, version: "1.2", canonicalVersion: "1.2", info: {} } });
  await deps.db.file.create({
    data: {
      releaseId: release.id,
      projectId: project.id,
      indexId: mirror.id,
      filename: original.filename,
      packageType: "bdist_wheel",
      pythonVersion: "py3",
      size: original.size,
      sha256: original.sha256,
      upstreamUrl: "https://files.example/base.whl",
    },
  });
  assert.deepEqual(await importBundle(deps, { checkFile: acceptEveryFile, index: mirror.name, input: Readable.from([bundle]) }), { created: 3, unchanged: 0 });
  const filled = await deps.db.file.findFirstOrThrow({ where: { indexId: mirror.id, filename: original.filename } });
  assert.ok(filled.storageKey && (await deps.store.head(filled.storageKey)));
  assert.equal(filled.upstreamUrl, "https://files.example/base.whl");
});

const ADMIN_COMMAND = fileURLToPath(new URL("../../../apps/registry/src/admin-command.ts", import.meta.url));

/** `npm run admin -- …` against this file's database and storage. */
function admin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ADMIN_COMMAND, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url, DATA_DIR: root },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test("the admin command exports and imports bundles", { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "wh-bundle-cli-"));
  try {
    const out = join(dir, "app.tar");
    const requirements = join(dir, "requirements.txt");
    await writeFile(requirements, "app==3.0\n");
    const exported = await admin(["export-bundle", "--index", "source", "--requirements", requirements, "--out", out]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(JSON.parse(exported.stdout).files, 3);
    assert.deepEqual((await members(await readFile(out))).length, 4);

    const byProject = await admin(["export-bundle", "--index", "source", "--project", "base==1.0", "--project", "lib", "--out", join(dir, "two.tar")]);
    assert.equal(byProject.code, 0, byProject.stderr);
    assert.equal(JSON.parse(byProject.stdout).files, 2);

    const refused = await admin(["export-bundle", "--index", "source", "--project", "nope", "--out", join(dir, "nope.tar")]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error: Index 'source' has no project 'nope'\./);
    assert.ok(!existsSync(join(dir, "nope.tar")) && !existsSync(join(dir, "nope.tar.partial")), "no file left by a refused export");

    const target = await newIndex();
    const imported = await admin(["import-bundle", "--index", target.name, out]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(JSON.parse(imported.stdout), { created: 3, unchanged: 0 });
    const again = await admin(["import-bundle", "--index", target.name, out]);
    assert.deepEqual(JSON.parse(again.stdout), { created: 0, unchanged: 3 });

    const usage = await admin(["export-bundle", "--index", "source", "--out", out]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /export-bundle needs one of --project SPEC \(repeatable\), --requirements FILE or --sync-selection/);
    const both = await admin(["export-bundle", "--index", "source", "--project", "app", "--sync-selection", "--out", out]);
    assert.equal(both.code, 2);
    const hosted = await admin(["export-bundle", "--index", "source", "--sync-selection", "--out", join(dir, "sync.tar")]);
    assert.equal(hosted.code, 1);
    assert.match(hosted.stderr, /error: Index 'source' is a hosted index; a sync selection can only be exported from a mirror index\./);
    assert.ok(!existsSync(join(dir, "sync.tar")) && !existsSync(join(dir, "sync.tar.partial")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an export stops, and destroys its output, when a stored blob no longer matches its row", async () => {
  await seed(source.id, { name: "rotten", version: "1.0" });
  const file = await deps.db.file.findFirstOrThrow({ where: { indexId: source.id, filename: "rotten-1.0-py3-none-any.whl" } });
  await deps.store.put(file.storageKey!, Readable.from([Buffer.alloc(Number(file.size), 0x41)]));
  const out = new PassThrough();
  out.resume();
  const closed = new Promise((resolve) => out.on("close", resolve));
  out.on("error", () => {});
  await assert.rejects(
    exportBundle(deps, { index: "source", projects: ["rotten"], out }),
    /stored blob of rotten-1\.0-py3-none-any\.whl has sha256 [0-9a-f]{64}, expected [0-9a-f]{64}/,
  );
  await closed;
  assert.ok(out.destroyed);
});
