// Credentials as clients send them: a password with ':' in it (RFC 7617 splits user-id and
// password at the first colon) works from curl and pip; a token revoked from another process
// (the admin command) or past its expiry is refused on the very next request, whatever this
// process verified before.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { basicAuth } from "../support/upload-form.ts";
import { uploadWheel } from "../support/legacy-upload.ts";
import { createVenv, pip, type Venv } from "../support/python.ts";
import { describeRun, run } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";

const repoRoot = new URL("../..", import.meta.url).pathname;
const TIMEOUT = { timeout: 120_000 };
const SPEC: WheelSpec = { name: "vault-pkg", version: "1.0" };
const PAGE = "/vault/simple/vault-pkg/";
const PASSWORD = "pa:ss:w0rd:";

let registry: TestRegistry;
let venv: Venv;

before(async () => {
  [registry, venv] = await Promise.all([startRegistry(), makeTempDir("wh-credentials-venv-").then(createVenv)]);
  await registry.createIndex("vault", { anonymousRead: false });
  await uploadWheel(`${registry.url}/vault/`, registry.adminToken, SPEC);
  await registry.admin("POST", "/api/admin/users", { username: "colon-user", password: PASSWORD });
});

after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

function read(authorization: string): Promise<number> {
  return fetch(`${registry.url}${PAGE}`, { headers: { authorization } }).then((r) => r.status);
}

/** `npm run admin -- …` as an operator runs it: another process, the same database. */
function adminCommand(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "apps/registry/src/admin-command.ts", ...args],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: registry.databaseUrl } },
      (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr }),
    );
  });
}

test("a password containing ':' logs in, split at the first colon (RFC 7617)", TIMEOUT, async () => {
  assert.equal(await read(basicAuth("colon-user", PASSWORD)), 200);
  assert.equal(await read(basicAuth("colon-user", "pa")), 401, "not at the last colon, nor the second");
  const curl = await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", `colon-user:${PASSWORD}`, `${registry.url}${PAGE}`]);
  assert.equal(curl.stdout, "200", describeRun("curl -u", curl));
  const dest = await makeTempDir("wh-credentials-dl-");
  const url = new URL(`${registry.url}/vault/simple/`);
  url.username = "colon-user";
  url.password = encodeURIComponent(PASSWORD);
  const result = await pip(venv, "download", ["--no-deps", "--index-url", url.href, "--dest", dest, "vault-pkg"]);
  assert.equal(result.code, 0, describeRun("pip download with the password in the URL", result));
  assert.deepEqual(await readdir(dest), [wheelFilename(SPEC)]);
});

test("a token revoked by the admin command fails on the next request, though this process verified it a moment ago", TIMEOUT, async () => {
  const { token } = await registry.createUser("ci-bot", { scope: "read" });
  const auth = basicAuth("__token__", token);
  assert.equal(await read(auth), 200);
  assert.equal(await read(auth), 200);
  const prefix = token.split("_")[1]!;
  const revoked = await adminCommand("revoke-token", prefix);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(await read(auth), 401);
  const upload = await fetch(`${registry.url}/vault/`, { method: "POST", headers: { authorization: auth } });
  assert.equal(upload.status, 403);
});

test("a token stops working the moment it expires", TIMEOUT, async () => {
  await registry.admin("POST", "/api/admin/users", { username: "short-lived" });
  const expiresAt = new Date(Date.now() + 3_000);
  const { token } = await registry.admin<{ token: string }>("POST", "/api/admin/tokens", {
    username: "short-lived",
    scope: "read",
    expiresAt: expiresAt.toISOString(),
  });
  const auth = basicAuth("__token__", token);
  assert.equal(await read(auth), 200);
  await sleep(expiresAt.getTime() - Date.now() + 100);
  assert.equal(await read(auth), 401);
});
