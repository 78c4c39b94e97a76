import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHtmlPage } from "./parse-html-page.ts";

const SHA = "a".repeat(64);
const META = "b".repeat(64);
const PAGE_URL = "https://upstream.example/simple/demo/";

function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"><title>Links for demo</title></head><body>${body}</body></html>`;
}

describe("parseHtmlPage", () => {
  it("reads a plain PEP 503 link with its sha256 fragment", () => {
    const result = parseHtmlPage(page(`<a href="../../files/demo-1.0.tar.gz#sha256=${SHA}">demo-1.0.tar.gz</a>`), PAGE_URL);
    assert.deepEqual(result.files, [
      {
        filename: "demo-1.0.tar.gz",
        url: "https://upstream.example/files/demo-1.0.tar.gz",
        sha256: SHA,
        hashes: { sha256: SHA },
        requiresPython: null,
        yanked: false,
        coreMetadata: false,
        size: null,
        uploadTime: null,
      },
    ]);
  });

  it("resolves hrefs against the page URL", () => {
    const cases: [string, string][] = [
      ["demo-1.0.tar.gz", "https://upstream.example/simple/demo/demo-1.0.tar.gz"],
      ["/packages/demo-1.0.tar.gz", "https://upstream.example/packages/demo-1.0.tar.gz"],
      ["../../packages/ab/demo-1.0.tar.gz", "https://upstream.example/packages/ab/demo-1.0.tar.gz"],
      ["https://cdn.example/p/demo-1.0.tar.gz", "https://cdn.example/p/demo-1.0.tar.gz"],
      ["//cdn.example/p/demo-1.0.tar.gz", "https://cdn.example/p/demo-1.0.tar.gz"],
    ];
    for (const [href, url] of cases) {
      const [file] = parseHtmlPage(page(`<a href="${href}">demo-1.0.tar.gz</a>`), PAGE_URL).files;
      assert.equal(file?.url, url, href);
    }
  });

  it("honours <base href>", () => {
    const html = `<html><head><base href="https://mirror.example/root/"></head><body><a href="demo-1.0.tar.gz">demo-1.0.tar.gz</a></body></html>`;
    assert.equal(parseHtmlPage(html, PAGE_URL).files[0]?.url, "https://mirror.example/root/demo-1.0.tar.gz");
  });

  it("unescapes data-requires-python", () => {
    const html = page(`<a href="/f/demo-1.0.tar.gz" data-requires-python="&gt;=3.8,&lt;4,!=3.9.*">demo-1.0.tar.gz</a>`);
    assert.equal(parseHtmlPage(html, PAGE_URL).files[0]?.requiresPython, ">=3.8,<4,!=3.9.*");
  });

  it("reads data-yanked: present means yanked, the value is the reason", () => {
    const html = page(
      `<a href="/f/demo-1.0.tar.gz" data-yanked="">demo-1.0.tar.gz</a>` +
        `<a href="/f/demo-1.1.tar.gz" data-yanked="broken &amp; insecure">demo-1.1.tar.gz</a>` +
        `<a href="/f/demo-1.2.tar.gz">demo-1.2.tar.gz</a>`,
    );
    assert.deepEqual(
      parseHtmlPage(html, PAGE_URL).files.map((f) => f.yanked),
      ["", "broken & insecure", false],
    );
  });

  it("reads PEP 658/714 metadata attributes, new name first", () => {
    const html = page(
      `<a href="/f/a-1.0-py3-none-any.whl" data-core-metadata="sha256=${META}">a-1.0-py3-none-any.whl</a>` +
        `<a href="/f/b-1.0-py3-none-any.whl" data-dist-info-metadata="sha256=${META}">b-1.0-py3-none-any.whl</a>` +
        `<a href="/f/c-1.0-py3-none-any.whl" data-core-metadata="true">c-1.0-py3-none-any.whl</a>` +
        `<a href="/f/d-1.0-py3-none-any.whl" data-core-metadata="sha256=${META}" data-dist-info-metadata="sha256=${SHA}">d-1.0-py3-none-any.whl</a>` +
        `<a href="/f/e-1.0-py3-none-any.whl" data-core-metadata="md5=0123">e-1.0-py3-none-any.whl</a>` +
        `<a href="/f/f-1.0-py3-none-any.whl" data-core-metadata="false">f-1.0-py3-none-any.whl</a>` +
        `<a href="/f/g-1.0-py3-none-any.whl">g-1.0-py3-none-any.whl</a>`,
    );
    assert.deepEqual(
      parseHtmlPage(html, PAGE_URL).files.map((f) => f.coreMetadata),
      [{ sha256: META }, { sha256: META }, { sha256: null }, { sha256: META }, { sha256: null }, false, false],
    );
  });

  it("lowercases the sha256 and ignores other hash names", () => {
    const html = page(
      `<a href="/f/a-1.0.tar.gz#sha256=${SHA.toUpperCase()}">a-1.0.tar.gz</a>` +
        `<a href="/f/b-1.0.tar.gz#md5=0123456789abcdef0123456789abcdef">b-1.0.tar.gz</a>` +
        `<a href="/f/c-1.0.tar.gz#sha256=short">c-1.0.tar.gz</a>`,
    );
    assert.deepEqual(
      parseHtmlPage(html, PAGE_URL).files.map((f) => [f.sha256, f.url]),
      [
        [SHA, "https://upstream.example/f/a-1.0.tar.gz"],
        [null, "https://upstream.example/f/b-1.0.tar.gz"],
        [null, "https://upstream.example/f/c-1.0.tar.gz"],
      ],
    );
  });

  it("takes the filename from the URL when the anchor has no text, and decodes it", () => {
    const html = page(`<a href="/f/demo%2Bx-1.0.tar.gz"></a>`);
    assert.equal(parseHtmlPage(html, PAGE_URL).files[0]?.filename, "demo+x-1.0.tar.gz");
  });

  it("skips anchors without href and reads PyPI's serial comment", () => {
    const html = `${page(`<a name="top">top</a><a href="/f/demo-1.0.tar.gz">demo-1.0.tar.gz</a>`)}\n<!--SERIAL 31415-->\n`;
    const result = parseHtmlPage(html, PAGE_URL);
    assert.equal(result.files.length, 1);
    assert.equal(result.lastSerial, 31415);
  });

  it("reads upper-case markup and unquoted attributes", () => {
    const html = `<HTML><BODY><A HREF=/f/demo-1.0.tar.gz DATA-REQUIRES-PYTHON="&gt;=3">demo-1.0.tar.gz</A></BODY></HTML>`;
    const [file] = parseHtmlPage(html, PAGE_URL).files;
    assert.equal(file?.url, "https://upstream.example/f/demo-1.0.tar.gz");
    assert.equal(file?.requiresPython, ">=3");
  });

  it("reads the pages Wheelhouse itself renders", async () => {
    const { renderProjectPage } = await import("./simple-page.ts");
    const html = renderProjectPage(
      {
        name: "demo",
        versions: ["1.0"],
        lastSerial: 7,
        files: [
          {
            filename: "demo-1.0-py3-none-any.whl",
            url: "/main/files/demo-1.0-py3-none-any.whl",
            hashes: { sha256: SHA },
            requiresPython: ">=3.8",
            size: 10,
            uploadTime: new Date("2024-01-02T03:04:05Z"),
            yanked: "old",
            coreMetadata: { sha256: META },
          },
        ],
      },
      "html-v1",
    );
    const result = parseHtmlPage(html, "http://127.0.0.1:8080/main/simple/demo/");
    assert.equal(result.lastSerial, 7);
    assert.deepEqual(result.files[0], {
      filename: "demo-1.0-py3-none-any.whl",
      url: "http://127.0.0.1:8080/main/files/demo-1.0-py3-none-any.whl",
      sha256: SHA,
      hashes: { sha256: SHA },
      requiresPython: ">=3.8",
      yanked: "old",
      coreMetadata: { sha256: META },
      size: null,
      uploadTime: null,
    });
  });
});
