import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { HttpError, NetworkError } from "./errors.ts";
import { HttpClient, type CredentialProvider } from "./http-client.ts";
import { redactUrl } from "../auth/redact.ts";
import { tempCacheDir, TestServer } from "../../../test/index-fixtures.ts";

describe("HttpClient", () => {
  let server: TestServer;
  before(async () => {
    server = await new TestServer().start();
    server.serve("/private/page", { body: Buffer.from("secret"), auth: "alice:s3cret" });
    server.serve("/private/other", { body: Buffer.from("other"), auth: "alice:s3cret" });
    server.serve("/flaky", { body: Buffer.from("ok"), failFirst: { times: 2, status: 503 } });
    server.serve("/broken", { body: Buffer.from("ok"), failFirst: { times: 100, status: 500 } });
    server.serve("/gz", { body: Buffer.from("zipped text"), gzip: true });
    server.redirect("/moved", "/gz");
  });
  after(() => server.stop());

  it("sends its User-Agent and follows redirects", async () => {
    const http = new HttpClient({ retries: 0 });
    const response = await http.get(server.url("/moved"), { headers: { "accept-encoding": "gzip" } });
    assert.equal(await response.text(), "zipped text");
    assert.equal(response.url, server.url("/gz"));
    assert.match(String(server.requestsFor("/moved")[0]?.headers["user-agent"]), /^wheelhouse\/\d/);
    await http.close();
  });

  it("asks the provider once after a 401, retries once, and remembers what worked for the origin", async () => {
    const asked: string[] = [];
    const provider: CredentialProvider = {
      forUrl: () => null,
      handle401: async (url, response) => {
        asked.push(`${url} ${response.status} ${response.headers["www-authenticate"]}`);
        return { username: "alice", password: "s3cret" };
      },
    };
    const http = new HttpClient({ credentials: provider, retries: 0 });
    const before = server.requests.length;
    assert.equal(await (await http.get(server.url("/private/page"))).text(), "secret");
    assert.deepEqual(asked, [`${server.url("/private/page")} 401 Basic realm="test"`]);
    // Later requests to the same origin carry the credentials up front: no second 401.
    assert.equal(await (await http.get(server.url("/private/other"))).text(), "other");
    const statuses = server.requests.slice(before).map((r) => `${r.path} ${r.headers.authorization ? "auth" : "anon"}`);
    assert.deepEqual(statuses, ["/private/page anon", "/private/page auth", "/private/other auth"]);
    await http.close();
  });

  it("does not retry a 401 more than once, and 403/404 never", async () => {
    let calls = 0;
    const provider: CredentialProvider = {
      forUrl: () => ({ username: "alice", password: "wrong" }),
      handle401: async () => {
        calls++;
        return { username: "alice", password: "still-wrong" };
      },
    };
    const http = new HttpClient({ credentials: provider, retries: 0 });
    const response = await http.request(server.url("/private/page"));
    assert.equal(response.status, 401);
    await response.dump();
    assert.equal(calls, 1);
    await assert.rejects(http.get(server.url("/missing")), (err: unknown) => err instanceof HttpError && err.status === 404);
    assert.equal(calls, 1);
    await http.close();
  });

  it("uses URL userinfo as Basic credentials and redacts it in errors", async () => {
    const http = new HttpClient({ retries: 0 });
    const url = server.url("/private/page").replace("http://", "http://alice:s3cret@");
    assert.equal(await (await http.get(url)).text(), "secret");
    const bad = server.url("/private/nothing-here").replace("http://", "http://alice:s3cret@");
    await assert.rejects(http.get(bad), (err: unknown) => {
      assert.ok(err instanceof HttpError);
      assert.equal(err.message, `404 Client Error: Not Found for url: ${server.url("/private/nothing-here").replace("http://", "http://alice:****@")}`);
      return true;
    });
    await http.close();
  });

  it("retries 5xx answers of GETs, then returns the last one", async () => {
    const http = new HttpClient({ retries: 3, retryBackoffMs: 1 });
    assert.equal(await (await http.get(server.url("/flaky"))).text(), "ok");
    assert.equal(server.requestsFor("/flaky").length, 3);
    const before = server.requestsFor("/broken").length;
    await assert.rejects(http.get(server.url("/broken")), (err: unknown) => err instanceof HttpError && err.status === 500);
    assert.equal(server.requestsFor("/broken").length - before, 4);
    await http.close();
  });

  it("retries connection errors and names the redacted URL", async () => {
    const dead = new TestServer();
    await dead.start();
    const url = dead.url("/x").replace("http://", "http://bob:hunter2@");
    await dead.stop();
    const http = new HttpClient({ retries: 2, retryBackoffMs: 1, timeout: 2 });
    await assert.rejects(http.get(url), (err: unknown) => {
      assert.ok(err instanceof NetworkError);
      assert.ok(!err.message.includes("hunter2"), err.message);
      assert.match(err.message, /bob:\*\*\*\*@127\.0\.0\.1/);
      return true;
    });
    await http.close();
  });

  it("reads file: URLs and paths from disk, index.html for a directory", async () => {
    const tmp = await tempCacheDir();
    await mkdir(join(tmp.dir, "simple", "demo"), { recursive: true });
    await writeFile(join(tmp.dir, "simple", "demo", "index.html"), "<a href='x'>x</a>");
    await writeFile(join(tmp.dir, "plain.txt"), "plain");
    const http = new HttpClient();
    assert.equal(await (await http.get(pathToFileURL(join(tmp.dir, "plain.txt")).toString())).text(), "plain");
    const page = await http.get(`${pathToFileURL(join(tmp.dir, "simple", "demo")).toString()}/`);
    assert.equal(page.headers["content-type"], "text/html");
    assert.equal(await page.text(), "<a href='x'>x</a>");
    const relative = new HttpClient({ cwd: tmp.dir });
    assert.equal(await (await relative.get("plain.txt")).text(), "plain");
    assert.equal((await relative.request("missing.txt")).status, 404);
    await tmp.remove();
  });
});

describe("redactUrl", () => {
  it("hides passwords and lone tokens, as pip does", () => {
    assert.equal(redactUrl("https://user:pw@host/simple/"), "https://user:****@host/simple/");
    assert.equal(redactUrl("https://token@host/simple/"), "https://****@host/simple/");
    assert.equal(redactUrl("https://host/simple/"), "https://host/simple/");
    assert.equal(redactUrl("not a url"), "not a url");
  });
});
