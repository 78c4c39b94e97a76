// SSRF through a mirror: an upstream page names file URLs, and an upstream server names redirect
// targets. The mirror fetches files only from its upstream's own origin or the hosts an admin
// lists for it (upstreamFileHosts), every redirect hop checked alike; a refused URL is a 502 that
// says why, the other host is never asked, and nothing is stored.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { startStaticUpstream, type StaticUpstream } from "../support/static-upstream.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { uniqueName } from "../support/temp-dir.ts";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let registry: TestRegistry;
/** Another service on loopback, which must never be reached through the mirror. */
let internal: StaticUpstream;
/** An upstream whose page links to `internal`. */
let linking: StaticUpstream;
/** An upstream that redirects its files to `internal`. */
let redirecting: StaticUpstream;
const spec: WheelSpec = { name: uniqueName("victim"), version: "1.0" };
const filename = wheelFilename(spec);
const wheel = buildWheel(spec).body;

before(async () => {
  internal = await startStaticUpstream({ projects: { [spec.name]: [{ filename, bytes: wheel }] } });
  linking = await startStaticUpstream({ projects: { [spec.name]: [{ filename, bytes: wheel }] }, fileOrigin: internal.url });
  redirecting = await startStaticUpstream({ projects: { [spec.name]: [{ filename, bytes: wheel }] }, redirectFilesTo: internal.url });
  registry = await startRegistry();
  await registry.admin("POST", "/api/admin/indexes", { name: "linking", kind: "mirror", upstreamUrl: linking.simpleUrl, pageTtlSeconds: 0 });
  await registry.admin("POST", "/api/admin/indexes", { name: "redirecting", kind: "mirror", upstreamUrl: redirecting.simpleUrl, pageTtlSeconds: 0 });
});

after(async () => {
  await registry?.stop();
  await Promise.all([internal?.stop(), linking?.stop(), redirecting?.stop()]);
});

async function storedCopies(index: string): Promise<(string | null)[]> {
  const row = await registry.running.db.index.findUniqueOrThrow({ where: { name: index } });
  const files = await registry.running.db.file.findMany({ where: { indexId: row.id, filename } });
  return files.map((f) => f.storageKey);
}

const internalHost = () => new URL(internal.url).host;

test("a page pointing at another loopback port: refused with a 502 that says why, nothing fetched or stored", async () => {
  const page = await fetch(`${registry.url}/linking/simple/${spec.name}/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } });
  assert.equal(page.status, 200);
  for (const init of [{ method: "HEAD" }, { headers: { range: "bytes=0-9" } }]) {
    const response = await fetch(`${registry.url}/linking/files/${filename}`, init);
    assert.equal(response.status, 502, JSON.stringify(init));
  }
  const response = await fetch(`${registry.url}/linking/files/${filename}`);
  assert.equal(response.status, 502);
  assert.equal(response.headers.get("cache-control"), "no-store");
  assert.equal(
    (await response.text()).trim(),
    `Upstream ${internal.url}/files/${filename} is unavailable: refused to fetch it: ` +
      `${internalHost()} is neither the upstream's origin (${linking.url}) nor one of the index's upstreamFileHosts.`,
  );
  assert.equal(internal.requests(`/files/${filename}`), 0, "the other port was never asked");
  assert.deepEqual(await storedCopies("linking"), [null], "nothing stored");
  // Nor its .metadata.
  assert.equal((await fetch(`${registry.url}/linking/files/${filename}.metadata`)).status, 502);
  assert.equal(internal.requests(`/files/${filename}.metadata`), 0);
});

test("a redirect to another loopback port: refused at that hop, nothing fetched or stored", async () => {
  await fetch(`${registry.url}/redirecting/simple/${spec.name}/`);
  const response = await fetch(`${registry.url}/redirecting/files/${filename}`);
  assert.equal(response.status, 502);
  assert.equal(
    (await response.text()).trim(),
    `Upstream ${redirecting.url}/files/${filename} (redirected to ${internal.url}/cdn/${filename}) is unavailable: ` +
      `refused to fetch it: ${internalHost()} is neither the upstream's origin (${redirecting.url}) nor one of the index's upstreamFileHosts.`,
  );
  assert.equal(redirecting.requests(`/files/${filename}`), 1);
  assert.equal(internal.requests(`/cdn/${filename}`), 0, "the redirect target was never asked");
  assert.deepEqual(await storedCopies("redirecting"), [null]);
});

test("a host the admin lists for the mirror is fetched from, redirects to it too", async () => {
  const patched = await registry.admin("PATCH", "/api/admin/indexes/redirecting", { upstreamFileHosts: [internalHost()] });
  assert.deepEqual(patched.upstreamFileHosts, [internalHost()]);
  const response = await fetch(`${registry.url}/redirecting/files/${filename}`);
  assert.equal(response.status, 200);
  assert.equal(sha256(Buffer.from(await response.arrayBuffer())), sha256(wheel));
  assert.equal(internal.requests(`/cdn/${filename}`), 1);
  // Another port of the same host is another service: still refused.
  const otherPort = `${new URL(internal.url).hostname}:${Number(new URL(internal.url).port) + 1}`;
  await registry.admin("PATCH", "/api/admin/indexes/linking", { upstreamFileHosts: [otherPort] });
  assert.equal((await fetch(`${registry.url}/linking/files/${filename}`)).status, 502);
});

test("upstreamFileHosts: PyPI's file host by default for a PyPI mirror, none otherwise; bad entries refused", async () => {
  const pypi = await registry.admin("POST", "/api/admin/indexes", { name: "pypi-mirror", kind: "mirror", upstreamUrl: "https://pypi.org/simple/" });
  assert.deepEqual(pypi.upstreamFileHosts, ["files.pythonhosted.org"]);
  const other = await registry.admin("GET", "/api/admin/indexes/linking");
  assert.ok(Array.isArray(other.upstreamFileHosts));
  const fresh = await registry.admin("POST", "/api/admin/indexes", {
    name: "devpi-mirror",
    kind: "mirror",
    upstreamUrl: "https://devpi.example/root/pypi/+simple/",
  });
  assert.deepEqual(fresh.upstreamFileHosts, []);
  for (const bad of ["http://evil.example/", "evil.example/path", "user@evil.example", ""]) {
    const response = await fetch(`${registry.url}/api/admin/indexes/devpi-mirror`, {
      method: "PATCH",
      headers: { authorization: `Basic ${Buffer.from(`__token__:${registry.adminToken}`).toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ upstreamFileHosts: [bad] }),
    });
    assert.equal(response.status, 400, bad);
    const problem = await response.json();
    assert.match(problem.detail, /upstreamFileHosts|at least 1 character/, bad);
  }
  const hosted = await fetch(`${registry.url}/api/admin/indexes/main`, {
    method: "PATCH",
    headers: { authorization: `Basic ${Buffer.from(`__token__:${registry.adminToken}`).toString("base64")}`, "content-type": "application/json" },
    body: JSON.stringify({ upstreamFileHosts: ["files.pythonhosted.org"] }),
  });
  assert.equal(hosted.status, 400);
  assert.equal((await hosted.json()).detail, "'upstreamFileHosts' does not apply to a hosted index.");
});

test("a sync whose upstream root list redirects to another loopback port: that hop is refused, the other port never asked", async () => {
  // The root list (read by a sync for name patterns and serials) is fetched apart from pages and
  // files; its redirects are checked the same way.
  const { createServer } = await import("node:http");
  const redirectingRoot = createServer((req, res) => {
    if (req.url === "/simple/") res.writeHead(302, { location: `${internal.url}/simple/` }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => redirectingRoot.listen(0, "127.0.0.1", resolve));
  try {
    const port = (redirectingRoot.address() as { port: number }).port;
    await registry.admin("POST", "/api/admin/indexes", {
      name: "root-redirect",
      kind: "mirror",
      upstreamUrl: `http://127.0.0.1:${port}/simple/`,
      syncSelection: { patterns: ["victim-*"] },
    });
    const before = internal.requests("/simple/");
    await registry.admin("POST", "/api/admin/indexes/root-redirect/sync");
    let runs: { state: string; failures: unknown }[] = [];
    for (let i = 0; i < 100; i++) {
      runs = await registry.admin("GET", "/api/admin/indexes/root-redirect/syncs");
      if (runs[0]?.state && runs[0].state !== "running") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.notEqual(runs[0]?.state, "running", JSON.stringify(runs));
    assert.match(JSON.stringify(runs[0]!.failures), /refused to fetch .*is neither the upstream's origin/);
    assert.equal(internal.requests("/simple/"), before, "the redirect target was never asked");
  } finally {
    redirectingRoot.close();
  }
});
