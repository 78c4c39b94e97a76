// A mirror of a real-shaped plain PEP 503 upstream: this machine's local static index of real
// PyPI wheels (found through `pip config`, never hard-coded), served by a plain static file
// server. Relative links, hashes in fragments, no sizes, no JSON, no metadata files. pip installs
// real packages through the mirror with its hash checks, and every file's bytes equal what the
// mirror's pages state.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { localSimpleDirs } from "../conformance/local-index.ts";
import { createVenv, pip, run } from "../support/python.ts";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { parseSimpleHtml } from "../support/simple-page.ts";
import { startStaticTree, type StaticTree } from "../support/static-upstream.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";

const PROJECTS = ["packaging", "six"];
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The local index directory (the parent of `simple/`) that has every project we install. */
const simpleDir = localSimpleDirs().find((dir) => PROJECTS.every((p) => existsSync(join(dir, p, "index.html"))));
const skip = simpleDir
  ? false
  : `no local index from \`pip config get global.extra-index-url\` lists ${PROJECTS.join(" and ")} (the corpus of real wheels is not on this machine)`;

let registry: TestRegistry;
let tree: StaticTree;

before(async () => {
  if (!simpleDir) return;
  tree = await startStaticTree(dirname(simpleDir));
  registry = await startRegistry();
  await registry.admin("POST", "/api/admin/indexes", { name: "local", kind: "mirror", upstreamUrl: `${tree.url}/simple/` });
});

after(async () => {
  await registry?.stop();
  await tree?.stop();
  await removeTempDirs();
});

/** filename → sha256 of the local file, as the local index's own page links it. */
function localFiles(project: string): Map<string, { path: string; sha256: string }> {
  const page = join(simpleDir!, project, "index.html");
  const files = new Map<string, { path: string; sha256: string }>();
  for (const link of parseSimpleHtml(readFileSync(page, "utf8"))) {
    const path = join(dirname(page), decodeURIComponent(link.href.split("#")[0]!));
    if (existsSync(path)) files.set(link.filename, { path, sha256: sha256(readFileSync(path)) });
  }
  return files;
}

test("pip installs real packages through a mirror of the local static index, hash checks passing", { skip, timeout: 180_000 }, async () => {
  const venv = await createVenv(await makeTempDir("wh-local-venv-"));
  const result = await pip(venv, "install", ["--index-url", `${registry.url}/local/simple/`, "--only-binary", ":all:", ...PROJECTS]);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  const check = await run(venv.python, [
    "-c",
    "import packaging.version, six; print(packaging.version.Version('2.0') > packaging.version.Version('1.0'), six.PY3)",
  ]);
  assert.equal(check.stdout.trim(), "True True", check.stderr);
  // The mirror fetched from the static tree (nothing came from pip's own sources).
  assert.ok(
    tree.paths.some((p) => p.startsWith("/files/packaging-")),
    tree.paths.join("\n"),
  );
});

test("every file on the mirrored pages: the bytes served equal the local files and what the pages state", { skip, timeout: 180_000 }, async () => {
  for (const project of PROJECTS) {
    const local = localFiles(project);
    const pageUrl = `${registry.url}/local/simple/${project}/`;
    const links = parseSimpleHtml(await (await fetch(pageUrl, { headers: { accept: "text/html" } })).text());
    assert.deepEqual(links.map((l) => l.filename).sort(), [...local.keys()].filter((f) => f.endsWith(".whl") || f.endsWith(".tar.gz")).sort());
    for (const link of links) {
      const response = await fetch(new URL(link.href, pageUrl));
      assert.equal(response.status, 200, link.filename);
      const body = Buffer.from(await response.arrayBuffer());
      assert.equal(sha256(body), local.get(link.filename)!.sha256, `${link.filename}: the local file's bytes`);
      assert.equal(link.sha256, sha256(body), `${link.filename}: the HTML page's hash`);
      assert.equal(response.headers.get("content-length"), String(body.length));
    }
    const json = await (await fetch(pageUrl, { headers: { accept: "application/vnd.pypi.simple.v1+json" } })).json();
    assert.equal(json.meta["api-version"], "1.1", "every file fetched: every size known");
    for (const file of json.files as { filename: string; size: number; hashes: { sha256: string } }[]) {
      const bytes = readFileSync(local.get(file.filename)!.path);
      assert.deepEqual([file.size, file.hashes.sha256], [bytes.length, sha256(bytes)], file.filename);
    }
  }
});
