import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderIndexPage, renderProjectPage } from "./simple-page.ts";
import type { SimpleFile, SimpleProjectPage } from "./types.ts";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const SHA_M = "c".repeat(64);

function file(overrides: Partial<SimpleFile> = {}): SimpleFile {
  return {
    filename: "demo-1.0-py3-none-any.whl",
    url: "../../files/demo-1.0-py3-none-any.whl",
    hashes: { sha256: SHA_A },
    requiresPython: null,
    size: 1234,
    uploadTime: new Date("2024-11-06T22:37:09.220Z"),
    yanked: false,
    coreMetadata: false,
    ...overrides,
  };
}

const PAGE: SimpleProjectPage = {
  name: "demo",
  versions: ["1.0", "2.0"],
  lastSerial: 42,
  files: [
    file({ coreMetadata: { sha256: SHA_M } }),
    file({
      filename: "demo-2.0.tar.gz",
      url: "https://files.example/demo-2.0.tar.gz",
      hashes: { sha256: SHA_B, md5: "d41d8cd98f00b204e9800998ecf8427e", blake2b_256: "e".repeat(64) },
      requiresPython: ">=3.8,<4",
      size: 99,
      uploadTime: null,
      yanked: 'bad "build" <oops> & more',
    }),
  ],
};

describe("renderProjectPage JSON", () => {
  it("matches the golden PEP 691 + 700 + 714 shape", () => {
    const body = renderProjectPage(PAGE, "json");
    assert.deepEqual(JSON.parse(body), {
      meta: { "api-version": "1.1", "_last-serial": 42 },
      name: "demo",
      versions: ["1.0", "2.0"],
      files: [
        {
          filename: "demo-1.0-py3-none-any.whl",
          url: "../../files/demo-1.0-py3-none-any.whl",
          hashes: { sha256: SHA_A },
          "requires-python": null,
          size: 1234,
          "upload-time": "2024-11-06T22:37:09.220000Z",
          yanked: false,
          "core-metadata": { sha256: SHA_M },
        },
        {
          filename: "demo-2.0.tar.gz",
          url: "https://files.example/demo-2.0.tar.gz",
          hashes: { blake2b_256: "e".repeat(64), md5: "d41d8cd98f00b204e9800998ecf8427e", sha256: SHA_B },
          "requires-python": ">=3.8,<4",
          size: 99,
          yanked: 'bad "build" <oops> & more',
          "core-metadata": false,
        },
      ],
    });
  });

  it("is byte-for-byte deterministic, hash keys sorted", () => {
    const reordered: SimpleProjectPage = {
      ...PAGE,
      files: PAGE.files.map((f) => ({ ...f, hashes: Object.fromEntries(Object.entries(f.hashes).reverse()) as SimpleFile["hashes"] })),
    };
    assert.equal(renderProjectPage(reordered, "json"), renderProjectPage(PAGE, "json"));
    assert.match(renderProjectPage(PAGE, "json"), /"hashes":\{"blake2b_256":"e+","md5":"d41d8cd98f00b204e9800998ecf8427e","sha256":"b+"\}/);
  });

  const yankCases: [name: string, yanked: false | string, want: boolean | string][] = [
    ["not yanked", false, false],
    ["yanked without a reason is true", "", true],
    ["yanked with a reason is the reason", "broken", "broken"],
  ];
  for (const [name, yanked, want] of yankCases) {
    it(`PEP 691 yanked: ${name}`, () => {
      const body = JSON.parse(renderProjectPage({ ...PAGE, files: [file({ yanked })] }, "json"));
      assert.equal(body.files[0].yanked, want);
    });
  }

  it("PEP 714: JSON has core-metadata and never dist-info-metadata", () => {
    for (const coreMetadata of [false, { sha256: SHA_M }] as const) {
      const body = renderProjectPage({ ...PAGE, files: [file({ coreMetadata })] }, "json");
      assert.ok(!body.includes("dist-info-metadata"));
      assert.deepEqual(JSON.parse(body).files[0]["core-metadata"], coreMetadata);
    }
  });

  it("empty requires-python is null, like warehouse", () => {
    const body = JSON.parse(renderProjectPage({ ...PAGE, files: [file({ requiresPython: "" })] }, "json"));
    assert.equal(body.files[0]["requires-python"], null);
  });
});

describe("renderProjectPage HTML", () => {
  it("matches the golden PEP 503 page", () => {
    const want =
      "<!DOCTYPE html>\n" +
      '<html lang="en">\n' +
      "  <head>\n" +
      '    <meta name="pypi:repository-version" content="1.1">\n' +
      "    <title>Links for demo</title>\n" +
      "  </head>\n" +
      "  <body>\n" +
      "    <h1>Links for demo</h1>\n" +
      `    <a href="../../files/demo-1.0-py3-none-any.whl#sha256=${SHA_A}" ` +
      `data-dist-info-metadata="sha256=${SHA_M}" data-core-metadata="sha256=${SHA_M}">demo-1.0-py3-none-any.whl</a><br />\n` +
      `    <a href="https://files.example/demo-2.0.tar.gz#sha256=${SHA_B}" ` +
      `data-requires-python="&gt;=3.8,&lt;4" data-yanked="bad &quot;build&quot; &lt;oops&gt; &amp; more">demo-2.0.tar.gz</a><br />\n` +
      "  </body>\n" +
      "</html>\n" +
      "<!--SERIAL 42-->\n";
    assert.equal(renderProjectPage(PAGE, "html-v1"), want);
    assert.equal(renderProjectPage(PAGE, "html-legacy"), want);
  });

  const escapeCases: [name: string, overrides: Partial<SimpleFile>, fragment: string][] = [
    ["requires-python < and >", { requiresPython: ">=3.8,<4" }, 'data-requires-python="&gt;=3.8,&lt;4"'],
    ["yank reason \"<>&'", { yanked: `"<>&'` }, 'data-yanked="&quot;&lt;&gt;&amp;&#39;"'],
    ["yanked without reason", { yanked: "" }, 'data-yanked=""'],
    ["& in the URL", { url: "/files/x?a=1&b=2" }, `href="/files/x?a=1&amp;b=2#sha256=${SHA_A}"`],
    ["filename text", { filename: "<script>.whl" }, ">&lt;script&gt;.whl</a>"],
  ];
  for (const [name, overrides, fragment] of escapeCases) {
    it(`escapes ${name}`, () => {
      const html = renderProjectPage({ ...PAGE, files: [file(overrides)] }, "html-legacy");
      assert.ok(html.includes(fragment), `${fragment} not in\n${html}`);
    });
  }

  it("escapes the project name in title and h1", () => {
    const html = renderProjectPage({ ...PAGE, name: "a<b", files: [] }, "html-v1");
    assert.ok(html.includes("<title>Links for a&lt;b</title>"));
    assert.ok(html.includes("<h1>Links for a&lt;b</h1>"));
  });

  const pep714Cases: [name: string, coreMetadata: SimpleFile["coreMetadata"], want: string[], absent: string[]][] = [
    ["no metadata file: neither attribute", false, [], ["data-core-metadata", "data-dist-info-metadata"]],
    ["metadata file: both attributes", { sha256: SHA_M }, [`data-core-metadata="sha256=${SHA_M}"`, `data-dist-info-metadata="sha256=${SHA_M}"`], []],
  ];
  for (const [name, coreMetadata, want, absent] of pep714Cases) {
    it(`PEP 714 in HTML: ${name}`, () => {
      const html = renderProjectPage({ ...PAGE, files: [file({ coreMetadata })] }, "html-v1");
      for (const s of want) assert.ok(html.includes(s), s);
      for (const s of absent) assert.ok(!html.includes(s), s);
    });
  }

  it("omits data-requires-python and data-yanked when there is nothing to say", () => {
    const html = renderProjectPage({ ...PAGE, files: [file({ requiresPython: "" })] }, "html-v1");
    assert.ok(!html.includes("data-requires-python"));
    assert.ok(!html.includes("data-yanked"));
  });
});

describe("renderIndexPage", () => {
  const page = { projects: [{ name: "alpha", lastSerial: 3 }, { name: "beta" }], lastSerial: 9 };

  it("JSON golden", () => {
    assert.equal(
      renderIndexPage(page, "json"),
      '{"meta":{"api-version":"1.1","_last-serial":9},"projects":[{"name":"alpha","_last-serial":3},{"name":"beta"}]}',
    );
  });

  it("HTML golden", () => {
    assert.equal(
      renderIndexPage(page, "html-legacy"),
      "<!DOCTYPE html>\n" +
        '<html lang="en">\n' +
        "  <head>\n" +
        '    <meta name="pypi:repository-version" content="1.1">\n' +
        "    <title>Simple index</title>\n" +
        "  </head>\n" +
        "  <body>\n" +
        '    <a href="alpha/">alpha</a>\n' +
        '    <a href="beta/">beta</a>\n' +
        "  </body>\n" +
        "</html>\n",
    );
    assert.equal(renderIndexPage(page, "html-v1"), renderIndexPage(page, "html-legacy"));
  });
});
