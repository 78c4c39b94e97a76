import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { authorizationHeader, Credentials, type AuthLogLevel } from "./credentials.ts";
import { keyringBackend, NO_KEYRING, SubprocessKeyring } from "./keyring.ts";

/**
 * A fake `keyring` on PATH: logs its argv (one line per run, arguments joined by "|") and answers
 * from a table of "argv → stdout"; anything else exits 1, as keyring does for "not found".
 */
function fakeKeyring(answers: Record<string, string>): { env: NodeJS.ProcessEnv; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), "wh-keyring-"));
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  const cases = Object.entries(answers)
    .map(([argv, out]) => `  ${JSON.stringify(argv)}) printf '%s\\n' ${shellQuote(out)}; exit 0 ;;`)
    .join("\n");
  const script = `#!/bin/sh
args=$(printf '%s|' "$@"); args=\${args%|}
printf '%s\\n' "$args" >> ${shellQuote(log)}
[ "$PYTHONIOENCODING" = "utf-8" ] || { echo "PYTHONIOENCODING not set" >&2; exit 3; }
case "$args" in
${cases}
esac
exit 1
`;
  writeFileSync(join(dir, "keyring"), script);
  chmodSync(join(dir, "keyring"), 0o755);
  return {
    env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir },
    calls: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l !== ""),
  };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

function noNetrc(): { netrcFile: null } {
  return { netrcFile: null };
}

test("the URL's own userinfo, remembered for its netloc", () => {
  const credentials = new Credentials({ keyring: NO_KEYRING, ...noNetrc(), env: {} });
  assert.deepEqual(credentials.forUrl("https://alice:s3cret@pypi.corp/simple/"), { username: "alice", password: "s3cret" });
  assert.deepEqual(credentials.forUrl("https://pypi.corp/files/x.whl"), { username: "alice", password: "s3cret" });
  assert.deepEqual(credentials.forUrl("https://PYPI.corp/other"), { username: "alice", password: "s3cret" });
  assert.equal(credentials.forUrl("https://elsewhere.example/"), null);
});

test("an index URL's userinfo covers the URLs under it, not the rest of the host", () => {
  const credentials = new Credentials({
    indexUrls: ["https://pypi.org/simple", "https://ci:tok@pypi.corp/root/simple/"],
    keyring: NO_KEYRING,
    ...noNetrc(),
    env: {},
  });
  assert.equal(credentials.forUrl("https://pypi.corp/other/simple/x/"), null);
  assert.deepEqual(credentials.forUrl("https://pypi.corp/root/simple/requests/"), { username: "ci", password: "tok" });
  assert.deepEqual(credentials.forUrl("https://pypi.corp/root/simple"), { username: "ci", password: "tok" });
  assert.equal(credentials.indexUrlFor("https://pypi.org/simple/six/"), "https://pypi.org/simple");
});

test("netrc when the URL and index carry nothing; the URL's own credentials first", () => {
  const dir = mkdtempSync(join(tmpdir(), "wh-netrc-"));
  writeFileSync(join(dir, ".netrc"), "machine pypi.corp login nancy password from-netrc\ndefault login anon password x\n");
  const credentials = new Credentials({ keyring: NO_KEYRING, env: { HOME: dir } });
  assert.deepEqual(credentials.forUrl("https://pypi.corp:8443/simple/"), { username: "nancy", password: "from-netrc" });
  assert.deepEqual(credentials.forUrl("https://u:p@other.example/"), { username: "u", password: "p" });
  assert.deepEqual(new Credentials({ keyring: NO_KEYRING, env: { NETRC: join(dir, ".netrc") } }).forUrl("https://x.example/"), {
    username: "anon",
    password: "x",
  });
});

test("a username-only URL sends that user with an empty password", () => {
  const credentials = new Credentials({ keyring: NO_KEYRING, ...noNetrc(), env: {} });
  assert.deepEqual(credentials.forUrl("https://__token__@pypi.corp/simple/"), { username: "__token__", password: "" });
});

test("a malformed netrc is ignored with a warning", () => {
  const dir = mkdtempSync(join(tmpdir(), "wh-netrc-"));
  writeFileSync(join(dir, ".netrc"), "nonsense\n");
  const logs: Array<[AuthLogLevel, string]> = [];
  const credentials = new Credentials({ keyring: NO_KEYRING, env: { HOME: dir }, log: (level, m) => logs.push([level, m]) });
  assert.equal(credentials.forUrl("https://pypi.corp/"), null);
  assert.deepEqual(
    logs.filter(([level]) => level === "warning"),
    [["warning", `Ignoring netrc file: bad toplevel token "nonsense" (${join(dir, ".netrc")}, line 1)`]],
  );
});

test("after a 401: keyring get <index url> <username>, then remembered for the netloc", async () => {
  const keyring = fakeKeyring({ "get|https://pypi.corp/simple|__token__": "pypi-secret-token" });
  const credentials = new Credentials({
    indexUrls: ["https://__token__@pypi.corp/simple"],
    keyring: "subprocess",
    ...noNetrc(),
    env: keyring.env,
  });
  assert.equal(credentials.forUrl("https://pypi.corp/simple/pkg/"), null);
  assert.equal(await credentials.handle401("https://pypi.corp/simple/pkg/", { status: 403 }), null);
  assert.equal(await credentials.handle401("https://pypi.corp/simple/pkg/", { status: 404 }), null);
  assert.deepEqual(keyring.calls(), [], "keyring is asked only after a 401");
  const found = await credentials.handle401("https://pypi.corp/simple/pkg/", { status: 401 });
  assert.deepEqual(found, { username: "__token__", password: "pypi-secret-token" });
  assert.deepEqual(keyring.calls(), ["get|https://pypi.corp/simple|__token__"]);
  assert.deepEqual(credentials.forUrl("https://pypi.corp/files/pkg-1.0.whl"), found);
});

test("after a 401 without a username: keyring --mode=creds for the index URL, then the netloc", async () => {
  const keyring = fakeKeyring({
    "--mode=creds|--output=json|get|pypi.corp:8443": JSON.stringify({ username: "kim", password: "kr-pass" }),
  });
  const credentials = new Credentials({ indexUrls: ["https://pypi.corp:8443/simple/"], keyring: "auto", ...noNetrc(), env: keyring.env });
  const found = await credentials.handle401("https://pypi.corp:8443/simple/x/", { status: 401 });
  assert.deepEqual(found, { username: "kim", password: "kr-pass" });
  assert.deepEqual(keyring.calls(), ["--mode=creds|--output=json|get|https://pypi.corp:8443/simple/", "--mode=creds|--output=json|get|pypi.corp:8443"]);
});

test("the URL's username is used for keyring; not found anywhere gives null", async () => {
  const keyring = fakeKeyring({});
  const credentials = new Credentials({ keyring: "subprocess", ...noNetrc(), env: keyring.env });
  assert.equal(await credentials.handle401("https://bob@files.example/x.whl", { status: 401 }), null);
  assert.deepEqual(keyring.calls(), ["get|files.example|bob"]);
});

test("keyring disabled, or no keyring executable for auto: never run", async () => {
  const keyring = fakeKeyring({ "get|h|u": "pw" });
  const disabled = new Credentials({ keyring: "disabled", ...noNetrc(), env: keyring.env });
  assert.equal(await disabled.handle401("https://u@h/", { status: 401 }), null);
  assert.deepEqual(keyring.calls(), []);
  assert.equal(keyringBackend("auto", { PATH: "/nonexistent" }), NO_KEYRING);
  assert.ok(keyringBackend("auto", keyring.env) instanceof SubprocessKeyring);
  assert.ok(keyringBackend("import", keyring.env) instanceof SubprocessKeyring);
});

test("warnOn401 names the URL redacted", () => {
  const logs: string[] = [];
  const credentials = new Credentials({ keyring: NO_KEYRING, ...noNetrc(), env: {}, log: (_l, m) => logs.push(m) });
  credentials.warnOn401("https://u:topsecret@pypi.corp/simple/", { status: 401 });
  credentials.warnOn401("https://u:topsecret@pypi.corp/simple/", { status: 200 });
  assert.deepEqual(logs, ["401 Error, Credentials not correct for https://u:****@pypi.corp/simple/"]);
  assert.ok(!logs.join("").includes("topsecret"));
});

test("fromOptions takes the index URLs unless --no-index", () => {
  const options = { indexUrl: "https://a:b@i/simple", extraIndexUrls: ["https://c:d@e/simple"], noIndex: false, keyringProvider: "disabled" as const };
  assert.deepEqual(Credentials.fromOptions(options, {}).forUrl("https://e/simple/x/"), { username: "c", password: "d" });
  assert.equal(Credentials.fromOptions({ ...options, noIndex: true }, { HOME: "/nonexistent" }).forUrl("https://e/simple/x/"), null);
});

test("authorizationHeader", () => {
  assert.equal(authorizationHeader({ username: "__token__", password: "pypi-x" }), `Basic ${Buffer.from("__token__:pypi-x").toString("base64")}`);
});
