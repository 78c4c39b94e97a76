import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";
import type { Candidate } from "../types.ts";
import { HttpClient } from "../net/http-client.ts";
import { IndexClient } from "../index/index-client.ts";
import { allowedFormats, PackageFinder, requiresPythonAllows, type PackageFinderOptions } from "./package-finder.ts";
import { jsonPage, tempCacheDir, TestServer } from "../../../test/index-fixtures.ts";

// A CPython 3.11 on x86_64 Linux, most preferred first (a short sys_tags()).
const TAGS = [
  "cp311-cp311-manylinux_2_17_x86_64",
  "cp311-abi3-manylinux_2_17_x86_64",
  "cp311-none-manylinux_2_17_x86_64",
  "py3-none-manylinux_2_17_x86_64",
  "cp311-none-any",
  "py311-none-any",
  "py3-none-any",
];
const TARGET = { tags: TAGS, pythonFullVersion: "3.11.7" };

const file = (filename: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  filename,
  url: `/files/${filename}`,
  hashes: {},
  ...extra,
});
const name = (n: string): NormalizedName => canonicalizeName(n);
const summary = (candidates: Candidate[]): [string, string[]][] => candidates.map((c) => [c.version.toString(), c.files.map((f) => f.filename)]);

describe("PackageFinder", () => {
  let server: TestServer;
  let tmp: Awaited<ReturnType<typeof tempCacheDir>>;
  const http = new HttpClient({ retries: 0 });

  before(async () => {
    server = await new TestServer().start();
    tmp = await tempCacheDir();
    server.serve(
      "/simple/demo/",
      jsonPage("demo", [
        file("demo-1.0.tar.gz"),
        file("demo-1.0-py3-none-any.whl"),
        file("demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"),
        file("demo-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl"),
        file("demo-1.0-cp311-cp311-win_amd64.whl"),
        file("demo-1.0-cp39-cp39-manylinux_2_17_x86_64.whl"),
        file("demo-2.0.tar.gz", { "requires-python": ">=3.12" }),
        file("demo-2.0-py3-none-any.whl", { "requires-python": ">=3.12" }),
        file("demo-1.5.tar.gz", { "requires-python": ">=3.8,<4" }),
        file("demo-1.10.zip", { yanked: "bad" }),
        file("demo-1.9b1-py3-none-any.whl"),
        file("demo-1.8-py3-none-any.whl", { "requires-python": "not a specifier" }),
        file("other-1.0.tar.gz"),
        file("demo-1.0.tar.bz2"),
        file("demo-notaversion.tar.gz"),
      ]),
    );
    server.serve("/extra/demo/", jsonPage("demo", [file("demo-1.0-py2.py3-none-any.whl"), file("demo-3.0.tar.gz")]));
    const links = join(tmp.dir, "links");
    await mkdir(links, { recursive: true });
    for (const f of ["demo-4.0-py3-none-any.whl", "demo-4.0.tar.gz", "other-2.0.tar.gz"]) await writeFile(join(links, f), "x");
  });
  after(async () => {
    await http.close();
    await server.stop();
    await tmp.remove();
  });

  const finder = (options: Partial<PackageFinderOptions> = {}): PackageFinder =>
    new PackageFinder({ index: new IndexClient({ http, cacheDir: null, cwd: tmp.dir }), indexUrls: [server.url("/simple")], target: TARGET, ...options });

  it("groups by version, newest first, drops files the target cannot use, orders files best first", async () => {
    assert.deepEqual(summary(await finder().candidates(name("demo"))), [
      ["1.10", ["demo-1.10.zip"]],
      ["1.9b1", ["demo-1.9b1-py3-none-any.whl"]],
      ["1.8", ["demo-1.8-py3-none-any.whl"]],
      ["1.5", ["demo-1.5.tar.gz"]],
      [
        "1.0",
        ["demo-1.0-1-cp311-cp311-manylinux_2_17_x86_64.whl", "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz"],
      ],
    ]);
  });

  it("marks yanked candidates and leaves pre-releases to the resolver", async () => {
    const f = finder();
    const candidates = await f.candidates(name("demo"));
    assert.deepEqual(
      candidates.map((c) => [c.version.toString(), c.yanked, c.version.isPrerelease]),
      [
        ["1.10", true, false],
        ["1.9b1", false, true],
        ["1.8", false, false],
        ["1.5", false, false],
        ["1.0", false, false],
      ],
    );
    assert.equal(f.allowPrereleases(name("demo")), false);
    assert.equal(finder({ pre: true }).allowPrereleases(name("demo")), true);
    assert.equal(finder({ allowPrereleases: (n) => n === "demo" }).allowPrereleases(name("Demo")), true);
  });

  it("keeps files a newer Python would need out only by requires-python, unless told to ignore it", async () => {
    const old = finder({ target: { ...TARGET, pythonFullVersion: "3.12.1" } });
    assert.equal((await old.candidates(name("demo")))[0]?.version.toString(), "2.0");
    const ignoring = finder({ ignoreRequiresPython: true });
    assert.equal((await ignoring.candidates(name("demo")))[0]?.version.toString(), "2.0");
  });

  it("applies --only-binary and --no-binary per project and for :all:", async () => {
    const onlyBinary = await finder({ formatControl: { onlyBinary: [":all:"], noBinary: [] } }).candidates(name("demo"));
    assert.deepEqual(
      summary(onlyBinary).map(([v]) => v),
      ["1.9b1", "1.8", "1.0"],
    );
    assert.ok(onlyBinary.every((c) => c.files.every((f) => f.kind === "wheel")));
    const noBinary = await finder({ formatControl: { onlyBinary: [], noBinary: ["Demo"] } }).candidates(name("demo"));
    assert.deepEqual(summary(noBinary), [
      ["1.10", ["demo-1.10.zip"]],
      ["1.5", ["demo-1.5.tar.gz"]],
      ["1.0", ["demo-1.0.tar.gz"]],
    ]);
  });

  it("merges the index, extra indexes and find-links, each read once", async () => {
    const f = finder({ indexUrls: [server.url("/simple"), server.url("/extra")], findLinks: ["links"] });
    const before = server.requests.length;
    const [a, b] = await Promise.all([f.candidates(name("demo")), f.candidates(name("Demo"))]);
    assert.equal(a, b);
    assert.equal(server.requests.length - before, 2);
    assert.deepEqual(
      a.map((c) => c.version.toString()),
      ["4.0", "3.0", "1.10", "1.9b1", "1.8", "1.5", "1.0"],
    );
    assert.deepEqual(
      a[0]!.files.map((f) => f.filename),
      ["demo-4.0-py3-none-any.whl", "demo-4.0.tar.gz"],
    );
    // py2.py3-none-any supports py3-none-any: placed with the other pure wheels, after better tags.
    assert.deepEqual(
      a
        .at(-1)!
        .files.map((f) => f.filename)
        .slice(2, 4),
      ["demo-1.0-py3-none-any.whl", "demo-1.0-py2.py3-none-any.whl"],
    );
  });

  it("uses only find-links with --no-index", async () => {
    const f = finder({ indexUrls: [], findLinks: [join(tmp.dir, "links")] });
    const before = server.requests.length;
    assert.deepEqual(summary(await f.candidates(name("other"))), [["2.0", ["other-2.0.tar.gz"]]]);
    assert.equal(server.requests.length, before);
  });
});

describe("allowedFormats", () => {
  it("follows pip: a name beats :all:, only-binary beats no-binary", () => {
    const cases: [string[], string[], string, string[]][] = [
      [[], [], "x", ["binary", "source"]],
      [[":all:"], [], "x", ["binary"]],
      [[], [":all:"], "x", ["source"]],
      [[":all:"], ["X"], "x", ["source"]],
      [["x"], [":all:"], "x", ["binary"]],
      [["x"], ["x"], "x", ["binary"]],
    ];
    for (const [onlyBinary, noBinary, project, expected] of cases) {
      assert.deepEqual([...allowedFormats({ onlyBinary, noBinary }, project)].sort(), expected.sort(), JSON.stringify([onlyBinary, noBinary]));
    }
  });
});

describe("requiresPythonAllows", () => {
  it("compares the full version, and ignores invalid values", () => {
    assert.equal(requiresPythonAllows(">=3.8", "3.11.7"), true);
    assert.equal(requiresPythonAllows(">=3.12", "3.11.7"), false);
    assert.equal(requiresPythonAllows("~=3.11.0", "3.11.7"), true);
    assert.equal(requiresPythonAllows(">=3.13", "3.13.0rc1"), false);
    assert.equal(requiresPythonAllows(">=3.13.0rc1", "3.13.0rc1"), true);
    assert.equal(requiresPythonAllows("!!", "3.11.7"), true);
    assert.equal(requiresPythonAllows(null, "3.11.7"), true);
  });
});
