// The server-side admin command, run as a user would run it, against a real database.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createTestDatabase } from "@wheelhouse/db/testing";

const repoRoot = new URL("../../..", import.meta.url).pathname;
let database: Awaited<ReturnType<typeof createTestDatabase>>;

before(async () => {
  database = await createTestDatabase();
});
after(() => database.drop());

function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "apps/registry/src/admin-command.ts", ...args],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: database.url } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

test("creates users, indexes and tokens, and lists them", async () => {
  const user = await admin("create-user", "carol");
  assert.equal(user.code, 0, user.stderr);
  assert.match(JSON.parse(user.stdout).password, /^.{16,}$/);
  const index = await admin("create-index", "acme", "--private");
  assert.equal(index.code, 0, index.stderr);
  assert.equal(JSON.parse(index.stdout).anonymousRead, false);
  const token = await admin("create-token", "carol", "--scope", "upload", "--index", "acme", "--project", "Acme_Tools");
  assert.equal(token.code, 0, token.stderr);
  assert.match(JSON.parse(token.stdout).token, /^whk_[0-9a-f]{16}_/);
  const listed = JSON.parse((await admin("list-tokens", "--user", "carol")).stdout);
  assert.deepEqual(
    listed.map((t: { scope: string; index: string; project: string }) => [t.scope, t.index, t.project]),
    [["upload", "acme", "acme-tools"]],
  );
  const stored = await database.db.apiToken.findFirstOrThrow({ where: { user: { username: "carol" } } });
  assert.ok(!JSON.parse(token.stdout).token.includes(stored.secretHash), "only a hash of the secret is stored");
});

test("bad input gets a clear message and a non-zero exit", async () => {
  assert.deepEqual(await admin("create-token", "nobody", "--scope", "upload").then((r) => [r.code, r.stderr.trim()]), [1, "error: No user named 'nobody'."]);
  const badScope = await admin("create-token", "carol", "--scope", "everything");
  assert.equal(badScope.code, 2);
  assert.match(badScope.stderr, /^--scope must be read, upload or admin/);
  const reserved = await admin("create-index", "simple");
  assert.deepEqual([reserved.code, reserved.stderr.trim()], [1, "error: The index name 'simple' is reserved."]);
  const unknown = await admin("frobnicate");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^unknown command 'frobnicate'/);
});

test("create-index and update-index set a mirror's upstreamFileHosts; a PyPI mirror gets files.pythonhosted.org", async () => {
  const pypi = await admin("create-index", "pypi-files", "--kind", "mirror", "--upstream", "https://pypi.org/simple/");
  assert.equal(pypi.code, 0, pypi.stderr);
  assert.deepEqual(JSON.parse(pypi.stdout).upstreamFileHosts, ["files.pythonhosted.org"]);
  const nexus = await admin(
    "create-index",
    "nexus",
    "--kind",
    "mirror",
    "--upstream",
    "https://nexus.example/repository/pypi/simple/",
    "--upstream-file-hosts",
    "cdn.example, files.example:8443",
  );
  assert.equal(nexus.code, 0, nexus.stderr);
  assert.deepEqual(JSON.parse(nexus.stdout).upstreamFileHosts, ["cdn.example", "files.example:8443"]);
  const cleared = await admin("update-index", "nexus", "--upstream-file-hosts", "");
  assert.deepEqual(JSON.parse(cleared.stdout).upstreamFileHosts, [], cleared.stderr);
  const bad = await admin(
    "create-index",
    "nexus2",
    "--kind",
    "mirror",
    "--upstream",
    "https://nexus.example/simple/",
    "--upstream-file-hosts",
    "http://evil.example/",
  );
  assert.deepEqual(
    [bad.code, bad.stderr.trim()],
    [1, "error: Invalid upstreamFileHosts entry 'http://evil.example/': give a host, optionally with a port (files.pythonhosted.org, cdn.example.com:8443)."],
  );
});
