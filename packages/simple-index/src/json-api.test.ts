import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderProjectJson, renderReleaseJson } from "./json-api.ts";
import type { JsonApiFile, JsonApiRelease } from "./types.ts";

const SHA = "c23e447ea90d796d1e645c35c4b2de125040add12a845825546f91c93f391b6b";
const MD5 = "d3857a217dacbca9e40a85f06f2b34f1";
const B2 = "d773c16e5f3f0d37c60947e70865c255a58dc408780a6474de0523afd0ec553a";
const META = "a1d0c6e83f027327d8461063f4ac58a6e4a7a5d0a0e0d5b6c3b2e1f0a9b8c7d6";

function wheel(overrides: Partial<JsonApiFile> = {}): JsonApiFile {
  return {
    filename: "sampleproject-4.0.0-py3-none-any.whl",
    url: "https://pypi.corp.example/files/sampleproject-4.0.0-py3-none-any.whl",
    hashes: { sha256: SHA },
    requiresPython: ">=3.9",
    size: 4661,
    uploadTime: new Date("2024-11-06T22:37:09.220Z"),
    yanked: false,
    coreMetadata: { sha256: META },
    packageType: "bdist_wheel",
    pythonVersion: "py3",
    md5: MD5,
    blake2b256: B2,
    ...overrides,
  };
}

const V4: JsonApiRelease = {
  version: "4.0.0",
  info: {
    author: "",
    author_email: '"A. Random Developer" <author@example.com>',
    classifiers: ["Programming Language :: Python :: 3"],
    description: "...",
    description_content_type: "text/markdown",
    dynamic: ["requires_dist"],
    keywords: "sample, setuptools, development",
    name: "ignored: the display name wins",
    project_urls: { Homepage: "https://github.com/pypa/sampleproject" },
    provides_extra: ["dev", "test"],
    requires_dist: ["peppercorn", "check-manifest ; extra == 'dev'"],
    requires_python: ">=3.9",
    summary: "A sample Python project",
  },
  files: [wheel()],
  yanked: false,
  yankedReason: null,
};

const V1: JsonApiRelease = {
  version: "1.0",
  info: { summary: "old", requires_dist: [], project_urls: {}, provides_extra: [] },
  files: [],
  yanked: true,
  yankedReason: "",
};

const WANT_WHEEL = {
  comment_text: "",
  "core-metadata": { sha256: META },
  digests: { blake2b_256: B2, md5: MD5, sha256: SHA },
  downloads: -1,
  filename: "sampleproject-4.0.0-py3-none-any.whl",
  has_sig: false,
  md5_digest: MD5,
  packagetype: "bdist_wheel",
  python_version: "py3",
  requires_python: ">=3.9",
  size: 4661,
  upload_time: "2024-11-06T22:37:09",
  upload_time_iso_8601: "2024-11-06T22:37:09.220000Z",
  url: "https://pypi.corp.example/files/sampleproject-4.0.0-py3-none-any.whl",
  yanked: false,
  yanked_reason: null,
};

const WANT_INFO_V4 = {
  author: "",
  author_email: '"A. Random Developer" <author@example.com>',
  bugtrack_url: null,
  classifiers: ["Programming Language :: Python :: 3"],
  description: "...",
  description_content_type: "text/markdown",
  docs_url: null,
  download_url: null,
  downloads: { last_day: -1, last_month: -1, last_week: -1 },
  dynamic: ["requires_dist"],
  home_page: null,
  keywords: "sample, setuptools, development",
  license: null,
  license_expression: null,
  license_files: null,
  maintainer: null,
  maintainer_email: null,
  name: "SampleProject",
  package_url: "https://pypi.corp.example/project/SampleProject/",
  platform: null,
  project_url: "https://pypi.corp.example/project/SampleProject/",
  project_urls: { Homepage: "https://github.com/pypa/sampleproject" },
  provides_extra: ["dev", "test"],
  release_url: "https://pypi.corp.example/project/SampleProject/4.0.0/",
  requires_dist: ["peppercorn", "check-manifest ; extra == 'dev'"],
  requires_python: ">=3.9",
  summary: "A sample Python project",
  version: "4.0.0",
  yanked: false,
  yanked_reason: null,
};

describe("renderProjectJson", () => {
  const body = renderProjectJson({
    displayName: "SampleProject",
    releases: [V1, V4],
    latestVersion: "4.0.0",
    lastSerial: 25862117,
    baseUrl: "https://pypi.corp.example/",
  });

  it("matches PyPI's golden shape", () => {
    assert.deepEqual(body, {
      info: WANT_INFO_V4,
      last_serial: 25862117,
      releases: { "1.0": [], "4.0.0": [WANT_WHEEL] },
      urls: [WANT_WHEEL],
      vulnerabilities: [],
    });
  });

  it("orders keys like PyPI (code-point order) and releases as given", () => {
    assert.deepEqual(Object.keys(body), ["info", "last_serial", "releases", "urls", "vulnerabilities"]);
    assert.deepEqual(Object.keys(body.info), Object.keys(WANT_INFO_V4).sort());
    assert.deepEqual(Object.keys(body.urls[0]!), Object.keys(WANT_WHEEL).sort());
    assert.deepEqual(Object.keys(body.releases!), ["1.0", "4.0.0"]);
  });

  it("is deterministic", () => {
    const again = renderProjectJson({
      displayName: "SampleProject",
      releases: [V1, V4],
      latestVersion: "4.0.0",
      lastSerial: 25862117,
      baseUrl: "https://pypi.corp.example",
    });
    assert.equal(JSON.stringify(again), JSON.stringify(body));
  });

  it("throws when latestVersion is not a release", () => {
    assert.throws(() => renderProjectJson({ displayName: "x", releases: [V4], latestVersion: "9", lastSerial: 1, baseUrl: "https://h" }), {
      message: "latestVersion 9 is not among the releases of x",
    });
  });
});

describe("vulnerabilities", () => {
  const advisory = {
    id: "GHSA-abcd-efgh-ijkl",
    aliases: ["CVE-2024-1111"],
    summary: "Header injection",
    details: "Long text.",
    fixedIn: ["1.2.5", "2.0.3"],
    link: "https://github.com/advisories/GHSA-abcd-efgh-ijkl",
    source: "osv",
    withdrawn: null,
  };

  it("in warehouse's shape and key order, withdrawn as yyyy-mm-ddThh:mm:ssZ", () => {
    const body = renderReleaseJson({
      displayName: "SampleProject",
      release: V4,
      lastSerial: 7,
      baseUrl: "https://h",
      vulnerabilities: [advisory, { ...advisory, id: "PYSEC-2024-9", aliases: [], withdrawn: new Date("2024-04-01T12:34:56.789Z") }],
    });
    assert.deepEqual(body.vulnerabilities, [
      {
        aliases: ["CVE-2024-1111"],
        details: "Long text.",
        fixed_in: ["1.2.5", "2.0.3"],
        id: "GHSA-abcd-efgh-ijkl",
        link: advisory.link,
        source: "osv",
        summary: "Header injection",
        withdrawn: null,
      },
      {
        aliases: [],
        details: "Long text.",
        fixed_in: ["1.2.5", "2.0.3"],
        id: "PYSEC-2024-9",
        link: advisory.link,
        source: "osv",
        summary: "Header injection",
        withdrawn: "2024-04-01T12:34:56Z",
      },
    ]);
    assert.deepEqual(Object.keys(body.vulnerabilities[0]!), ["aliases", "details", "fixed_in", "id", "link", "source", "summary", "withdrawn"]);
  });

  it("the project endpoint lists those it is given (the latest release's)", () => {
    const body = renderProjectJson({
      displayName: "SampleProject",
      releases: [V1, V4],
      latestVersion: "4.0.0",
      lastSerial: 1,
      baseUrl: "https://h",
      vulnerabilities: [advisory],
    });
    assert.deepEqual(
      body.vulnerabilities.map((v) => v.id),
      ["GHSA-abcd-efgh-ijkl"],
    );
  });
});

describe("renderReleaseJson", () => {
  it("has no releases key (PyPI dropped it from the version endpoint)", () => {
    const body = renderReleaseJson({ displayName: "SampleProject", release: V4, lastSerial: 7, baseUrl: "https://pypi.corp.example" });
    assert.deepEqual(body, { info: WANT_INFO_V4, last_serial: 7, urls: [WANT_WHEEL], vulnerabilities: [] });
    assert.ok(!("releases" in body));
  });

  it("empty lists and maps become null, a yanked release says so", () => {
    const { info } = renderReleaseJson({ displayName: "s", release: V1, lastSerial: 1, baseUrl: "https://h" });
    assert.equal(info.requires_dist, null);
    assert.equal(info.provides_extra, null);
    assert.equal(info.project_urls, null);
    assert.deepEqual(info.classifiers, []);
    assert.equal(info.yanked, true);
    assert.equal(info.yanked_reason, null);
    assert.equal(info.release_url, "https://h/project/s/1.0/");
  });

  it("keeps + in a local version's release_url and encodes the rest", () => {
    const { info } = renderReleaseJson({ displayName: "s", release: { ...V1, version: "1.0+cpu" }, lastSerial: 1, baseUrl: "https://h/" });
    assert.equal(info.release_url, "https://h/project/s/1.0+cpu/");
  });

  const yankCases: [name: string, release: Partial<JsonApiRelease>, file: Partial<JsonApiFile>, yanked: boolean, reason: string | null][] = [
    ["nothing yanked", {}, {}, false, null],
    ["release yanked, no reason", { yanked: true, yankedReason: "" }, {}, true, null],
    ["release yanked with reason", { yanked: true, yankedReason: "CVE" }, {}, true, "CVE"],
    ["file yanked alone with reason", {}, { yanked: "bad wheel" }, true, "bad wheel"],
    ["file yanked alone, no reason", {}, { yanked: "" }, true, null],
  ];
  for (const [name, release, file, yanked, reason] of yankCases) {
    it(`file yanked/yanked_reason: ${name}`, () => {
      const body = renderReleaseJson({
        displayName: "s",
        release: { ...V4, ...release, files: [wheel(file)] },
        lastSerial: 1,
        baseUrl: "https://h",
      });
      assert.equal(body.urls[0]!.yanked, yanked);
      assert.equal(body.urls[0]!.yanked_reason, reason);
    });
  }

  it("unknown digests and upload time are null; sdist fields pass through", () => {
    const sdist = wheel({
      filename: "s-4.0.0.tar.gz",
      packageType: "sdist",
      pythonVersion: "source",
      md5: "",
      blake2b256: "",
      uploadTime: null,
      requiresPython: null,
      coreMetadata: false,
    });
    const [file] = renderReleaseJson({ displayName: "s", release: { ...V4, files: [sdist] }, lastSerial: 1, baseUrl: "https://h" }).urls;
    assert.deepEqual(file!.digests, { blake2b_256: null, md5: null, sha256: SHA });
    assert.equal(file!.md5_digest, null);
    assert.equal(file!.upload_time, null);
    assert.equal(file!.upload_time_iso_8601, null);
    assert.equal(file!.packagetype, "sdist");
    assert.equal(file!.python_version, "source");
    assert.equal(file!.requires_python, null);
    assert.equal(file!["core-metadata"], false);
  });
});
