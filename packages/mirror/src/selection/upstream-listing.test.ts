import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHtmlListing, parseJsonListing } from "./upstream-listing.ts";

describe("upstream listing", () => {
  it("reads PEP 691 JSON: normalized names with their last serial (null when absent or not an integer)", () => {
    const body = JSON.stringify({
      meta: { "api-version": "1.1" },
      projects: [{ name: "Core_Lib", "_last-serial": 7 }, { name: "speedups" }, { name: "odd", "_last-serial": "3" }, { nameless: true }],
    });
    assert.deepEqual(
      [...parseJsonListing(body)],
      [
        ["core-lib", 7],
        ["speedups", null],
        ["odd", null],
      ],
    );
  });

  it("reads PEP 503 HTML: every anchor's text, normalized, without serials", () => {
    const body = '<html><body><a href="/simple/core-lib/">Core.Lib</a>\n<a href="x/"> Speedups </a></body></html>';
    assert.deepEqual(
      [...parseHtmlListing(body)],
      [
        ["core-lib", null],
        ["speedups", null],
      ],
    );
  });
});
