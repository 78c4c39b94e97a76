import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { HttpClient } from "../net/http-client.ts";
import { IndexClient, isSecureOrigin, SIMPLE_ACCEPT } from "./index-client.ts";
import { htmlPage, jsonPage, tempCacheDir, TestServer } from "../../../test/index-fixtures.ts";

const SHA = "a".repeat(64);
const META = "b".repeat(64);
const MD5 = "0123456789abcdef0123456789abcdef";

describe("IndexClient", () => {
  let server: TestServer;
  let cache: Awaited<ReturnType<typeof tempCacheDir>>;
  const http = new HttpClient({ retries: 0 });

  before(async () => {
    server = await new TestServer().start();
    cache = await tempCacheDir();
    server.serve("/simple/demo-pkg/", {
      ...jsonPage("demo-pkg", [
        {
          filename: "demo_pkg-1.0-py3-none-any.whl",
          url: "../../files/demo_pkg-1.0-py3-none-any.whl",
          hashes: { sha256: SHA },
          "requires-python": ">=3.8",
          "core-metadata": { sha256: META },
          yanked: "broken",
          size: 123,
        },
        { filename: "demo-pkg-1.0.tar.gz", url: "/files/demo-pkg-1.0.tar.gz", hashes: {} },
        { filename: "demo-pkg-1.0.win32.exe", url: "/files/demo-pkg-1.0.win32.exe", hashes: {} },
      ]),
      etag: '"v1"',
    });
    server.redirect("/simple/Demo_Pkg/", "/simple/demo-pkg/");
    server.serve("/html/demo/", {
      ...htmlPage([
        `<a href="/files/demo-2.0.tar.gz#md5=${MD5}" data-requires-python="&gt;=3.9" data-core-metadata="true">demo-2.0.tar.gz</a>`,
        `<a href="/files/demo-2.0-py3-none-any.whl#sha256=${SHA}" data-yanked="">demo-2.0-py3-none-any.whl</a>`,
      ]),
      gzip: true,
    });
    server.serve("/links/", htmlPage([`<a href="pkgs/demo-3.0.tar.gz">demo-3.0.tar.gz</a>`, `<a href="pkgs/other-1.0.tar.gz">other-1.0.tar.gz</a>`]));
    server.serve("/down/demo/", { body: Buffer.from("x"), failFirst: { times: 1000, status: 500 } });
  });
  after(async () => {
    await http.close();
    await server.stop();
    await cache.remove();
  });

  it("prefetches pages, holding their warnings until the page is asked for", async () => {
    const warnings: string[] = [];
    const client = new IndexClient({ http, cacheDir: null, onWarning: (m) => warnings.push(m) });
    const before = server.requestsFor("/simple/demo-pkg/").length;
    client.prefetchProjectPages([server.url("/simple"), server.url("/down")], ["Demo_Pkg", "demo"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(warnings, []);
    assert.deepEqual([...client.projectsRequested], []);
    const files = await client.projectPage(server.url("/simple"), "demo-pkg");
    assert.equal(files.length, 2);
    assert.equal(server.requestsFor("/simple/demo-pkg/").length, before + 1);
    assert.deepEqual(await client.projectPage(server.url("/down"), "demo"), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /Could not fetch URL .*\/down\/demo\/: 500/);
    assert.deepEqual([...client.projectsRequested], ["demo-pkg", "demo"]);
  });

  it("builds the page URL from the normalized name", () => {
    const client = new IndexClient({ http, cacheDir: null });
    assert.equal(client.projectPageUrl("https://x.example/simple", "Demo_Pkg"), "https://x.example/simple/demo-pkg/");
    assert.equal(client.projectPageUrl("https://x.example/simple/", "a.b"), "https://x.example/simple/a-b/");
  });

  it("reads a PEP 691 page with pip's Accept, resolving URLs and keeping hashes, yanked and metadata", async () => {
    const client = new IndexClient({ http, cacheDir: null });
    const files = await client.projectPage(server.url("/simple"), "demo-pkg");
    assert.equal(server.requestsFor("/simple/demo-pkg/").at(-1)?.headers.accept, SIMPLE_ACCEPT);
    assert.deepEqual(
      files.map((f) => [f.filename, f.url, f.kind]),
      [
        ["demo_pkg-1.0-py3-none-any.whl", server.url("/files/demo_pkg-1.0-py3-none-any.whl"), "wheel"],
        ["demo-pkg-1.0.tar.gz", server.url("/files/demo-pkg-1.0.tar.gz"), "sdist"],
      ],
    );
    const wheel = files[0]!;
    assert.deepEqual(wheel.hashes, { sha256: SHA });
    assert.equal(wheel.requiresPython, ">=3.8");
    assert.equal(wheel.yanked, "broken");
    assert.deepEqual(wheel.coreMetadata, { sha256: META });
    assert.equal(wheel.size, 123);
    assert.deepEqual(wheel.tags?.map(String), ["py3-none-any"]);
    assert.equal(wheel.source, server.url("/simple/demo-pkg/"));
  });

  it("follows the 301 to the normalized name and resolves links against the final URL", async () => {
    const client = new IndexClient({ http, cacheDir: null });
    // A name that normalizes to itself is asked directly; a non-normalized index path redirects.
    const files = await client.projectPage(server.url("/simple"), "Demo_Pkg");
    assert.equal(files.length, 2);
    const direct = await new IndexClient({ http, cacheDir: null }).projectPage(server.url("/simple/Demo_Pkg/").replace("Demo_Pkg/", ""), "demo-pkg");
    assert.equal(direct.length, 2);
    const response = await http.get(server.url("/simple/Demo_Pkg/"));
    assert.equal(response.url, server.url("/simple/demo-pkg/"));
    await response.dump();
  });

  it("reads PEP 503 HTML (gzip), with fragment hashes, yanked and requires-python", async () => {
    const client = new IndexClient({ http, cacheDir: null });
    const files = await client.projectPage(server.url("/html"), "demo");
    assert.deepEqual(
      files.map((f) => [f.filename, f.hashes, f.requiresPython, f.yanked, f.coreMetadata]),
      [
        ["demo-2.0.tar.gz", { md5: MD5 }, ">=3.9", false, {}],
        ["demo-2.0-py3-none-any.whl", { sha256: SHA }, null, "", false],
      ],
    );
  });

  it("revalidates a cached page with If-None-Match and max-age=0, and uses it on 304", async () => {
    const path = "/simple/demo-pkg/";
    const first = new IndexClient({ http, cacheDir: cache.dir });
    const before = server.requestsFor(path).length;
    const a = await first.projectPage(server.url("/simple"), "demo-pkg");
    // A second run (a new client): one request, conditional, answered 304.
    const second = new IndexClient({ http, cacheDir: cache.dir });
    const b = await second.projectPage(server.url("/simple"), "demo-pkg");
    const sent = server.requestsFor(path).slice(before);
    assert.equal(sent.length, 2);
    assert.equal(sent[0]?.headers["if-none-match"], undefined);
    assert.equal(sent[1]?.headers["if-none-match"], '"v1"');
    assert.equal(sent[1]?.headers["cache-control"], "max-age=0");
    assert.deepEqual(b, a);
  });

  it("sends no validators without a cache directory", async () => {
    const before = server.requestsFor("/simple/demo-pkg/").length;
    await new IndexClient({ http, cacheDir: null }).projectPage(server.url("/simple"), "demo-pkg");
    const sent = server.requestsFor("/simple/demo-pkg/").slice(before);
    assert.equal(sent[0]?.headers["if-none-match"], undefined);
  });

  it("fetches a page once per run, however many ask at once", async () => {
    const client = new IndexClient({ http, cacheDir: null });
    const before = server.requestsFor("/simple/demo-pkg/").length;
    const results = await Promise.all([1, 2, 3].map(() => client.projectPage(server.url("/simple"), "demo-pkg")));
    await client.projectPage(server.url("/simple"), "Demo.Pkg");
    assert.equal(server.requestsFor("/simple/demo-pkg/").length - before, 1);
    assert.equal(results[0], results[2]);
  });

  it("treats a missing project as no files, and warns and skips an index that fails", async () => {
    const warnings: string[] = [];
    const client = new IndexClient({ http, cacheDir: null, onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await client.projectPage(server.url("/simple"), "nothing"), []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(await client.projectPage(server.url("/down"), "demo"), []);
    assert.deepEqual(warnings, [`Could not fetch URL ${server.url("/down/demo/")}: 500 Internal Server Error - skipping`]);
  });

  it("lists a find-links directory and reads a find-links page", async () => {
    const dir = join(cache.dir, "wheels");
    await mkdir(dir, { recursive: true });
    for (const name of ["demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz", "README.txt"]) await writeFile(join(dir, name), "x");
    const client = new IndexClient({ http, cacheDir: null, cwd: cache.dir });
    const local = await client.findLinks("wheels");
    assert.deepEqual(
      local.map((f) => [f.filename, f.url, f.kind]),
      [
        ["demo-1.0-py3-none-any.whl", pathToFileURL(join(dir, "demo-1.0-py3-none-any.whl")).toString(), "wheel"],
        ["demo-1.0.tar.gz", pathToFileURL(join(dir, "demo-1.0.tar.gz")).toString(), "sdist"],
      ],
    );
    assert.deepEqual(
      (await client.findLinks(pathToFileURL(dir).toString())).map((f) => f.url),
      local.map((f) => f.url),
    );
    const remote = await client.findLinks(server.url("/links/"));
    assert.deepEqual(
      remote.map((f) => f.url),
      [server.url("/links/pkgs/demo-3.0.tar.gz"), server.url("/links/pkgs/other-1.0.tar.gz")],
    );
    const single = await client.findLinks(server.url("/somewhere/demo-4.0-py3-none-any.whl"));
    assert.deepEqual(
      single.map((f) => f.filename),
      ["demo-4.0-py3-none-any.whl"],
    );
  });

  it("reads a file: index laid out as directories of index.html", async () => {
    const root = join(cache.dir, "local-index");
    await mkdir(join(root, "demo"), { recursive: true });
    await writeFile(join(root, "demo", "index.html"), `<a href="../../files/demo-1.0.tar.gz#sha256=${SHA}">demo-1.0.tar.gz</a>`);
    const client = new IndexClient({ http, cacheDir: cache.dir });
    const files = await client.projectPage(pathToFileURL(root).toString(), "Demo");
    assert.deepEqual(
      files.map((f) => f.url),
      [pathToFileURL(join(cache.dir, "files", "demo-1.0.tar.gz")).toString()],
    );
  });
});

describe("isSecureOrigin", () => {
  it("accepts https, files, loopback and trusted hosts, as pip does", () => {
    const cases: [string, string[], boolean][] = [
      ["https://pypi.example/simple/x/", [], true],
      ["file:///srv/simple/x/", [], true],
      ["http://127.0.0.1:8080/simple/x/", [], true],
      ["http://localhost/simple/x/", [], true],
      ["http://[::1]:3000/simple/x/", [], true],
      ["http://pypi.example/simple/x/", [], false],
      ["http://pypi.example/simple/x/", ["pypi.example"], true],
      ["http://pypi.example:8080/simple/x/", ["pypi.example:8080"], true],
      ["http://pypi.example:8080/simple/x/", ["pypi.example:9090"], false],
    ];
    for (const [url, trusted, expected] of cases) assert.equal(isSecureOrigin(url, trusted), expected, url);
  });

  it("skips an insecure index with pip's warning", async () => {
    const warnings: string[] = [];
    const client = new IndexClient({ http: new HttpClient(), cacheDir: null, onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await client.projectPage("http://pypi.example/simple/", "demo"), []);
    assert.match(
      warnings[0] ?? "",
      /^The repository located at pypi\.example is not a trusted or secure host and is being ignored\..*'--trusted-host pypi\.example'\.$/,
    );
  });
});
