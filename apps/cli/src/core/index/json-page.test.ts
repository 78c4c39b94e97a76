import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJsonPage } from "@wheelhouse/simple-index";
import { readJsonPageFiles } from "./json-page.ts";

const JSON_TYPE = "application/vnd.pypi.simple.v1+json";
const PAGE_URL = "https://index.example/simple/demo/";
const SHA = "A".repeat(64);

const file = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  filename: "demo-1.0-py3-none-any.whl",
  url: "../../files/demo-1.0-py3-none-any.whl#sha256=ignored",
  hashes: { SHA256: ` ${SHA} `, md5: "not-hex", "": "ab" },
  ...extra,
});
const page = (files: unknown[], meta: Record<string, unknown> = { "api-version": "1.1", "_last-serial": 7 }): string =>
  JSON.stringify({ meta, name: "demo", files });

describe("readJsonPageFiles", () => {
  it("gives what the validating parser gives", () => {
    const bodies = [
      page([file()]),
      page([file({ "requires-python": " >=3.8 ", yanked: "broken", "core-metadata": { sha256: SHA }, size: 12, "upload-time": "2024-01-02T03:04:05Z" })]),
      page([file({ yanked: true, "dist-info-metadata": true, "requires-python": null, size: null })]),
      page([
        file({ yanked: false, "core-metadata": false, "dist-info-metadata": { sha256: SHA } }),
        file({ filename: "demo-1.0.tar.gz", url: "https://elsewhere.example/demo-1.0.tar.gz", "upload-time": "not a date" }),
      ]),
      page([], { "api-version": "1.0" }),
    ];
    for (const body of bodies) assert.deepEqual(readJsonPageFiles(body, JSON_TYPE, PAGE_URL), parseJsonPage(body, PAGE_URL).files);
  });

  it("leaves to the full parser what it rejects or is not JSON", () => {
    const rejected = [
      "not json",
      JSON.stringify({ meta: { "api-version": "2.0" }, name: "demo", files: [] }),
      JSON.stringify({ meta: { "api-version": "1.0" }, files: [] }),
      JSON.stringify({ meta: { "api-version": "1.0", "_last-serial": 1.5 }, name: "demo", files: [] }),
      page([file({ filename: "" })]),
      page([file({ hashes: { sha256: 1 } })]),
      page([file({ yanked: 1 })]),
      page([file({ size: -1 })]),
      page([file({ "core-metadata": "yes" })]),
      page([file({ "requires-python": 3 })]),
      page(["demo-1.0.tar.gz"]),
    ];
    for (const body of rejected) {
      assert.equal(readJsonPageFiles(body, JSON_TYPE, PAGE_URL), null, body);
      assert.throws(() => parseJsonPage(body, PAGE_URL), body);
    }
    assert.equal(readJsonPageFiles(page([file()]), "text/html", PAGE_URL), null);
    assert.equal(readJsonPageFiles(page([file()]), null, PAGE_URL), null);
  });
});
