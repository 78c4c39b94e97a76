import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseProjectPage } from "./parse-project-page.ts";

const SHA = "a".repeat(64);
const MD5 = "0123456789abcdef0123456789abcdef";
const PAGE_URL = "https://upstream.example/simple/demo/";

describe("parseProjectPage", () => {
  it("reads PEP 691 JSON by its content type, with every hash", () => {
    const body = JSON.stringify({
      meta: { "api-version": "1.0" },
      name: "demo",
      files: [{ filename: "demo-1.0.tar.gz", url: "demo-1.0.tar.gz", hashes: { SHA256: SHA.toUpperCase(), md5: MD5 } }],
    });
    const [file] = parseProjectPage(body, "application/vnd.pypi.simple.v1+json; charset=utf-8", PAGE_URL).files;
    assert.equal(file?.url, "https://upstream.example/simple/demo/demo-1.0.tar.gz");
    assert.equal(file?.sha256, SHA);
    assert.deepEqual(file?.hashes, { sha256: SHA, md5: MD5 });
  });

  it("reads HTML for text/html, the v1 HTML type and a missing type", () => {
    const body = `<a href="demo-1.0.tar.gz#md5=${MD5}">demo-1.0.tar.gz</a>`;
    for (const type of ["text/html", "application/vnd.pypi.simple.v1+html", null]) {
      const [file] = parseProjectPage(body, type, PAGE_URL).files;
      assert.deepEqual(file?.hashes, { md5: MD5 }, String(type));
      assert.equal(file?.sha256, null);
    }
  });

  it("ignores a fragment that is not a hash", () => {
    const [file] = parseProjectPage(`<a href="demo-1.0.tar.gz#egg=demo">demo-1.0.tar.gz</a>`, "text/html", PAGE_URL).files;
    assert.deepEqual(file?.hashes, {});
  });
});
