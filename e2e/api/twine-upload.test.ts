// Real-client tests of the upload door: Debian's twine against a running registry.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { basename } from "node:path";
import { createHash } from "node:crypto";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { makeDist } from "../support/python.ts";
import { twineUpload } from "../support/twine.ts";
import { describeRun, output } from "../support/run.ts";
import { fetchSimpleLinks, type SimpleLink } from "../support/simple-page.ts";
import { sha256ByFilename } from "../support/files.ts";
import { moduleName, packageSpec } from "../support/projects.ts";
import { removeTempDirs, uniqueName } from "../support/temp-dir.ts";

const TIMEOUT = { timeout: 120_000 };

let registry: TestRegistry;
let uploader: { username: string; password: string; token: string };

before(async () => {
  registry = await startRegistry();
  uploader = await registry.createUser(uniqueName("uploader"), { scope: "upload" });
});

after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

function asToken(token: string) {
  return { username: "__token__", password: token };
}

/** The project page's links, or [] when the project does not exist (404). */
async function linksOrNone(pageUrl: string): Promise<SimpleLink[]> {
  const response = await fetch(pageUrl, { headers: { Accept: "text/html" } });
  if (response.status === 404) return [];
  return fetchSimpleLinks(pageUrl);
}

test("twine uploads a wheel and an sdist; the simple page lists both with their sha256", TIMEOUT, async () => {
  const name = uniqueName("tw-basic");
  const files = await makeDist(packageSpec(name, "1.0", { sdist: true, requires_python: ">=3.8" }));
  assert.equal(files.length, 2);

  const result = await twineUpload(`${registry.url}/`, files, asToken(uploader.token));
  assert.equal(result.code, 0, describeRun("twine upload", result));

  const expected = await sha256ByFilename(files);
  for (const page of [`${registry.url}/simple/${name}/`, `${registry.url}/main/simple/${name}/`]) {
    const links = await fetchSimpleLinks(page);
    assert.deepEqual(links.map((link) => link.filename).sort(), [...expected.keys()].sort(), `${page} should list exactly the uploaded files`);
    for (const link of links) {
      assert.equal(link.sha256, expected.get(link.filename), `#sha256= of ${link.filename} on ${page}`);
      assert.equal(link.requiresPython, ">=3.8", `data-requires-python of ${link.filename}`);
      // The served bytes are the uploaded bytes.
      const response = await fetch(new URL(link.href, page));
      assert.equal(response.status, 200, `GET ${link.href}`);
      const served = createHash("sha256")
        .update(Buffer.from(await response.arrayBuffer()))
        .digest("hex");
      assert.equal(served, expected.get(link.filename), `bytes served for ${link.filename}`);
    }
  }
});

test("re-uploading identical files succeeds, with and without --skip-existing", TIMEOUT, async () => {
  const name = uniqueName("tw-again");
  const files = await makeDist(packageSpec(name, "1.0", { sdist: true }));
  const first = await twineUpload(`${registry.url}/legacy/`, files, asToken(uploader.token));
  assert.equal(first.code, 0, describeRun("first twine upload", first));

  const skipping = await twineUpload(`${registry.url}/legacy/`, files, { ...asToken(uploader.token), skipExisting: true });
  assert.equal(skipping.code, 0, describeRun("twine upload --skip-existing", skipping));

  // PyPI answers an identical re-upload with 200 (a no-op), so plain twine succeeds too.
  const plain = await twineUpload(`${registry.url}/legacy/`, files, asToken(uploader.token));
  assert.equal(plain.code, 0, describeRun("identical re-upload without --skip-existing", plain));

  const links = await fetchSimpleLinks(`${registry.url}/simple/${name}/`);
  assert.equal(links.length, 2, "no duplicate files after re-uploads");
});

test("a different file under an already used filename is refused with 'File already exists'", TIMEOUT, async () => {
  const name = uniqueName("tw-clash");
  const original = await makeDist(packageSpec(name, "1.0"));
  const first = await twineUpload(`${registry.url}/`, original, asToken(uploader.token));
  assert.equal(first.code, 0, describeRun("first twine upload", first));

  const rebuilt = await makeDist(packageSpec(name, "1.0", { modules: { [`${moduleName(name)}/__init__.py`]: "REBUILT = True\n" } }));
  assert.equal(basename(rebuilt[0]!), basename(original[0]!));
  const originalHashes = await sha256ByFilename(original);
  const rebuiltHashes = await sha256ByFilename(rebuilt);
  assert.notEqual(rebuiltHashes.get(basename(rebuilt[0]!)), originalHashes.get(basename(original[0]!)));

  // Without --verbose twine prints only the status and the HTTP reason phrase,
  // which is where PyPI puts the message: what a user sees in a CI log.
  const clash = await twineUpload(`${registry.url}/`, rebuilt, { ...asToken(uploader.token), verbose: false });
  assert.notEqual(clash.code, 0, describeRun("twine upload of a rebuilt file", clash));
  assert.match(output(clash), /400 Bad Request/, describeRun("twine upload of a rebuilt file", clash));
  assert.match(output(clash), /File already exists/, describeRun("twine upload of a rebuilt file", clash));

  // --skip-existing recognises PyPI's answer and skips the file.
  const skipped = await twineUpload(`${registry.url}/`, rebuilt, { ...asToken(uploader.token), skipExisting: true });
  assert.equal(skipped.code, 0, describeRun("twine upload --skip-existing of a rebuilt file", skipped));
  assert.match(output(skipped), /Skipping/, describeRun("twine upload --skip-existing of a rebuilt file", skipped));

  const [link] = await fetchSimpleLinks(`${registry.url}/simple/${name}/`);
  assert.equal(link?.sha256, originalHashes.get(basename(original[0]!)), "the first upload stays published");
});

test("uploads with bad credentials are refused with 403 and publish nothing", TIMEOUT, async () => {
  const name = uniqueName("tw-denied");
  const files = await makeDist(packageSpec(name, "1.0"));
  const attempts = {
    "a wrong password": { username: uploader.username, password: "not-the-password" },
    "a bogus API token": asToken(`pypi-${"A".repeat(40)}`),
    "an unknown user": { username: uniqueName("nobody"), password: "whatever" },
  };
  for (const [label, credentials] of Object.entries(attempts)) {
    const result = await twineUpload(`${registry.url}/`, files, credentials);
    assert.notEqual(result.code, 0, describeRun(`twine upload with ${label}`, result));
    assert.match(output(result), /\b403\b/, describeRun(`twine upload with ${label}`, result));
  }
  assert.deepEqual(await linksOrNone(`${registry.url}/simple/${name}/`), []);
});

test("a read-scoped token cannot upload (403)", TIMEOUT, async () => {
  const reader = await registry.createUser(uniqueName("reader"), { scope: "read" });
  const name = uniqueName("tw-readonly");
  const files = await makeDist(packageSpec(name, "1.0"));
  const result = await twineUpload(`${registry.url}/`, files, asToken(reader.token));
  assert.notEqual(result.code, 0, describeRun("twine upload with a read token", result));
  assert.match(output(result), /\b403\b/, describeRun("twine upload with a read token", result));
  assert.deepEqual(await linksOrNone(`${registry.url}/simple/${name}/`), []);
});

test("a token scoped to another index cannot upload to this one (403), but can to its own", TIMEOUT, async () => {
  const other = uniqueName("idx");
  await registry.createIndex(other);
  const scoped = await registry.createUser(uniqueName("scoped"), { scope: "upload", index: other });
  const name = uniqueName("tw-scope");
  const files = await makeDist(packageSpec(name, "1.0"));

  const denied = await twineUpload(`${registry.url}/`, files, asToken(scoped.token));
  assert.notEqual(denied.code, 0, describeRun("twine upload to main with a token for another index", denied));
  assert.match(output(denied), /\b403\b/, describeRun("twine upload to main with a token for another index", denied));
  assert.deepEqual(await linksOrNone(`${registry.url}/simple/${name}/`), []);

  // The same token is good on its own index: the 403 above was about scope.
  const allowed = await twineUpload(`${registry.url}/${other}/`, files, asToken(scoped.token));
  assert.equal(allowed.code, 0, describeRun(`twine upload to ${other} with its own token`, allowed));
  const links = await fetchSimpleLinks(`${registry.url}/${other}/simple/${name}/`, {
    Authorization: `Basic ${Buffer.from(`__token__:${registry.adminToken}`).toString("base64")}`,
  });
  assert.deepEqual(
    links.map((link) => link.filename),
    files.map((file) => basename(file)),
  );
});

test("a project first uploaded by user A refuses user B's upload token (403)", TIMEOUT, async () => {
  const alice = await registry.createUser(uniqueName("alice"), { scope: "upload" });
  const bob = await registry.createUser(uniqueName("bob"), { scope: "upload" });
  const name = uniqueName("tw-owned");

  const v1 = await makeDist(packageSpec(name, "1.0"));
  const byAlice = await twineUpload(`${registry.url}/`, v1, asToken(alice.token));
  assert.equal(byAlice.code, 0, describeRun("twine upload by the first uploader", byAlice));

  const v2 = await makeDist(packageSpec(name, "2.0"));
  const byBob = await twineUpload(`${registry.url}/`, v2, asToken(bob.token));
  assert.notEqual(byBob.code, 0, describeRun("twine upload by another user", byBob));
  assert.match(output(byBob), /\b403\b/, describeRun("twine upload by another user", byBob));
  assert.ok(
    output(byBob).includes(`The user '${bob.username}' isn't allowed to upload to project '${name}'`),
    describeRun("twine upload by another user (expected PyPI's message)", byBob),
  );

  const links = await fetchSimpleLinks(`${registry.url}/simple/${name}/`);
  assert.deepEqual(
    links.map((link) => link.filename),
    v1.map((file) => basename(file)),
  );
});

test("a wheel whose METADATA disagrees with its filename is refused with 400", TIMEOUT, async () => {
  const name = uniqueName("tw-mismatch");
  const files = await makeDist(packageSpec(name, "1.0"), { broken: "name-mismatch" });
  const result = await twineUpload(`${registry.url}/`, files, asToken(uploader.token));
  assert.notEqual(result.code, 0, describeRun("twine upload of a mismatched wheel", result));
  assert.match(output(result), /\b400\b/, describeRun("twine upload of a mismatched wheel", result));
  assert.deepEqual(await linksOrNone(`${registry.url}/simple/${name}/`), []);
  assert.deepEqual(await linksOrNone(`${registry.url}/simple/${name}-other/`), []);
});
