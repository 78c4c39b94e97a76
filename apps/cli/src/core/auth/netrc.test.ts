import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidNetrc, netrcAuthenticators, netrcCredentials, netrcPath, parseNetrc } from "./netrc.ts";

test("machines, default, login/user, account, password in any order", () => {
  const netrc = parseNetrc(
    [
      "machine pypi.corp login alice password s3cret",
      "machine other.example",
      "  password pw2",
      "  account acct",
      "machine third user bob password x",
      "default login anonymous password guest@",
    ].join("\n"),
  );
  assert.deepEqual(netrcAuthenticators(netrc, "pypi.corp"), { login: "alice", account: "", password: "s3cret" });
  assert.deepEqual(netrcAuthenticators(netrc, "other.example"), { login: "", account: "acct", password: "pw2" });
  assert.deepEqual(netrcAuthenticators(netrc, "third")?.login, "bob");
  assert.deepEqual(netrcAuthenticators(netrc, "unknown.example"), { login: "anonymous", account: "", password: "guest@" });
  // requests: the login, else the account.
  assert.deepEqual(netrcCredentials(netrcAuthenticators(netrc, "other.example")!), { username: "acct", password: "pw2" });
});

test("no default: unknown hosts get nothing", () => {
  assert.equal(netrcAuthenticators(parseNetrc("machine a login b password c\n"), "z"), null);
});

test("macdef bodies are skipped up to the blank line", () => {
  const netrc = parseNetrc(
    ["machine a login u1 password p1", "macdef init", "cd /pub", "machine fake login no password no", "", "machine b login u2 password p2", ""].join("\n"),
  );
  assert.deepEqual([...netrc.hosts.keys()], ["a", "b"]);
  assert.deepEqual(netrc.macros.get("init"), ["cd /pub", "machine fake login no password no"]);
});

test("comments, quoted tokens and backslash escapes", () => {
  const netrc = parseNetrc(
    ["# my credentials", 'machine h login "user name" password "pa ss\\"word" # trailing comment', "machine k login a\\ b password c"].join("\n"),
  );
  assert.deepEqual(netrcAuthenticators(netrc, "h"), { login: "user name", account: "", password: 'pa ss"word' });
  assert.equal(netrcAuthenticators(netrc, "k")?.login, "a b");
});

test("a machine named twice: the later entry wins (Python's netrc)", () => {
  const netrc = parseNetrc("machine h login first password 1\nmachine h login second password 2\n");
  assert.equal(netrcAuthenticators(netrc, "h")?.login, "second");
});

const invalid: Array<[string, string, string]> = [
  ["a bad toplevel token", "login x\n", 'bad toplevel token "login" (~/.netrc, line 1)'],
  ["a bad follower token", "machine h\n  port 8080\n", 'bad follower token "port" (~/.netrc, line 2)'],
  ["a missing value", "machine h login", "missing value for login (~/.netrc, line 1)"],
  ["a missing machine name", "machine", "missing machine name (~/.netrc, line 1)"],
];
for (const [what, text, message] of invalid) {
  test(`invalid: ${what}`, () => {
    assert.throws(
      () => parseNetrc(text, "~/.netrc"),
      (e: unknown) => e instanceof InvalidNetrc && e.message === message,
    );
  });
}

test("netrcPath: $NETRC, else ~/.netrc, else ~/_netrc", () => {
  const home = mkdtempSync(join(tmpdir(), "wh-netrc-"));
  assert.equal(netrcPath({ HOME: home }), null);
  writeFileSync(join(home, "_netrc"), "");
  assert.equal(netrcPath({ HOME: home }), join(home, "_netrc"));
  writeFileSync(join(home, ".netrc"), "");
  assert.equal(netrcPath({ HOME: home }), join(home, ".netrc"));
  writeFileSync(join(home, "custom"), "");
  assert.equal(netrcPath({ HOME: home, NETRC: join(home, "custom") }), join(home, "custom"));
  assert.equal(netrcPath({ HOME: home, NETRC: join(home, "missing") }), null);
});
