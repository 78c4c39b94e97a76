// `wheelhouse upload` against a real registry (and, for redirects and retries, a bare HTTP
// server): what twine users rely on — repository from flags, env or ~/.pypirc, --skip-existing,
// PyPI's messages passed through, and secrets kept out of the output.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdir, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildSdist, buildWheel, sdistFilename, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";
import { main } from "../../apps/cli/src/main.ts";
import { parsePypirc, repositoryConfig } from "../../apps/cli/src/features/upload/pypirc.ts";
import { findDists } from "../../apps/cli/src/features/upload/find-dists.ts";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together. */
  output: string;
}

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

describe("wheelhouse upload", { timeout: 120_000 }, () => {
  let registry: TestRegistry;
  let token: string;

  before(async () => {
    registry = await startRegistry();
    ({ token } = await registry.createUser(uniqueName("uploader"), { scope: "upload" }));
  });
  after(async () => {
    await registry?.stop();
    await removeTempDirs();
  });

  /** A HOME with nothing in it (no pip.conf, .pypirc or .netrc) and keyring off. */
  async function cleanEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
    const home = await makeTempDir("wh-upload-home-");
    return { HOME: home, PATH: process.env.PATH ?? "", PIP_KEYRING_PROVIDER: "disabled", ...extra };
  }

  async function wheelhouse(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Result> {
    let stdout = "";
    let stderr = "";
    const code = await main(["upload", ...args], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env,
      cwd,
    });
    return { code, stdout, stderr, output: stdout + stderr };
  }

  /** Writes a wheel and an sdist of `spec` into a fresh `dist/`; returns the project dir and the files. */
  async function writeDists(spec: WheelSpec): Promise<{ dir: string; wheel: string; sdist: string; wheelBytes: Buffer; sdistBytes: Buffer }> {
    const dir = await makeTempDir("wh-upload-proj-");
    await mkdir(join(dir, "dist"));
    const wheelBytes = buildWheel(spec).body;
    const sdistBytes = buildSdist(spec).body;
    await writeFile(join(dir, "dist", wheelFilename(spec)), wheelBytes);
    await writeFile(join(dir, "dist", sdistFilename(spec)), sdistBytes);
    return { dir, wheel: `dist/${wheelFilename(spec)}`, sdist: `dist/${sdistFilename(spec)}`, wheelBytes, sdistBytes };
  }

  async function simpleFiles(name: string): Promise<Map<string, string>> {
    const response = await fetch(`${registry.url}/simple/${name}/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } });
    if (response.status === 404) return new Map();
    assert.equal(response.status, 200);
    const page = (await response.json()) as { files: Array<{ filename: string; hashes: { sha256: string } }> };
    return new Map(page.files.map((f) => [f.filename, f.hashes.sha256]));
  }

  const uploadUrl = (): string => `${registry.url}/`;

  it("uploads a wheel and an sdist with --repository-url and a __token__; the index lists them with their sha256", async () => {
    const spec = { name: uniqueName("up-basic"), version: "1.0" };
    const dists = await writeDists(spec);
    // A detached signature next to them is not uploaded (twine attaches it; PyPI no longer takes them).
    await writeFile(join(dists.dir, "dist", `${sdistFilename(spec)}.asc`), "-----BEGIN PGP SIGNATURE-----\n");
    // `dist/*` as a shell leaves it when quoted: expanded here, as twine does. The sdist is given first.
    const result = await wheelhouse(["--repository-url", uploadUrl(), "-u", "__token__", "-p", token, "dist/*"], await cleanEnv(), dists.dir);
    assert.equal(result.code, 0, result.output);
    assert.match(result.stdout, new RegExp(`Uploading distributions to ${uploadUrl()}`));
    // twine's order: wheels first.
    const order = [...result.stdout.matchAll(/^Uploading (\S+\.(?:whl|tar\.gz))$/gm)].map((m) => m[1]);
    assert.deepEqual(order, [wheelFilename(spec), sdistFilename(spec)]);
    const files = await simpleFiles(spec.name);
    assert.equal(files.get(wheelFilename(spec)), sha256(dists.wheelBytes));
    assert.equal(files.get(sdistFilename(spec)), sha256(dists.sdistBytes));
    assert.equal(files.size, 2);
    assert.ok(!result.output.includes(token), "the token is never printed");
  });

  it("--skip-existing skips files already there; without it a different file of the same name fails with PyPI's message", async () => {
    const spec = { name: uniqueName("up-skip"), version: "1.0" };
    const dists = await writeDists(spec);
    const env = await cleanEnv();
    const auth = ["--repository-url", uploadUrl(), "-u", "__token__", "-p", token];
    assert.equal((await wheelhouse([...auth, dists.wheel, dists.sdist], env, dists.dir)).code, 0);

    const again = await wheelhouse([...auth, "--skip-existing", dists.wheel, dists.sdist], env, dists.dir);
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, new RegExp(`Skipping ${wheelFilename(spec).replace(/\./g, "\\.")} because it appears to already exist`));
    assert.match(again.output, new RegExp(`Skipping ${sdistFilename(spec).replace(/\./g, "\\.")} because it appears to already exist`));

    // Same filename, other bytes.
    const other = await makeTempDir("wh-upload-other-");
    await writeFile(join(other, wheelFilename(spec)), buildWheel({ ...spec, summary: "different bytes" }).body);
    const conflict = await wheelhouse([...auth, wheelFilename(spec)], env, other);
    assert.equal(conflict.code, 1, conflict.output);
    assert.match(conflict.stderr, /ERROR: HTTPError: 400 Bad Request from/);
    assert.match(conflict.stderr, /File already exists/);

    // With --skip-existing the same refusal is a skip (the pre-check sees the filename first).
    const skipped = await wheelhouse([...auth, "--skip-existing", wheelFilename(spec)], env, other);
    assert.equal(skipped.code, 0, skipped.output);
    assert.match(skipped.output, /Skipping .* because it appears to already exist/);
    // The index still has the first upload.
    assert.equal((await simpleFiles(spec.name)).get(wheelFilename(spec)), sha256(dists.wheelBytes));
  });

  it("takes the repository and credentials from ~/.pypirc", async () => {
    const spec = { name: uniqueName("up-pypirc"), version: "2.0" };
    const dists = await writeDists(spec);
    const env = await cleanEnv();
    await writeFile(
      join(env.HOME!, ".pypirc"),
      `[distutils]\nindex-servers =\n    corp\n    other\n\n[corp]\nrepository = ${uploadUrl()}\nusername = __token__\npassword = ${token}\n`,
    );
    const result = await wheelhouse(["--repository", "corp", dists.wheel], env, dists.dir);
    assert.equal(result.code, 0, result.output);
    assert.equal((await simpleFiles(spec.name)).get(wheelFilename(spec)), sha256(dists.wheelBytes));

    const missing = await wheelhouse(["-r", "nowhere", dists.wheel], env, dists.dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Missing 'nowhere' section from .*\.pypirc/);

    // The default `pypi` section is not in this file: no fallback to pypi.org.
    const byDefault = await wheelhouse([dists.wheel], env, dists.dir);
    assert.equal(byDefault.code, 1);
    assert.match(byDefault.stderr, /Missing 'pypi' section/);
  });

  it("refuses to guess a repository: no URL, no .pypirc, or a [pypi] section without one", async () => {
    const spec = { name: uniqueName("up-none"), version: "1.0" };
    const dists = await writeDists(spec);
    const env = await cleanEnv();
    const none = await wheelhouse(["-u", "__token__", "-p", token, dists.wheel], env, dists.dir);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No repository to upload to \(wheelhouse never uploads to pypi\.org by default\)/);
    assert.match(none.stderr, /--repository-url/);

    await writeFile(join(env.HOME!, ".pypirc"), "[pypi]\nusername = __token__\n");
    const bare = await wheelhouse([dists.wheel], env, dists.dir);
    assert.equal(bare.code, 1);
    assert.match(bare.stderr, /The 'pypi' section of .* sets no repository URL/);
    assert.equal((await simpleFiles(spec.name)).size, 0);
  });

  it("takes TWINE_REPOSITORY_URL, TWINE_USERNAME and TWINE_PASSWORD", async () => {
    const spec = { name: uniqueName("up-env"), version: "1.0" };
    const dists = await writeDists(spec);
    const env = await cleanEnv({ TWINE_REPOSITORY_URL: uploadUrl(), TWINE_USERNAME: "__token__", TWINE_PASSWORD: token });
    const result = await wheelhouse([dists.sdist], env, dists.dir);
    assert.equal(result.code, 0, result.output);
    assert.equal((await simpleFiles(spec.name)).get(sdistFilename(spec)), sha256(dists.sdistBytes));
  });

  it("takes a bare token as __token__, and credentials from netrc", async () => {
    const spec = { name: uniqueName("up-netrc"), version: "1.0" };
    const dists = await writeDists(spec);
    const tokenOnly = await wheelhouse(["--repository-url", uploadUrl(), "-p", token, dists.wheel], await cleanEnv(), dists.dir);
    assert.equal(tokenOnly.code, 0, tokenOnly.output);

    const env = await cleanEnv();
    await writeFile(join(env.HOME!, ".netrc"), `machine 127.0.0.1 login __token__ password ${token}\n`, { mode: 0o600 });
    const result = await wheelhouse(["--repository-url", uploadUrl(), dists.sdist], env, dists.dir);
    assert.equal(result.code, 0, result.output);
    assert.equal((await simpleFiles(spec.name)).size, 2);
  });

  it("fails with the 403 and never shows the password, even with -v", async () => {
    const spec = { name: uniqueName("up-denied"), version: "1.0" };
    const dists = await writeDists(spec);
    const wrong = `pypi-wrong-${randomBytes(12).toString("hex")}`;
    const url = `${registry.url.replace("://", `://__token__:${wrong}@`)}/`;
    const result = await wheelhouse(["-v", "--repository-url", url, dists.wheel], await cleanEnv(), dists.dir);
    assert.equal(result.code, 1, result.output);
    assert.match(result.stderr, /HTTPError: 403 Forbidden from http:\/\/__token__:\*\*\*\*@127\.0\.0\.1/);
    assert.match(result.stdout, /password: <hidden>/);
    assert.ok(!result.output.includes(wrong), "the password is nowhere in the output");

    const flags = await wheelhouse(["--repository-url", uploadUrl(), "-u", "__token__", "-p", wrong, dists.wheel], await cleanEnv(), dists.dir);
    assert.equal(flags.code, 1);
    assert.match(flags.stderr, /403/);
    assert.ok(!flags.output.includes(wrong));
    assert.equal((await simpleFiles(spec.name)).size, 0);
  });

  it("streams a 2 MiB wheel", async () => {
    const spec = { name: uniqueName("up-large"), version: "1.0" };
    const dir = await makeTempDir("wh-upload-large-");
    // Random bytes, which do not compress: the file really is 2 MiB.
    const bytes = buildWheel({ ...spec, files: { [`${spec.name.replace(/-/g, "_")}/blob.bin`]: new Uint8Array(randomBytes(2 * 1024 * 1024)) } }).body;
    assert.ok(bytes.length > 2 * 1024 * 1024);
    await writeFile(join(dir, wheelFilename(spec)), bytes);
    const result = await wheelhouse(["--repository-url", uploadUrl(), "-u", "__token__", "-p", token, "-v", wheelFilename(spec)], await cleanEnv(), dir);
    assert.equal(result.code, 0, result.output);
    assert.match(result.stdout, /\(2\.0 MB\)/);
    assert.equal((await simpleFiles(spec.name)).get(wheelFilename(spec)), sha256(bytes));
  });

  it("reports a missing file or pattern, and an unknown format, before uploading anything", async () => {
    const dists = await writeDists({ name: uniqueName("up-bad"), version: "1.0" });
    const auth = ["--repository-url", uploadUrl(), "-u", "__token__", "-p", token];
    const missing = await wheelhouse([...auth, dists.wheel, "build/*.whl"], await cleanEnv(), dists.dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot find file \(or expand pattern\): 'build\/\*\.whl'/);
    assert.doesNotMatch(missing.stdout, /^Uploading \S+\.whl$/m);

    await writeFile(join(dists.dir, "dist", "thing.egg"), "x");
    const egg = await wheelhouse([...auth, "dist/thing.egg"], await cleanEnv(), dists.dir);
    assert.equal(egg.code, 1);
    assert.match(egg.stderr, /Unknown distribution format: 'thing\.egg'/);
  });

  describe("against a bare HTTP server", () => {
    let server: Server;
    let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
    let base = "";
    before(async () => {
      server = createServer((req, res) => {
        // Read the whole upload before answering, as a real server does.
        req.resume();
        req.on("end", () => handler(req, res));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("does not follow a redirect, and says the URL lacks its trailing slash", async () => {
      const dists = await writeDists({ name: uniqueName("up-redirect"), version: "1.0" });
      handler = (req, res) => {
        res.writeHead(301, { location: `${req.url}/` }).end();
      };
      const result = await wheelhouse(["--repository-url", `${base}/legacy`, "-u", "__token__", "-p", token, dists.wheel], await cleanEnv(), dists.dir);
      assert.equal(result.code, 1, result.output);
      assert.match(result.stderr, new RegExp(`${base}/legacy attempted to redirect to ${base}/legacy/\\.`));
      assert.match(result.stderr, /Your repository URL is missing a trailing slash/);
    });

    it("retries a 5xx, then succeeds; 409 with --skip-existing is a skip", async () => {
      const dists = await writeDists({ name: uniqueName("up-retry"), version: "1.0" });
      let posts = 0;
      handler = (req, res) => {
        if (req.method !== "POST") return void res.writeHead(404).end();
        posts++;
        if (posts <= 2) return void res.writeHead(503, "Service Unavailable").end("try later");
        res.writeHead(200).end("OK");
      };
      const result = await wheelhouse(["--repository-url", `${base}/`, "-u", "__token__", "-p", token, dists.wheel], await cleanEnv(), dists.dir);
      assert.equal(result.code, 0, result.output);
      assert.equal(posts, 3);
      assert.match(result.stderr, /Received "503: Service Unavailable"\nPackage upload appears to have failed\. Retry 1 of 4\./);

      handler = (req, res) => {
        if (req.method !== "POST") return void res.writeHead(404).end();
        res.writeHead(409, "Conflict").end("exists");
      };
      const skipped = await wheelhouse(
        ["--repository-url", `${base}/`, "-u", "__token__", "-p", token, "--skip-existing", dists.wheel],
        await cleanEnv(),
        dists.dir,
      );
      assert.equal(skipped.code, 0, skipped.output);
      assert.match(skipped.output, /Skipping .* because it appears to already exist/);

      // PyPI: 400 with the message in the reason phrase; a skip only with --skip-existing.
      handler = (req, res) => {
        if (req.method !== "POST") return void res.writeHead(404).end();
        res.writeHead(400, "File already exists ('x.whl', with blake2_256 hash 'ab').").end("<html><body><h1>400 File already exists</h1></body></html>");
      };
      const pypiStyle = await wheelhouse(["--repository-url", `${base}/`, "-p", token, "--skip-existing", dists.wheel], await cleanEnv(), dists.dir);
      assert.equal(pypiStyle.code, 0, pypiStyle.output);
      assert.match(pypiStyle.output, /Skipping .* because it appears to already exist/);
      const refused = await wheelhouse(["--repository-url", `${base}/`, "-p", token, dists.wheel], await cleanEnv(), dists.dir);
      assert.equal(refused.code, 1);
      assert.equal(
        refused.stderr,
        `ERROR: HTTPError: 400 Bad Request from ${base}/\nFile already exists ('x.whl', with blake2_256 hash 'ab').\n400 File already exists\n`,
      );
    });
  });
});

describe("upload helpers", () => {
  it("reads .pypirc as twine does", () => {
    const pypirc = parsePypirc(
      "[distutils]\nindex-servers =\n  corp\n  pypi\n\n[server-login]\nusername: fallback\n\n# comment\n" +
        "[corp]\nRepository = https://pypi.corp.example/\npassword = s3cr=t\n[unlisted]\nrepository = https://x/\n",
    );
    assert.deepEqual(pypirc.indexServers, ["corp", "pypi"]);
    assert.deepEqual(repositoryConfig(pypirc, "corp"), {
      repository: "https://pypi.corp.example/",
      username: "fallback",
      password: "s3cr=t",
      caCert: null,
      clientCert: null,
    });
    assert.equal(repositoryConfig(pypirc, "unlisted"), null);
    assert.equal(repositoryConfig(pypirc, "pypi"), null);
  });

  it("expands globs, drops signatures, puts wheels first", async () => {
    const dir = await makeTempDir("wh-upload-glob-");
    for (const f of ["a-1.0.tar.gz", "a-1.0-py3-none-any.whl", "a-1.0.tar.gz.asc", ".hidden.whl"]) await writeFile(join(dir, f), "");
    assert.deepEqual(await findDists(["*"], dir), ["a-1.0-py3-none-any.whl", "a-1.0.tar.gz"]);
    assert.deepEqual(await findDists(["a-1.0.tar.gz", "*.whl"], dir), ["a-1.0-py3-none-any.whl", "a-1.0.tar.gz"]);
    assert.deepEqual(await findDists([join(dir, "a-1.0.t?r.gz")], "/"), [join(dir, "a-1.0.tar.gz")]);
    await removeTempDirs();
  });
});
