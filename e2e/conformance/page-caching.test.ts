// Index pages and HTTP caching. pip 26.2 and later cache index pages by Cache-Control instead of
// revalidating each time: a hosted page must make them ask again every time (max-age=0,
// must-revalidate, with the ETag, so the answer is a cheap 304 while nothing changed), or CI does
// not see the release it just uploaded; a mirror's page keeps the mirror's TTL (see
// apps/registry/src/services/page-max-age.ts for groups).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { buildWheel, wheelFilename } from "@wheelhouse/testing";
import { uploadWheel } from "../support/legacy-upload.ts";
import { createVenv } from "../support/python.ts";
import { describeRun, run } from "../support/run.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";
import { startStaticUpstream, type StaticUpstream } from "../support/static-upstream.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";
import { findLocalWheel, missingCorpusReason } from "./local-index.ts";

const TIMEOUT = { timeout: 240_000 };
const REVALIDATE = /^(public|private), max-age=0, must-revalidate$/;
let registry: TestRegistry;
let upstream: StaticUpstream;
let token: string;

before(async () => {
  registry = await startRegistry();
  token = (await registry.createUser(uniqueName("cache-uploader"), { scope: "upload" })).token;
  const mirrored = { name: "mirrored-only", version: "1.0" };
  upstream = await startStaticUpstream({ projects: { "mirrored-only": [{ filename: wheelFilename(mirrored), bytes: buildWheel(mirrored).body }] } });
  await registry.admin("POST", "/api/admin/indexes", { name: "upstream", kind: "mirror", upstreamUrl: upstream.simpleUrl, pageTtlSeconds: 900 });
  await registry.admin("POST", "/api/admin/indexes", { name: "mirrors", kind: "group", members: ["upstream"] });
  await registry.admin("POST", "/api/admin/indexes", { name: "everything", kind: "group", members: ["main", "upstream"], uploadTarget: "main" });
});
after(async () => {
  await registry?.stop();
  await upstream?.stop();
  await removeTempDirs();
});

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers: { accept: "application/vnd.pypi.simple.v1+json", ...headers } });
}

async function filenames(response: Response): Promise<string[]> {
  return ((await response.json()) as { files: { filename: string }[] }).files.map((f) => f.filename).sort();
}

test("a hosted page revalidates every time: a new upload shows at once, and ETag/304 still work", TIMEOUT, async () => {
  const name = uniqueName("fresh");
  const v1 = { name, version: "1.0" };
  const v2 = { name, version: "2.0" };
  await uploadWheel(`${registry.url}/`, token, v1);

  for (const page of [
    `${registry.url}/simple/${name}/`,
    `${registry.url}/main/simple/${name}/`,
    `${registry.url}/everything/simple/${name}/`,
    `${registry.url}/simple/`,
  ]) {
    const first = await get(page);
    assert.equal(first.status, 200, page);
    assert.match(first.headers.get("cache-control") ?? "", REVALIDATE, page);
    const etag = first.headers.get("etag");
    assert.ok(etag, `${page} has an ETag`);
    const again = await get(page, { "if-none-match": etag });
    assert.equal(again.status, 304, `${page} unchanged: 304`);
    assert.match(again.headers.get("cache-control") ?? "", REVALIDATE, `${page} 304`);
  }

  const before = await get(`${registry.url}/simple/${name}/`);
  const etag = before.headers.get("etag")!;
  assert.deepEqual(await filenames(before), [wheelFilename(v1)]);
  await uploadWheel(`${registry.url}/`, token, v2);
  // The client's revalidation (If-None-Match with the old ETag) now gets the new page.
  const after = await get(`${registry.url}/simple/${name}/`, { "if-none-match": etag });
  assert.equal(after.status, 200);
  assert.notEqual(after.headers.get("etag"), etag);
  assert.deepEqual(await filenames(after), [wheelFilename(v1), wheelFilename(v2)].sort());
  const group = await get(`${registry.url}/everything/simple/${name}/`);
  assert.deepEqual(await filenames(group), [wheelFilename(v1), wheelFilename(v2)].sort());
});

test("mirror pages keep the mirror's TTL; a group of mirrors only too, a group with a hosted member revalidates", TIMEOUT, async () => {
  for (const [page, expected] of [
    [`${registry.url}/upstream/simple/mirrored-only/`, /^public, max-age=900$/],
    [`${registry.url}/mirrors/simple/mirrored-only/`, /^public, max-age=900$/],
    // Answered by the mirror, but an upload to `main` would shadow it at once.
    [`${registry.url}/everything/simple/mirrored-only/`, REVALIDATE],
  ] as const) {
    const response = await get(page);
    assert.equal(response.status, 200, page);
    assert.match(response.headers.get("cache-control") ?? "", expected, page);
  }
});

test("pip 26.2 (which caches pages by Cache-Control) sees a release uploaded after its last run", TIMEOUT, async (t) => {
  const missing = missingCorpusReason();
  const pipWheel = missing === null ? findLocalWheel("pip-26.2") : null;
  if (pipWheel === null) {
    t.skip(missing ?? "pip 26.2 is not in the local index, so the caching pip cannot be installed");
    return;
  }
  const venv = await createVenv(await makeTempDir("wh-cache-venv-"));
  const env = isolatedPipEnv();
  const installed = await run(venv.python, ["-m", "pip", "install", "--isolated", "--no-cache-dir", "--no-index", pipWheel.path], { env });
  assert.equal(installed.code, 0, describeRun("pip install pip 26.2", installed));

  const name = uniqueName("pipcache");
  await uploadWheel(`${registry.url}/`, token, { name, version: "1.0" });
  const cacheDir = await makeTempDir("wh-pip-cache-");
  // pip's http cache on (--cache-dir), as on a CI runner that keeps ~/.cache/pip. pip caches over
  // HTTPS and for trusted hosts only: the plain-HTTP test registry is made a trusted host.
  const download = async () => {
    const dest = await makeTempDir("wh-pip-dl-");
    const result = await run(
      venv.python,
      [
        "-m",
        "pip",
        "download",
        "--isolated",
        "--disable-pip-version-check",
        "--no-input",
        "--retries",
        "0",
        "--cache-dir",
        cacheDir,
        "--no-deps",
        "--dest",
        dest,
        "--trusted-host",
        new URL(registry.url).host,
        "--index-url",
        `${registry.url}/simple/`,
        name,
      ],
      { env },
    );
    assert.equal(result.code, 0, describeRun("pip download", result));
    return readdir(dest);
  };
  assert.deepEqual(await download(), [wheelFilename({ name, version: "1.0" })]);
  await uploadWheel(`${registry.url}/`, token, { name, version: "2.0" });
  assert.deepEqual(await download(), [wheelFilename({ name, version: "2.0" })], "pip must see 2.0 at once, not a cached page");
});
