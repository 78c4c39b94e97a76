import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentTypeFor, negotiateSimpleFormat, SIMPLE_HTML, SIMPLE_JSON } from "./negotiate.ts";
import type { SimpleFormat } from "./negotiate.ts";

const PIP = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
const UV = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("negotiateSimpleFormat", () => {
  const cases: [name: string, accept: string | undefined, format: string | undefined, want: SimpleFormat | null][] = [
    ["pip's Accept", PIP, undefined, "json"],
    ["uv's Accept", UV, undefined, "json"],
    ["pip, JSON refused by q=0", `${SIMPLE_JSON};q=0, ${SIMPLE_HTML};q=0.1, text/html;q=0.01`, undefined, "html-v1"],
    ["text/html only", "text/html", undefined, "html-legacy"],
    ["v1 html only", SIMPLE_HTML, undefined, "html-v1"],
    ["*/* alone gives text/html, as PyPI", "*/*", undefined, "html-legacy"],
    ["application/* ties go to JSON", "application/*", undefined, "json"],
    ["text/* is text/html", "text/*", undefined, "html-legacy"],
    ["browser prefers text/html", FIREFOX, undefined, "html-legacy"],
    ["no Accept", undefined, undefined, "html-legacy"],
    ["empty Accept", "", undefined, "html-legacy"],
    ["application/json only: nothing acceptable", "application/json", undefined, "html-legacy"],
    ["q=0 on JSON, then */*: text/html", `${SIMPLE_JSON};q=0, */*`, undefined, "html-legacy"],
    ["everything q=0", `${SIMPLE_JSON};q=0, ${SIMPLE_HTML};q=0, text/html;q=0`, undefined, "html-legacy"],
    ["*/*;q=0 with text/html", "text/html, */*;q=0", undefined, "html-legacy"],
    ["higher q wins over preference", `${SIMPLE_JSON};q=0.5, text/html;q=0.6`, undefined, "html-legacy"],
    ["a wildcard at higher q still means text/html", `*/*;q=1, ${SIMPLE_JSON};q=0.1`, undefined, "html-legacy"],
    ["case-insensitive media types", "Application/VND.PyPI.Simple.V1+JSON", undefined, "json"],
    ["PEP 691 latest alias", "application/vnd.pypi.simple.latest+json", undefined, "json"],
    ["PEP 691 latest html alias", "application/vnd.pypi.simple.latest+html", undefined, "html-v1"],
    ["q then accept-extension", `${SIMPLE_JSON};q=0;ext=1, text/html`, undefined, "html-legacy"],
    ["malformed q skips the range", `${SIMPLE_JSON};q=2, text/html`, undefined, "html-legacy"],
    ["garbage ranges ignored", "nonsense, ;;, text/html", undefined, "html-legacy"],
    ["charset parameter ignored", `${SIMPLE_JSON}; charset=utf-8`, undefined, "json"],
    ["?format= json media type", "text/html", SIMPLE_JSON, "json"],
    ["?format= v1 html over pip's Accept", PIP, SIMPLE_HTML, "html-v1"],
    ["?format= text/html", PIP, "text/html", "html-legacy"],
    ["?format= latest alias", undefined, "application/vnd.pypi.simple.latest+json", "json"],
    ["?format=json", undefined, "json", "json"],
    ["?format=html", PIP, "html", "html-legacy"],
    ["?format= with parameters", undefined, `${SIMPLE_JSON}; charset=utf-8`, "json"],
    ["?format=bogus", PIP, "bogus", null],
    ["?format=application/json", undefined, "application/json", null],
    ["empty ?format= is as if absent", PIP, "", "json"],
  ];
  for (const [name, accept, format, want] of cases) {
    it(name, () => assert.equal(negotiateSimpleFormat(accept, format), want));
  }
});

describe("contentTypeFor", () => {
  const cases: [SimpleFormat, string][] = [
    ["json", "application/vnd.pypi.simple.v1+json"],
    ["html-v1", "application/vnd.pypi.simple.v1+html"],
    ["html-legacy", "text/html"],
  ];
  for (const [format, want] of cases) it(format, () => assert.equal(contentTypeFor(format), want));
});
