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
import { basicAuth, buildWheel, wheelFilename, type DistSpec } from "../support/dist-builder.ts";
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
const specs: DistSpec[] = [
  { name: base, version: "1.0" },
  { name: base, version: "1.5" },
  { name: base, version: "2.0" },
  { name: lib, version: "2.0", requiresDist: [`${base}>=1,<2`] },
  { name: app, version: "3.0", requiresDist: [`${lib}>=2`] },
  { name: other, version: "1.0" },
];
/** What the bundle for `app==3.0` must hold. */
const chain = [specs[4]!, specs[3]!, specs[1]!];
/** The bytes uploaded to A (a wheel built twice differs in its zip timestamps). */
const wheels = new Map<DistSpec, Buffer>(specs.map((spec) => [spec, buildWheel(spec)]));

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
  for (const spec of [specs[0]!, specs[2]!, specs[5]!]) assert.ok(!bundle.includes(Buffer.from(`files/${wheelFilename(spec)}`)), `${wheelFilename(spec)} is not`);
});

test("a bad export request gets a 4xx that names the problem", TIMEOUT, async () => {
  const api = bundleApi(a);
  const missing = await fetch(`${api}/export`, { method: "POST", headers: adminHeaders(a, "application/json"), body: JSON.stringify({ index: "main", projects: ["no-such-project"] }) });
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
  const check = await run(venv.python, ["-c", `import ${chain.map((s) => moduleName(s.name)).join(", ")}; print(${moduleName(base)}.VERSION)`], { env: isolatedPipEnv() });
  assert.equal(check.code, 0, describeRun("python -c import", check));
  assert.equal(check.stdout.trim(), "1.5");

  // Only what the bundle carried: the unrelated project never crossed.
  assert.equal((await fetch(`${b.url}/simple/${other}/`)).status, 404);
  const audit = await b.admin<any[]>("GET", `/api/admin/audit?index=main&project=${app}`);
  assert.ok(audit.some((e) => e.action === "bundle.import"), JSON.stringify(audit));
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
  assert.match(refused.json.detail, new RegExp(`^Invalid bundle: files/${wheelFilename(specs[3]!).replace(/\./g, "\\.")} does not match the manifest: its sha256 is `));
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
