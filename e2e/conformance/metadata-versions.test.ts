// Today's wheels through every door: core metadata 2.5 (PEP 794) and 2.6 (PEP 808) upload (twine's
// form, and `wheelhouse upload`) and install with `wheelhouse`; a newer major version (3.0) is
// refused by the registry and by the installer with one sentence, never a stack trace (core
// metadata spec: warn on a newer minor version, fail only on a newer major one).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { startStaticUpstream, type StaticUpstream } from "../support/static-upstream.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth, uploadForm } from "../support/upload-form.ts";
import { createVenv, type Venv } from "../support/python.ts";
import { describeRun, run } from "../support/run.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";

const TIMEOUT = { timeout: 240_000 };
let registry: TestRegistry;
let token: string;
let venv: Venv;

before(async () => {
  registry = await startRegistry();
  token = (await registry.createUser(uniqueName("md-uploader"), { scope: "upload" })).token;
  venv = await createVenv(await makeTempDir("wh-md-venv-"));
});
after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

/** METADATA as today's build backends write it (e.g. idna 3.11: 2.4; urllib3, pydantic: 2.5 with Import-Name). */
function metadata(version: string, spec: WheelSpec): string {
  const module = spec.name.replace(/-/g, "_");
  return [
    `Metadata-Version: ${version}`,
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    "Summary: built with a recent backend",
    "License-Expression: MIT",
    `Import-Name: ${module}`,
    `Import-Namespace: ${module}_ns; private`,
    "Requires-Python: >=3.8",
    "",
    "A description.",
    "",
  ].join("\n");
}

/**
 * Sends the multipart form twine sends, with fetch, to the upload route. Not twine itself: twine
 * 4.0.2 (Debian's) reads metadata through pkginfo, which knows Metadata-Version up to 2.2, and
 * refuses a 2.5 wheel on the client ("Metadata is missing required fields: Name, Version … using a
 * supported Metadata-Version: 1.0, 1.1, 1.2, 2.0, 2.1, 2.2") before sending anything. Newer twine
 * reads 2.5; `wheelhouse upload`, a real client, is run below as well.
 */
async function upload(path: string, spec: WheelSpec, metadataVersion: string): Promise<{ ok: boolean; output: string }> {
  const form = uploadForm(spec, wheelFilename(spec), await readFile(path), { metadata_version: metadataVersion });
  const response = await fetch(`${registry.url}/`, { method: "POST", body: form, headers: { authorization: basicAuth("__token__", token) } });
  return { ok: response.status === 200, output: `${response.status} ${await response.text()}` };
}

/** Writes a wheel whose METADATA declares `metadataVersion`; returns its path. */
async function wheelFile(metadataVersion: string, spec: WheelSpec): Promise<string> {
  const dir = await makeTempDir("wh-md-dist-");
  const path = join(dir, wheelFilename(spec));
  await writeFile(path, buildWheel({ ...spec, metadata: metadata(metadataVersion, spec) }).body);
  return path;
}

for (const version of ["2.5", "2.6"]) {
  test(`a wheel with Metadata-Version ${version} uploads (twine's form); pip-shaped pages list it`, TIMEOUT, async () => {
    const spec = { name: uniqueName(`md${version.replace(".", "")}`), version: "1.0" };
    const path = await wheelFile(version, spec);
    const result = await upload(path, spec, version);
    assert.ok(result.ok, result.output);
    const page = await fetch(`${registry.url}/simple/${spec.name}/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } });
    assert.equal(page.status, 200);
    const files = ((await page.json()) as { files: { filename: string }[] }).files.map((f) => f.filename);
    assert.deepEqual(files, [wheelFilename(spec)]);
  });
}

test("a newer major Metadata-Version (3.0) is refused with one sentence, and nothing is stored", TIMEOUT, async () => {
  const spec = { name: uniqueName("md30"), version: "1.0" };
  const bytes = buildWheel({ ...spec, metadata: metadata("3.0", spec) }).body;
  const response = await fetch(`${registry.url}/`, {
    method: "POST",
    body: uploadForm(spec, wheelFilename(spec), bytes, { metadata_version: "3.0" }),
    headers: { authorization: basicAuth("__token__", token) },
  });
  const body = await response.text();
  assert.equal(response.status, 400, body);
  assert.match(body, /"Metadata-Version" \\?"3\.0\\?" is a newer major version than this tool reads \(up to 2\.x\); use a newer release of it/);
  assert.equal((await fetch(`${registry.url}/simple/${spec.name}/`)).status, 404);
});

test("`wheelhouse upload` sends a 2.6 wheel, and shows the registry's one sentence for a 3.0 one", TIMEOUT, async () => {
  const ok = { name: uniqueName("md26-cli-up"), version: "1.0" };
  const uploaded = await wheelhouse([
    "upload",
    "--repository-url",
    `${registry.url}/`,
    "--username",
    "__token__",
    "--password",
    token,
    await wheelFile("2.6", ok),
  ]);
  assert.equal(uploaded.code, 0, describeRun("wheelhouse upload (2.6)", uploaded));
  assert.equal((await fetch(`${registry.url}/simple/${ok.name}/`)).status, 200);

  const future = { name: uniqueName("md30-cli-up"), version: "1.0" };
  const refused = await wheelhouse([
    "upload",
    "--repository-url",
    `${registry.url}/`,
    "--username",
    "__token__",
    "--password",
    token,
    await wheelFile("3.0", future),
  ]);
  assert.equal(refused.code, 1, describeRun("wheelhouse upload (3.0)", refused));
  assert.match(refused.stderr, /"Metadata-Version" "3\.0" is a newer major version than this tool reads/);
  assert.doesNotMatch(refused.stderr, /Exception|\n\s+at /);
});

test("wheelhouse installs and locks a project whose wheel carries metadata 2.5", TIMEOUT, async () => {
  const spec = { name: uniqueName("md25-install"), version: "1.0" };
  const path = await wheelFile("2.5", spec);
  const uploaded = await upload(path, spec, "2.5");
  assert.ok(uploaded.ok, uploaded.output);
  const cacheDir = await makeTempDir("wh-md-cache-");

  const installed = await wheelhouse(["install", "--python", venv.python, "--cache-dir", cacheDir, "--index-url", `${registry.url}/simple/`, spec.name]);
  assert.equal(installed.code, 0, describeRun("wheelhouse install", installed));
  assert.doesNotMatch(installed.stderr, /Exception|\n\s+at /, installed.stderr);
  const imported = await run(venv.python, ["-c", `import ${spec.name.replace(/-/g, "_")}; print("ok")`]);
  assert.equal(imported.stdout.trim(), "ok", describeRun("import", imported));

  const locked = await wheelhouse(["lock", "--python", venv.python, "--cache-dir", cacheDir, "--index-url", `${registry.url}/simple/`, spec.name]);
  assert.equal(locked.code, 0, describeRun("wheelhouse lock", locked));
  assert.match(locked.stdout, new RegExp(`^${spec.name}==1\\.0`, "m"));
});

test("bundle export and import carry a metadata 2.5 wheel to another registry", TIMEOUT, async () => {
  const spec = { name: uniqueName("md25-bundle"), version: "1.0" };
  const uploaded = await upload(await wheelFile("2.5", spec), spec, "2.5");
  assert.ok(uploaded.ok, uploaded.output);
  const admin = (r: TestRegistry, contentType: string) => ({ authorization: basicAuth("__token__", r.adminToken), "content-type": contentType });
  const exported = await fetch(`${registry.url}/api/admin/bundles/export`, {
    method: "POST",
    headers: admin(registry, "application/json"),
    body: JSON.stringify({ index: "main", projects: [spec.name] }),
  });
  assert.equal(exported.status, 200, exported.status === 200 ? "" : await exported.text());
  const other = await startRegistry();
  try {
    const imported = await fetch(`${other.url}/api/admin/bundles/import?index=main`, {
      method: "POST",
      headers: admin(other, "application/x-tar"),
      body: new Uint8Array(await exported.arrayBuffer()),
    });
    assert.equal(imported.status, 200, await imported.text());
    const page = await fetch(`${other.url}/simple/${spec.name}/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } });
    assert.deepEqual(
      ((await page.json()) as { files: { filename: string }[] }).files.map((f) => f.filename),
      [wheelFilename(spec)],
    );
  } finally {
    await other.stop();
  }
});

test("a mirror serves an upstream's metadata 2.5 wheel, and wheelhouse installs it through the mirror", TIMEOUT, async () => {
  const spec = { name: uniqueName("md25-mirrored"), version: "1.0" };
  let upstream: StaticUpstream | null = null;
  try {
    upstream = await startStaticUpstream({
      projects: { [spec.name]: [{ filename: wheelFilename(spec), bytes: buildWheel({ ...spec, metadata: metadata("2.5", spec) }).body }] },
    });
    const mirror = uniqueName("md-mirror");
    await registry.admin("POST", "/api/admin/indexes", { name: mirror, kind: "mirror", upstreamUrl: upstream.simpleUrl });
    const target = await makeTempDir("wh-md-target-");
    const installed = await wheelhouse([
      "install",
      "--python",
      venv.python,
      "--target",
      target,
      "--cache-dir",
      await makeTempDir("wh-md-cache-"),
      "--index-url",
      `${registry.url}/${mirror}/simple/`,
      spec.name,
    ]);
    assert.equal(installed.code, 0, describeRun("wheelhouse install (mirror)", installed));
    assert.doesNotMatch(installed.stderr, /Exception|\n\s+at /, installed.stderr);
  } finally {
    await upstream?.stop();
  }
});

test("wheelhouse given a wheel with a newer major Metadata-Version says so in one sentence, no stack trace", TIMEOUT, async () => {
  const spec = { name: uniqueName("md30-cli"), version: "1.0" };
  const path = await wheelFile("3.0", spec);
  const cacheDir = await makeTempDir("wh-md-cache-");
  for (const command of ["install", "lock"]) {
    const result = await wheelhouse([command, "--python", venv.python, "--cache-dir", cacheDir, "--no-index", path]);
    assert.equal(result.code, 1, describeRun(`wheelhouse ${command}`, result));
    assert.doesNotMatch(result.stderr, /Exception|\n\s+at /, result.stderr);
    const errors = result.stderr.split("\n").filter((line) => line.startsWith("ERROR: "));
    assert.equal(errors.length, 1, result.stderr);
    assert.match(
      errors[0]!,
      new RegExp(`${wheelFilename(spec).replace(/\./g, "\\.")}.*"Metadata-Version" "3\\.0" is a newer major version than this tool reads`),
    );
  }
});
