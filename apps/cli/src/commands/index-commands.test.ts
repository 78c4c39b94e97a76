// hash, index, cache and download, against a local index; hash and `index versions` compared
// with pip's own output for the same input.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { CommandContext, CommandName } from "../core/config/cli-options.ts";
import { defaultOptions, type Options } from "../core/config/options.ts";
import { findPython } from "../core/environment/find-python.ts";
import { inspectPython } from "../core/environment/inspect-python.ts";
import type { CommandTarget } from "../pipeline/command-session.ts";
import { buildWheel, jsonPage, sha256, tempCacheDir, TestServer } from "../../test/index-fixtures.ts";
import { run as cache } from "./cache.ts";
import { run as download } from "./download.ts";
import { run as hash } from "./hash.ts";
import { run as index } from "./index.ts";

const execFileAsync = promisify(execFile);

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function pip(args: string[], cwd: string): Promise<Captured> {
  const python = await findPython();
  try {
    const { stdout, stderr } = await execFileAsync(python, ["-m", "pip", "--isolated", "--no-cache-dir", "--disable-pip-version-check", ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { code: typeof err.code === "number" ? err.code : 1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

describe("hash, index, cache, download", () => {
  let server: TestServer;
  let tmp: Awaited<ReturnType<typeof tempCacheDir>>;
  let target: CommandTarget;
  const demo1 = buildWheel({ name: "demo", version: "1.0" });
  const demo2 = buildWheel({ name: "demo", version: "2.0" });
  const demo3b = buildWheel({ name: "demo", version: "3.0b1" });

  async function call(
    command: (ctx: CommandContext, deps?: { target?: () => Promise<CommandTarget>; credentials?: null }) => Promise<number>,
    name: CommandName,
    args: string[],
    options: Partial<Options> = {},
  ): Promise<Captured> {
    let stdout = "";
    let stderr = "";
    const ctx: CommandContext = {
      command: name,
      options: { ...defaultOptions({ HOME: tmp.dir }), cacheDir: join(tmp.dir, "cache"), indexUrl: server.url("/simple/"), ...options },
      origins: {},
      args,
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: { PATH: process.env.PATH ?? "", HOME: tmp.dir },
      cwd: tmp.dir,
    };
    const code = await command(ctx, { target: async () => target, credentials: null });
    return { code, stdout, stderr };
  }

  before(async () => {
    server = await new TestServer().start();
    tmp = await tempCacheDir();
    target = await inspectPython(await findPython());
    const entry = (w: { filename: string; body: Buffer }, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      filename: w.filename,
      url: `/files/${w.filename}`,
      hashes: { sha256: sha256(w.body) },
      ...extra,
    });
    server.serve(
      "/simple/demo/",
      jsonPage("demo", [
        entry(demo1),
        entry(demo2),
        entry(demo3b),
        { filename: "demo-4.0-cp27-cp27mu-manylinux1_x86_64.whl", url: "/files/demo-4.0-cp27-cp27mu-manylinux1_x86_64.whl", hashes: {} },
        { filename: "demo-5.0.tar.gz", url: "/files/demo-5.0.tar.gz", hashes: {}, "requires-python": ">=4" },
      ]),
    );
    for (const w of [demo1, demo2, demo3b]) server.serve(`/files/${w.filename}`, { body: w.body, ranges: true });
    server.serve("/bad/demo/", jsonPage("demo", [{ ...entry(demo2), url: `/files/${demo2.filename}`, hashes: { sha256: "0".repeat(64) } }]));
  });
  after(async () => {
    await server.stop();
    await tmp.remove();
  });

  it("hash prints what pip hash prints", async () => {
    await writeFile(join(tmp.dir, "demo-1.0.tar.gz"), "some archive");
    for (const algorithm of ["sha256", "sha512"] as const) {
      const ours = await call(hash, "hash", ["demo-1.0.tar.gz"], { algorithm });
      const theirs = await pip(["hash", "-a", algorithm, "demo-1.0.tar.gz"], tmp.dir);
      assert.equal(ours.code, 0);
      assert.equal(ours.stdout, theirs.stdout);
    }
    assert.equal((await call(hash, "hash", [])).code, 1);
    const missing = await call(hash, "hash", ["nope.whl"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "ERROR: Could not read nope.whl: No such file or directory\n");
  });

  it("index versions prints what pip index versions prints", async () => {
    const ours = await call(index, "index", ["versions", "demo"]);
    const theirs = await pip(["index", "versions", "--index-url", server.url("/simple/"), "demo"], tmp.dir);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, "demo (2.0)\nAvailable versions: 2.0, 1.0\n");
    assert.equal(ours.stdout, theirs.stdout);
    const pre = await call(index, "index", ["versions", "demo"], { pre: true });
    assert.equal(pre.stdout, "demo (3.0b1)\nAvailable versions: 3.0b1, 2.0, 1.0\n");
    const none = await call(index, "index", ["versions", "nothing"]);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, "ERROR: No matching distribution found for nothing\n");
    assert.equal((await call(index, "index", [])).stderr, "ERROR: Need an action (versions) to perform.\n");
    assert.equal((await call(index, "index", ["versions"])).stderr, "ERROR: You need to specify exactly one argument\n");
  });

  it("download saves the selected archives, then reuses the cache with no file request", async () => {
    const dest = join(tmp.dir, "dl");
    const first = await call(download, "download", ["demo<2"], { dest, noDeps: true });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stdout,
      `Collecting demo<2\n  Downloading ${demo1.filename} (${demo1.body.length} bytes)\nSaved ./dl/${demo1.filename}\nSuccessfully downloaded demo\n`,
    );
    assert.deepEqual(await readFile(join(dest, demo1.filename)), demo1.body);
    const fileRequests = server.requestsFor(`/files/${demo1.filename}`).length;
    const again = await call(download, "download", ["demo<2"], { dest, noDeps: true });
    assert.equal(
      again.stdout,
      `Collecting demo<2\n  Using cached ${demo1.filename} (${demo1.body.length} bytes)\n` +
        `File was already downloaded ./dl/${demo1.filename}\nSuccessfully downloaded demo\n`,
    );
    assert.equal(server.requestsFor(`/files/${demo1.filename}`).length, fileRequests);
  });

  it("download checks --hash from a requirements file and refuses a mismatch, as pip does", async () => {
    const dest = join(tmp.dir, "dl-hash");
    const wrong = "f".repeat(64);
    await writeFile(join(tmp.dir, "req.txt"), `demo==2.0 --hash=sha256:${wrong}\n`);
    const result = await call(download, "download", [], { dest, noDeps: true, requirements: ["req.txt"] });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      [
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. " +
          "Otherwise, examine the package contents carefully; someone may have tampered with them.",
        `    demo==2.0 from ${server.url(`/files/${demo2.filename}`)}:`,
        `        Expected sha256 ${wrong}`,
        `             Got        ${sha256(demo2.body)}`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(await readdir(dest).catch(() => []), []);
    const bad = await call(download, "download", ["demo==2.0"], { dest, noDeps: true, indexUrl: server.url("/bad/") });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Expected sha256 0{64}/);
  });

  it("download explains a requirement nothing satisfies", async () => {
    const result = await call(download, "download", ["demo>5"], { noDeps: true });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "ERROR: Could not find a version that satisfies the requirement demo>5 (from versions: 1.0, 2.0, 3.0b1)\n" +
        "ERROR: No matching distribution found for demo>5\n",
    );
  });

  it("cache dir, info, list, remove and purge work on the download cache", async () => {
    const cacheDir = join(tmp.dir, "cache");
    assert.equal((await call(cache, "cache", ["dir"])).stdout, `${cacheDir}\n`);
    const info = await call(cache, "cache", ["info"]);
    assert.match(info.stdout, /^Package index page cache location: .*\/pages$/m);
    assert.match(info.stdout, /^Number of downloaded wheels: 1$/m);
    assert.match(info.stdout, /^Number of metadata files: 0$/m);
    const list = await call(cache, "cache", ["list"]);
    assert.equal(list.stdout, `Cache contents:\n\n - ${demo1.filename} (${demo1.body.length} bytes)\n`);
    const abspath = await call(cache, "cache", ["list", "dem?"], { cacheListFormat: "abspath" });
    assert.equal(abspath.stdout, `${join(cacheDir, "files", sha256(demo1.body).slice(0, 2), sha256(demo1.body), demo1.filename)}\n`);
    assert.equal((await call(cache, "cache", ["list", "other"])).stdout, "No cached wheels or sdists.\n");
    const none = await call(cache, "cache", ["remove", "other"]);
    assert.equal(none.stderr, 'WARNING: No matching packages for pattern "other"\n');
    assert.equal(none.stdout, "Files removed: 0\n");
    assert.equal((await call(cache, "cache", ["remove", "demo-1.0"])).stdout, "Files removed: 1\n");
    assert.equal((await call(cache, "cache", ["list"])).stdout, "No cached wheels or sdists.\n");
    assert.match((await call(cache, "cache", ["purge"])).stdout, /^Files removed: \d+\n$/);
    assert.equal((await call(cache, "cache", ["bogus"])).stderr, "ERROR: Need an action (dir, info, list, purge, remove) to perform.\n");
    assert.equal(
      (await call(cache, "cache", ["dir"], { noCacheDir: true })).stderr,
      "ERROR: wheelhouse cache commands can not function since cache is disabled.\n",
    );
    await mkdir(cacheDir, { recursive: true });
  });
});
