// `wheelhouse search` against a fake registry: the {root} derived from the index URL, the query it
// sends, pip's output and exit statuses, and the registry's refusals as one clear sentence.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { canonicalizeName } from "@wheelhouse/packaging";
import { NotAWheelhouseIndex, registryApiRoot } from "../core/index/registry-api.ts";
import { removeDir, tempDir } from "../../test/installer-support.ts";
import { formatHits } from "../features/search/format-hits.ts";
import type { SearchHit } from "../features/search/search-client.ts";
import { wheelhouse } from "../../test/test-index.ts";

describe("registryApiRoot", () => {
  test("the index URL without its simple/ segment, userinfo kept", () => {
    for (const [index, root] of [
      ["http://h/simple/", "http://h/"],
      ["http://h/simple", "http://h/"],
      ["http://h/acme/simple/", "http://h/acme/"],
      ["https://u:p@h:8443/acme/simple/?x=1", "https://u:p@h:8443/acme/"],
    ]) {
      assert.equal(registryApiRoot(index!, "search"), root, index);
    }
  });

  test("anything else is not a Wheelhouse index", () => {
    for (const bad of ["http://h/", "http://h/acme/", "http://h/notsimple/", "http://h/simple/x/", "file:///srv/simple/", "not a url"]) {
      assert.throws(() => registryApiRoot(bad, "search"), NotAWheelhouseIndex, bad);
    }
    assert.throws(() => registryApiRoot("https://pypi.org/pypi", "search"), {
      message: "search needs a Wheelhouse index URL (http(s)://…/simple/, as the registry serves it); got https://pypi.org/pypi",
    });
  });
});

describe("formatHits", () => {
  const hits: SearchHit[] = [
    { name: "requests", version: "2.0", summary: "HTTP for humans", index: "main" },
    { name: "requests-toolbelt", version: "1.0rc1", summary: "A toolbelt", index: "main" },
    { name: "gone", version: null, summary: "", index: "main" },
  ];

  test("pip's column: the widest name and version plus four, then ' - summary'", () => {
    assert.deepEqual(formatHits(hits), [
      "requests (2.0)              - HTTP for humans",
      "requests-toolbelt (1.0rc1)  - A toolbelt",
      "gone (-)                    - ",
    ]);
    assert.deepEqual(formatHits([]), []);
  });

  test("what is installed: latest, older (with LATEST, noting a pre-release), matched by normalized name", () => {
    const installed = new Map([
      [canonicalizeName("Requests"), "2.0.0"],
      [canonicalizeName("requests_toolbelt"), "0.9"],
      [canonicalizeName("gone"), "1.0"],
    ]);
    assert.deepEqual(formatHits(hits, { installed }), [
      "requests (2.0)              - HTTP for humans",
      "  INSTALLED: 2.0.0 (latest)",
      "requests-toolbelt (1.0rc1)  - A toolbelt",
      "  INSTALLED: 0.9",
      "  LATEST:    1.0rc1 (pre-release; install with `wheelhouse install --pre`)",
      "gone (-)                    - ",
      "  INSTALLED: 1.0",
    ]);
  });

  test("summaries wrap to the terminal, indented under the summary column", () => {
    const long = [{ name: "x", version: "1", summary: "one two three four five six seven eight nine ten", index: "main" }];
    assert.deepEqual(formatHits(long, { terminalWidth: 40 }), ["x (1)  - one two three four five six\n         seven eight nine ten"]);
    // Too narrow to wrap usefully: one line.
    assert.deepEqual(formatHits(long, { terminalWidth: 20 }), [`x (1)  - ${long[0]!.summary}`]);
  });
});

describe("wheelhouse search", () => {
  let server: Server;
  let origin: string;
  let home: string;
  const requests: { url: string; authorization: string | undefined; accept: string | undefined }[] = [];
  /** What the fake registry answers for a path (query ignored). */
  const answers = new Map<string, { status: number; type: string; body: unknown }>();
  const problem = (status: number, code: string, title: string) => ({
    status,
    type: "application/problem+json",
    body: { type: `urn:wheelhouse:error:${code}`, title, status, detail: title },
  });

  // No interpreter: nothing is marked installed (and the search goes on without one).
  const search = (args: string[]) => wheelhouse(["search", "--python", "/nonexistent/python", "--retries", "0", ...args], { home });

  before(async () => {
    home = await tempDir("wh-search-test-");
    server = createServer((req: IncomingMessage, res) => {
      requests.push({ url: req.url ?? "", authorization: req.headers.authorization, accept: req.headers.accept });
      const path = (req.url ?? "").split("?")[0]!;
      if (path === "/private/api/search" && req.headers.authorization !== `Basic ${Buffer.from("u:p").toString("base64")}`) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="wheelhouse"', "content-type": "application/problem+json" }).end("{}");
        return;
      }
      const answer = answers.get(path) ?? { status: 404, type: "text/html", body: "<h1>Not Found</h1>" };
      res.writeHead(answer.status, { "content-type": answer.type }).end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const results = [
      { name: "Requests", version: "2.0", summary: "HTTP for humans", index: "main" },
      { name: "requests-toolbelt", version: "1.0", summary: "Useful classes", index: "main" },
    ];
    answers.set("/api/search", { status: 200, type: "application/json", body: { results } });
    answers.set("/acme/api/search", { status: 200, type: "application/json", body: { results: [] } });
    answers.set("/private/api/search", { status: 200, type: "application/json", body: { results: [results[0]] } });
    answers.set("/old/api/search", problem(404, "not-found", "Not Found"));
    answers.set("/gone/api/search", problem(404, "no-index", "No index named 'gone'."));
    answers.set("/bad/api/search", problem(400, "bad-query", "The search query is too long: at most 200 characters."));
    answers.set("/broken/api/search", { status: 200, type: "application/json", body: { hits: [] } });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await removeDir(home);
  });

  test("asks {root}api/search with every term, and prints the hits as pip did", async () => {
    const from = requests.length;
    const result = await search(["-i", `${origin}/simple/`, "requests", "http"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Requests (2.0)           - HTTP for humans\nrequests-toolbelt (1.0)  - Useful classes\n");
    assert.equal(result.stderr, "");
    const sent = requests.slice(from);
    assert.deepEqual(
      sent.map((r) => r.url),
      ["/api/search?q=requests+http&limit=100"],
    );
    assert.equal(sent[0]!.accept, "application/json");
  });

  test("a named index's root; no hits: a note and pip's status 23", async () => {
    const from = requests.length;
    const result = await search(["-i", `${origin}/acme/simple`, "nothing"]);
    assert.deepEqual([result.code, result.stdout, result.stderr], [23, "", "No packages found matching 'nothing'.\n"]);
    assert.deepEqual(
      requests.slice(from).map((r) => r.url),
      ["/acme/api/search?q=nothing&limit=100"],
    );
  });

  test("credentials in the index URL are sent and never shown", async () => {
    const ok = await search(["-i", `${origin.replace("://", "://u:p@")}/private/simple/`, "requests"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Requests \(2\.0\)/);
    const denied = await search(["--no-input", "--keyring-provider", "disabled", "-i", `${origin.replace("://", "://u:wrong@")}/private/simple/`, "requests"]);
    assert.equal(denied.code, 1);
    const shown = `${origin.replace("://", "://u:****@")}/private/api/search?q=requests&limit=100`;
    assert.equal(denied.stderr, `WARNING: 401 Error, Credentials not correct for ${shown}\nERROR: 401 Client Error: Unauthorized for url: ${shown}\n`);
  });

  test("the registry's refusals and an index that is not a Wheelhouse one, each in one sentence", async () => {
    const cases: [string, string][] = [
      [`${origin}/gone/simple/`, `ERROR: No index named 'gone'. (404 for ${origin}/gone/api/search?q=x&limit=100)\n`],
      [`${origin}/bad/simple/`, `ERROR: The search query is too long: at most 200 characters. (400 for ${origin}/bad/api/search?q=x&limit=100)\n`],
      [
        `${origin}/old/simple/`,
        `ERROR: the index at ${origin}/old/simple/ does not serve search (404 Not Found for ${origin}/old/api/search?q=x&limit=100); ` +
          `search needs the index URL of a Wheelhouse registry\n`,
      ],
      [
        `${origin}/other/simple/`,
        `ERROR: the index at ${origin}/other/simple/ does not serve search (404 Not Found for ${origin}/other/api/search?q=x&limit=100); ` +
          `search needs the index URL of a Wheelhouse registry\n`,
      ],
      [`${origin}/broken/simple/`, `ERROR: the search at ${origin}/broken/api/search?q=x&limit=100 answered with an unexpected body: no "results" list\n`],
      [`${origin}/pypi`, `ERROR: search needs a Wheelhouse index URL (http(s)://…/simple/, as the registry serves it); got ${origin}/pypi\n`],
    ];
    for (const [index, stderr] of cases) {
      const result = await search(["-i", index, "x"]);
      assert.deepEqual([result.code, result.stdout, result.stderr], [1, "", stderr], index);
    }
    const noIndex = await search(["--no-index", "x"]);
    assert.deepEqual([noIndex.code, noIndex.stderr], [1, "ERROR: search asks an index: it cannot run with --no-index\n"]);
  });
});
