import assert from "node:assert/strict";
import { test } from "node:test";
import { redactUrl, redactUrlsInText, removeAuthFromUrl, splitAuthFromUrl } from "./redact.ts";

const redactions: Array<[string, string]> = [
  ["https://user:secret@pypi.corp/simple/", "https://user:****@pypi.corp/simple/"],
  ["https://__token__:pypi-AgEI@pypi.corp:8443/simple/pkg/", "https://__token__:****@pypi.corp:8443/simple/pkg/"],
  // A lone username is often a token: hidden whole, as pip does.
  ["https://ghp_token@git.example/x.git", "https://****@git.example/x.git"],
  ["https://user:@h/", "https://user:****@h/"],
  ["https://pypi.org/simple/", "https://pypi.org/simple/"],
  ["https://h/path@v1.0", "https://h/path@v1.0"],
  ["git+https://u:p@h/r.git@main#egg=x", "git+https://u:****@h/r.git@main#egg=x"],
  ["https://us%40er:p%3Ass@h/", "https://us%40er:****@h/"],
  ["not a url", "not a url"],
];
for (const [url, expected] of redactions) {
  test(`redactUrl ${url}`, () => assert.equal(redactUrl(url), expected));
}

test("splitAuthFromUrl decodes and keeps the rest as written", () => {
  assert.deepEqual(splitAuthFromUrl("https://us%40er:p%3Ass@Pypi.Corp:8443/Simple/?q#f"), {
    url: "https://Pypi.Corp:8443/Simple/?q#f",
    netloc: "Pypi.Corp:8443",
    username: "us@er",
    password: "p:ss",
  });
  assert.deepEqual(splitAuthFromUrl("https://token@h/"), { url: "https://h/", netloc: "h", username: "token", password: null });
  assert.deepEqual(splitAuthFromUrl("https://h/a@b"), { url: "https://h/a@b", netloc: "h", username: null, password: null });
  // The last @ of the netloc separates the userinfo.
  assert.deepEqual(splitAuthFromUrl("https://a@b:c@h/"), { url: "https://h/", netloc: "h", username: "a@b", password: "c" });
  assert.equal(removeAuthFromUrl("https://u:p@h:1/x"), "https://h:1/x");
});

test("redactUrlsInText hides every URL's password in a message", () => {
  assert.equal(
    redactUrlsInText("Could not fetch https://u:pw@a.example/simple/x/ (tried 'https://tok@b.example/s') and https://c.example/"),
    "Could not fetch https://u:****@a.example/simple/x/ (tried 'https://****@b.example/s') and https://c.example/",
  );
});
