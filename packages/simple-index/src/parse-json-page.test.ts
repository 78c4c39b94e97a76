import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJsonPage } from "./parse-json-page.ts";
import { InvalidUpstreamPage } from "./upstream-page.ts";

const SHA = "a".repeat(64);
const META = "b".repeat(64);
const PAGE_URL = "https://upstream.example/simple/demo/";

function page(files: unknown[], meta: Record<string, unknown> = { "api-version": "1.1" }): string {
  return JSON.stringify({ meta, name: "demo", versions: ["1.0"], files });
}

function file(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { filename: "demo-1.0-py3-none-any.whl", url: "../../files/demo-1.0-py3-none-any.whl", hashes: { sha256: SHA }, ...overrides };
}

describe("parseJsonPage", () => {
  it("reads a full PEP 691/700 file entry", () => {
    const text = page(
      [
        file({
          "requires-python": ">=3.8",
          size: 1234,
          "upload-time": "2024-01-02T03:04:05.123456Z",
          yanked: false,
          "core-metadata": { sha256: META },
        }),
      ],
      { "api-version": "1.1", "_last-serial": 42 },
    );
    assert.deepEqual(parseJsonPage(text, PAGE_URL), {
      lastSerial: 42,
      files: [
        {
          filename: "demo-1.0-py3-none-any.whl",
          url: "https://upstream.example/files/demo-1.0-py3-none-any.whl",
          sha256: SHA,
          hashes: { sha256: SHA },
          requiresPython: ">=3.8",
          yanked: false,
          coreMetadata: { sha256: META },
          size: 1234,
          uploadTime: new Date("2024-01-02T03:04:05.123Z"),
        },
      ],
    });
  });

  it("reads a minimal PEP 691 1.0 entry", () => {
    const [entry] = parseJsonPage(page([file()], { "api-version": "1.0" }), PAGE_URL).files;
    assert.deepEqual(entry, {
      filename: "demo-1.0-py3-none-any.whl",
      url: "https://upstream.example/files/demo-1.0-py3-none-any.whl",
      sha256: SHA,
      hashes: { sha256: SHA },
      requiresPython: null,
      yanked: false,
      coreMetadata: false,
      size: null,
      uploadTime: null,
    });
  });

  it("reads yanked as false, true or the reason", () => {
    const text = page([file({ yanked: false }), file({ yanked: true }), file({ yanked: "broken" }), file({})]);
    assert.deepEqual(
      parseJsonPage(text, PAGE_URL).files.map((f) => f.yanked),
      [false, "", "broken", false],
    );
  });

  it("reads core-metadata and the older dist-info-metadata", () => {
    const text = page([
      file({ "core-metadata": { sha256: META } }),
      file({ "dist-info-metadata": { sha256: META } }),
      file({ "core-metadata": true }),
      file({ "core-metadata": false }),
      file({ "core-metadata": { md5: "x" } }),
      file({ "core-metadata": { sha256: META }, "dist-info-metadata": { sha256: SHA } }),
    ]);
    assert.deepEqual(
      parseJsonPage(text, PAGE_URL).files.map((f) => f.coreMetadata),
      [{ sha256: META }, { sha256: META }, { sha256: null }, false, { sha256: null }, { sha256: META }],
    );
  });

  it("keeps absolute URLs and drops fragments", () => {
    const [entry] = parseJsonPage(page([file({ url: `https://cdn.example/p/demo-1.0-py3-none-any.whl#sha256=${SHA}` })]), PAGE_URL).files;
    assert.equal(entry?.url, "https://cdn.example/p/demo-1.0-py3-none-any.whl");
  });

  it("leaves sha256 null when only other hashes are given", () => {
    const [entry] = parseJsonPage(page([file({ hashes: { md5: "0123456789abcdef0123456789abcdef" } })]), PAGE_URL).files;
    assert.equal(entry?.sha256, null);
  });

  it("treats an empty requires-python as none", () => {
    const [entry] = parseJsonPage(page([file({ "requires-python": "" })]), PAGE_URL).files;
    assert.equal(entry?.requiresPython, null);
  });

  const invalid: [string, string, string][] = [
    ["not JSON", "<html></html>", "the project page is not valid JSON"],
    [
      "no meta",
      JSON.stringify({ name: "demo", files: [] }),
      "the project page is not a PEP 691 page (Invalid input: expected object, received undefined at meta)",
    ],
    [
      "files not a list",
      JSON.stringify({ meta: { "api-version": "1.0" }, name: "demo", files: {} }),
      "the project page is not a PEP 691 page (Invalid input: expected array, received object at files)",
    ],
    [
      "a file without url",
      page([{ filename: "x-1.0.tar.gz", hashes: {} }]),
      "the project page is not a PEP 691 page (Invalid input: expected string, received undefined at files.0.url)",
    ],
    ["a negative size", page([file({ size: -1 })]), "the project page is not a PEP 691 page (Too small: expected number to be >=0 at files.0.size)"],
    ["API version 2", page([], { "api-version": "2.0" }), "the project page uses API version 2.0, not 1.x"],
  ];
  for (const [what, text, message] of invalid) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseJsonPage(text, PAGE_URL),
        (err: unknown) => err instanceof InvalidUpstreamPage && err.message === message,
      );
    });
  }
});
