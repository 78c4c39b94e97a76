// A private index: anonymous reads get 401 + WWW-Authenticate, pip gets in with ~/.netrc.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, readdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { createVenv, makeDist, pip, type Venv } from "../support/python.ts";
import { twineUpload } from "../support/twine.ts";
import { describeRun, output } from "../support/run.ts";
import { fetchSimpleLinks } from "../support/simple-page.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";
import { moduleName, packageSpec } from "../support/projects.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";

const TIMEOUT = { timeout: 120_000 };

let registry: TestRegistry;
let venv: Venv;
let index: string;
let project: string;
let wheel: string;
let reader: { username: string; password: string; token: string };

before(async () => {
  const [started, created] = await Promise.all([startRegistry(), makeTempDir("wheelhouse-e2e-venv-").then(createVenv)]);
  registry = started;
  venv = created;
  index = uniqueName("private");
  await registry.createIndex(index, { anonymousRead: false });
  const uploader = await registry.createUser(uniqueName("uploader"), { scope: "upload", index });
  reader = await registry.createUser(uniqueName("reader"), { scope: "read", index });

  project = uniqueName("secret");
  const files = await makeDist(packageSpec(project, "1.0"));
  wheel = basename(files[0]!);
  const result = await twineUpload(`${registry.url}/${index}/`, files, { username: "__token__", password: uploader.token });
  assert.equal(result.code, 0, describeRun(`twine upload to the private index ${index}`, result));
});

after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

function simpleUrl(): string {
  return `${registry.url}/${index}/simple/`;
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** An isolated pip environment whose HOME holds a .netrc with these credentials. */
async function envWithNetrc(login: string, password: string): Promise<NodeJS.ProcessEnv> {
  const env = isolatedPipEnv();
  const netrc = join(env.HOME!, ".netrc");
  // Python's netrc module ignores a ~/.netrc that others can read.
  await writeFile(netrc, `machine 127.0.0.1\n  login ${login}\n  password ${password}\n`, { mode: 0o600 });
  await chmod(netrc, 0o600);
  return env;
}

async function installInto(env: NodeJS.ProcessEnv, extraArgs: readonly string[] = []): Promise<{ target: string; result: Awaited<ReturnType<typeof pip>> }> {
  const target = await makeTempDir();
  const args = ["--no-deps", "--target", target, "--index-url", simpleUrl(), ...extraArgs, project];
  const result = await pip(venv, "install", args, { env });
  return { target, result };
}

test("anonymous reads of a private index get 401 with WWW-Authenticate: Basic", TIMEOUT, async () => {
  for (const url of [`${simpleUrl()}${project}/`, simpleUrl()]) {
    for (const accept of ["text/html", "application/vnd.pypi.simple.v1+json"]) {
      const response = await fetch(url, { headers: { Accept: accept } });
      assert.equal(response.status, 401, `anonymous GET ${url} (${accept})`);
      assert.match(response.headers.get("www-authenticate") ?? "", /^Basic\b/i, `WWW-Authenticate on ${url}`);
      assert.ok(!(await response.text()).includes(wheel), "a 401 does not leak the file list");
    }
  }

  const links = await fetchSimpleLinks(`${simpleUrl()}${project}/`, { Authorization: basic(reader.username, reader.password) });
  assert.deepEqual(
    links.map((link) => link.filename),
    [wheel],
  );

  // The file itself is private too: its URL must not be a way around the index's auth.
  const href = new URL(links[0]!.href, `${simpleUrl()}${project}/`);
  const anonymousFile = await fetch(href);
  assert.equal(anonymousFile.status, 401, `anonymous GET ${href}`);
});

test("pip installs from the private index with user and password from ~/.netrc", TIMEOUT, async () => {
  const { target, result } = await installInto(await envWithNetrc(reader.username, reader.password));
  assert.equal(result.code, 0, describeRun(`pip install ${project} with a .netrc`, result));
  assert.deepEqual(
    (await readdir(target)).filter((entry) => entry.endsWith(".dist-info")),
    [`${moduleName(project)}-1.0.dist-info`],
  );
});

test("pip installs from the private index with __token__ and a read token from ~/.netrc", TIMEOUT, async () => {
  const { target, result } = await installInto(await envWithNetrc("__token__", reader.token));
  assert.equal(result.code, 0, describeRun(`pip install ${project} with a token in .netrc`, result));
  assert.ok((await readdir(target)).includes(`${moduleName(project)}-1.0.dist-info`));
});

test("pip fails against the private index with a wrong password in ~/.netrc, or none", TIMEOUT, async () => {
  // pip reports an index page's HTTP error only at -vv ("Could not fetch URL …: 401 Client Error").
  const wrong = await installInto(await envWithNetrc(reader.username, "wrong-password"), ["-vv"]);
  assert.notEqual(wrong.result.code, 0, describeRun("pip install with a wrong .netrc password", wrong.result));
  assert.match(output(wrong.result), /\b401\b/, describeRun("pip install with a wrong .netrc password", wrong.result));
  assert.deepEqual(await readdir(wrong.target), []);

  const none = await installInto(isolatedPipEnv(), ["-vv"]);
  assert.notEqual(none.result.code, 0, describeRun("pip install without credentials", none.result));
  assert.match(output(none.result), /\b401\b/, describeRun("pip install without credentials", none.result));
});
