// Across an air gap: registry A exports a bundle of `app` and its dependencies through the admin
// API, registry B (its own database and storage, no upstream) imports it, and pip installs from B
// with --require-hashes. Tampered and truncated bundles are refused with nothing visible.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import type { BundleManifestInput } from "@wheelhouse/bundle";
import { buildSdist, buildWheel, buildZip, metadataText, sdistFilename, wheelFilename, wheelMembers, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, digestsOf } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";
import { moduleName } from "../support/projects.ts";
import { createVenv, pip, type Venv } from "../support/python.ts";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { describeRun, run } from "../support/run.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";

const TIMEOUT = { timeout: 240_000 };

let a: TestRegistry;
let b: TestRegistry;
let venv: Venv;
const base = uniqueName("base");
const lib = uniqueName("lib");
const app = uniqueName("app");
const other = uniqueName("other");
const specs: WheelSpec[] = [
  { name: base, version: "1.0" },
  { name: base, version: "1.5" },
  { name: base, version: "2.0" },
  { name: lib, version: "2.0", requiresDist: [`${base}>=1,<2`] },
  { name: app, version: "3.0", requiresDist: [`${lib}>=2`] },
  { name: other, version: "1.0" },
];
/** What the bundle for `app==3.0` must hold. */
const chain = [specs[4]!, specs[3]!, specs[1]!];
/** The bytes uploaded to A, built once. */
const wheels = new Map<WheelSpec, Buffer>(specs.map((spec) => [spec, buildWheel(spec).body]));

before(async () => {
  [a, b, venv] = await Promise.all([startRegistry(), startRegistry(), makeTempDir("wheelhouse-e2e-venv-").then(createVenv)]);
  const token = (await a.createUser(uniqueName("uploader"), { scope: "upload" })).token;
  for (const spec of specs) await uploadWheel(`${a.url}/`, token, spec, wheels.get(spec)!);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await removeTempDirs();
});

/** Base URL of a registry's bundle API. */
function bundleApi(registry: TestRegistry): string {
  return `${registry.url}/api/admin/bundles`;
}

function adminHeaders(registry: TestRegistry, contentType: string): Record<string, string> {
  return { authorization: basicAuth("__token__", registry.adminToken), "content-type": contentType };
}

async function importInto(registry: TestRegistry, index: string, body: Buffer | string): Promise<{ status: number; json: any }> {
  // A file is sent as a stream, as a large bundle would be.
  const streamed = typeof body === "string";
  const response = await fetch(`${bundleApi(registry)}/import?index=${index}`, {
    method: "POST",
    headers: adminHeaders(registry, "application/x-tar"),
    body: streamed ? (Readable.toWeb(createReadStream(body)) as ReadableStream) : new Uint8Array(body),
    ...(streamed ? { duplex: "half" } : {}),
  } as RequestInit);
  return { status: response.status, json: await response.json() };
}

async function blobKeys(registry: TestRegistry): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of registry.running.store.list("")) keys.push(blob.key);
  return keys.sort();
}

async function visibleFiles(registry: TestRegistry, index: string): Promise<number> {
  const row = await registry.running.db.index.findUniqueOrThrow({ where: { name: index } });
  return registry.running.db.file.count({ where: { indexId: row.id } });
}

let bundle: Buffer;
let bundleFile: string;

test("registry A exports app and its dependencies as one tar", TIMEOUT, async () => {
  const response = await fetch(`${bundleApi(a)}/export`, {
    method: "POST",
    headers: adminHeaders(a, "application/json"),
    body: JSON.stringify({ index: "main", requirements: `${app}==3.0\n` }),
  });
  assert.equal(response.status, 200, response.status === 200 ? "" : await response.text());
  assert.equal(response.headers.get("content-type"), "application/x-tar");
  bundle = Buffer.from(await response.arrayBuffer());
  bundleFile = join(await makeTempDir(), "bundle.tar");
  await writeFile(bundleFile, bundle);

  // The manifest is the first member (a ustar header, then the JSON).
  assert.equal(bundle.subarray(0, 22).toString("latin1"), "wheelhouse-bundle.json");
  for (const spec of chain) assert.ok(bundle.includes(wheels.get(spec)!), `${wheelFilename(spec)} is in the bundle`);
  for (const spec of [specs[0]!, specs[2]!, specs[5]!])
    assert.ok(!bundle.includes(Buffer.from(`files/${wheelFilename(spec)}`)), `${wheelFilename(spec)} is not`);
});

test("a bad export request gets a 4xx that names the problem", TIMEOUT, async () => {
  const api = bundleApi(a);
  const missing = await fetch(`${api}/export`, {
    method: "POST",
    headers: adminHeaders(a, "application/json"),
    body: JSON.stringify({ index: "main", projects: ["no-such-project"] }),
  });
  assert.equal(missing.status, 400);
  assert.match((await missing.json()).detail, /Index 'main' has no project 'no-such-project'\./);
  const anonymous = await fetch(`${api}/export`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(anonymous.status, 401);
});

test("registry B imports the bundle, and pip installs from B with --require-hashes", TIMEOUT, async () => {
  const imported = await importInto(b, "main", bundleFile);
  assert.equal(imported.status, 200, JSON.stringify(imported.json));
  assert.deepEqual(imported.json, { created: 3, unchanged: 0 });

  const requirements = join(await makeTempDir(), "requirements.txt");
  await writeFile(
    requirements,
    chain.map((spec) => `${spec.name}==${spec.version} --hash=sha256:${createHash("sha256").update(wheels.get(spec)!).digest("hex")}\n`).join(""),
  );
  const install = await pip(venv, "install", ["--require-hashes", "-r", requirements, "--index-url", `${b.url}/simple/`]);
  assert.equal(install.code, 0, describeRun("pip install --require-hashes from B", install));
  const check = await run(venv.python, ["-c", `import ${chain.map((s) => moduleName(s.name)).join(", ")}; print(${moduleName(base)}.VERSION)`], {
    env: isolatedPipEnv(),
  });
  assert.equal(check.code, 0, describeRun("python -c import", check));
  assert.equal(check.stdout.trim(), "1.5");

  // Only what the bundle carried: the unrelated project never crossed.
  assert.equal((await fetch(`${b.url}/simple/${other}/`)).status, 404);
  const audit = await b.admin<any[]>("GET", `/api/admin/audit?index=main&project=${app}`);
  assert.ok(
    audit.some((e) => e.action === "bundle.import"),
    JSON.stringify(audit),
  );
});

test("importing the same bundle again changes nothing", TIMEOUT, async () => {
  const keys = await blobKeys(b);
  const again = await importInto(b, "main", bundle);
  assert.equal(again.status, 200, JSON.stringify(again.json));
  assert.deepEqual(again.json, { created: 0, unchanged: 3 });
  assert.equal(await visibleFiles(b, "main"), 3);
  assert.deepEqual(await blobKeys(b), keys);
});

test("a bundle with one flipped byte in a file is refused, and nothing becomes visible", TIMEOUT, async () => {
  await b.createIndex("tampered");
  const tampered = Buffer.from(bundle);
  const at = tampered.indexOf(wheels.get(specs[3]!)!) + 200;
  tampered[at]! ^= 0x01;
  const keys = await blobKeys(b);
  const refused = await importInto(b, "tampered", tampered);
  assert.equal(refused.status, 400, JSON.stringify(refused.json));
  assert.match(
    refused.json.detail,
    new RegExp(`^Invalid bundle: files/${wheelFilename(specs[3]!).replace(/\./g, "\\.")} does not match the manifest: its sha256 is `),
  );
  assert.equal(await visibleFiles(b, "tampered"), 0);
  assert.deepEqual(await blobKeys(b), keys, "staged blobs removed");
  assert.equal((await fetch(`${b.url}/tampered/simple/${app}/`)).status, 404);
});

test("a truncated bundle is refused, and nothing becomes visible", TIMEOUT, async () => {
  await b.createIndex("truncated");
  const keys = await blobKeys(b);
  const refused = await importInto(b, "truncated", bundle.subarray(0, Math.floor(bundle.length * 0.6)));
  assert.equal(refused.status, 400, JSON.stringify(refused.json));
  assert.match(refused.json.detail, /^Invalid bundle: .*truncated/);
  assert.equal(await visibleFiles(b, "truncated"), 0);
  assert.deepEqual(await blobKeys(b), keys);
});

// ---------------------------------------------------------------- hostile bundles
// A bundle is one more door into an index: each of its files must pass what an upload of it
// would, whatever the manifest says.

/** The manifest of a bundle tar: its first member. */
function manifestOf(tarBytes: Buffer): BundleManifestInput {
  const size = parseInt(tarBytes.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim(), 8);
  return JSON.parse(tarBytes.subarray(512, 512 + size).toString("utf8")) as BundleManifestInput;
}

interface BundledFile {
  project: WheelSpec;
  filename: string;
  bytes: Buffer;
  /** What the manifest claims as the file's core metadata (default: the truth). */
  claimedMetadata?: string;
}

/** A bundle of `files`, each filed under its project and version, with a manifest that is true to the bytes. */
async function packBundle(files: BundledFile[]): Promise<Buffer> {
  const projects = new Map<string, NonNullable<BundleManifestInput["projects"]>[number]>();
  for (const { project, filename, bytes, claimedMetadata } of files) {
    const name = project.name.toLowerCase().replace(/[-_.]+/g, "-");
    const entry = projects.get(name) ?? { name, displayName: project.name, releases: [] };
    projects.set(name, entry);
    let release = entry.releases.find((r) => r.version === project.version);
    if (!release) {
      release = { version: project.version, yanked: false, requiresPython: null, summary: null, info: {}, files: [] };
      entry.releases.push(release);
    }
    release.files.push({
      filename,
      packageType: filename.endsWith(".whl") ? "bdist_wheel" : "sdist",
      pythonVersion: filename.endsWith(".whl") ? "py3" : "source",
      size: bytes.length,
      sha256: digestsOf(bytes).sha256,
      yanked: false,
      uploadTime: new Date().toISOString(),
      coreMetadata: claimedMetadata ?? metadataText(project),
    });
  }
  const manifest: BundleManifestInput = { ...manifestOf(bundle), projects: [...projects.values()] };
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  pack.entry({ name: "wheelhouse-bundle.json" }, JSON.stringify(manifest));
  for (const { filename, bytes } of files) pack.entry({ name: `files/${filename}` }, bytes);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function assertRefusedWhole(index: string, payload: Buffer, detail: string) {
  await b.createIndex(index);
  const keys = await blobKeys(b);
  const refused = await importInto(b, index, payload);
  assert.equal(refused.status, 400, JSON.stringify(refused.json));
  assert.equal(refused.json.detail, detail);
  assert.equal(await visibleFiles(b, index), 0, "nothing imported");
  assert.deepEqual(await blobKeys(b), keys, "staged blobs removed");
}

test("a bundle whose wheel has a ../../evil.py member is refused whole, naming the file", TIMEOUT, async () => {
  const fine: WheelSpec = { name: uniqueName("fine"), version: "1.0" };
  const evil: WheelSpec = { name: uniqueName("evil"), version: "1.0" };
  const payload = await packBundle([
    { project: fine, filename: wheelFilename(fine), bytes: buildWheel(fine).body },
    { project: evil, filename: wheelFilename(evil), bytes: buildZip([...wheelMembers(evil), { name: "../../evil.py", data: "import os\n" }]) },
  ]);
  await assertRefusedWhole(
    "evil-member",
    payload,
    `Invalid bundle: files/${wheelFilename(evil)} is refused, as an upload of it would be ` +
      `(Invalid distribution file: member name "../../evil.py" contains a ".." segment); nothing was imported.`,
  );
});

test("a bundle that files requests-99.0.tar.gz under another project is refused whole", TIMEOUT, async () => {
  const fine: WheelSpec = { name: uniqueName("fine"), version: "1.0" };
  const requests: WheelSpec = { name: "requests", version: "99.0" };
  const payload = await packBundle([
    { project: fine, filename: wheelFilename(fine), bytes: buildWheel(fine).body },
    { project: { ...fine, version: "1.1" }, filename: sdistFilename(requests), bytes: buildSdist(requests).body },
  ]);
  await assertRefusedWhole(
    "other-project",
    payload,
    `Invalid bundle: files/requests-99.0.tar.gz is refused, as an upload of it would be ` +
      `(The filename 'requests-99.0.tar.gz' does not match the project '${fine.name}' version '1.1' of the upload); nothing was imported.`,
  );
  assert.equal((await fetch(`${b.url}/other-project/simple/requests/`)).status, 404);
});

test("a bundle with a symlink member is refused whole", TIMEOUT, async () => {
  const linky: WheelSpec = { name: uniqueName("linky"), version: "1.0" };
  const dist = linky.name.replace(/-/g, "_");
  const wheel = buildZip([...wheelMembers(linky), { name: `${dist}/passwd`, data: "/etc/passwd", method: 0, externalAttributes: (0o120777 << 16) >>> 0 }]);
  await assertRefusedWhole(
    "symlink-member",
    await packBundle([{ project: linky, filename: wheelFilename(linky), bytes: wheel }]),
    `Invalid bundle: files/${wheelFilename(linky)} is refused, as an upload of it would be ` +
      `(Invalid distribution file: member "${dist}/passwd" is a symbolic link; ` +
      `a distribution may hold only regular files and directories); nothing was imported.`,
  );
});

test("a hand-made bundle of valid files imports: the checks refuse only what an upload would", TIMEOUT, async () => {
  const fine: WheelSpec = { name: uniqueName("fine"), version: "1.0" };
  await b.createIndex("hand-made");
  const imported = await importInto(
    b,
    "hand-made",
    await packBundle([
      { project: fine, filename: wheelFilename(fine), bytes: buildWheel(fine).body },
      { project: fine, filename: sdistFilename(fine), bytes: buildSdist(fine).body },
    ]),
  );
  assert.equal(imported.status, 200, JSON.stringify(imported.json));
  assert.deepEqual(imported.json, { created: 2, unchanged: 0 });
});

test("a manifest whose core metadata differs from the wheel's: the index serves the wheel's own METADATA (PEP 658)", TIMEOUT, async () => {
  const honest: WheelSpec = { name: uniqueName("honest"), version: "1.0", requiresDist: ["dep>=1"] };
  const lie = metadataText({ ...honest, requiresDist: [] });
  await b.createIndex("lying-manifest");
  const imported = await importInto(
    b,
    "lying-manifest",
    await packBundle([{ project: honest, filename: wheelFilename(honest), bytes: buildWheel(honest).body, claimedMetadata: lie }]),
  );
  assert.equal(imported.status, 200, JSON.stringify(imported.json));
  const served = await fetch(`${b.url}/lying-manifest/files/${wheelFilename(honest)}.metadata`);
  assert.equal(served.status, 200);
  const text = await served.text();
  assert.equal(text, metadataText(honest));
  assert.match(text, /Requires-Dist: dep>=1/);
  // The JSON API's release fields come from the wheel too.
  const api = (await (await fetch(`${b.url}/lying-manifest/pypi/${honest.name}/1.0/json`)).json()) as { info: { requires_dist: string[] | null } };
  assert.deepEqual(api.info.requires_dist, ["dep>=1"]);
});
