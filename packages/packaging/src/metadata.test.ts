import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidMetadata, parseMetadata, parseRawMetadata } from "./metadata.ts";

// A METADATA file as setuptools/wheel write it (metadata 2.1, body description).
const WHEEL_METADATA = [
  "Metadata-Version: 2.1",
  "Name: requests",
  "Version: 2.31.0",
  "Summary: Python HTTP for Humans.",
  "Home-page: https://requests.readthedocs.io",
  "Author: Kenneth Reitz",
  "Author-email: me@kennethreitz.org",
  "License: Apache 2.0",
  "Project-URL: Documentation, https://requests.readthedocs.io",
  "Project-URL: Source, https://github.com/psf/requests",
  "Keywords: http, humans,",
  "Classifier: Development Status :: 5 - Production/Stable",
  "Classifier: Programming Language :: Python :: 3",
  "Requires-Python: >=3.7",
  "Description-Content-Type: text/markdown",
  "License-File: LICENSE",
  "Requires-Dist: charset-normalizer (<4,>=2)",
  "Requires-Dist: idna<4,>=2.5",
  "Requires-Dist: PySocks!=1.5.7,>=1.5.6 ; extra == 'socks'",
  "Provides-Extra: socks",
  "Provides-Extra: use_chardet_on_py3",
  "X-Custom: kept",
  "",
  "# Requests",
  "",
  "**Requests** is a simple HTTP library.",
  "",
].join("\r\n");

test("raw parse groups multi-use fields and takes the body as Description", () => {
  const { raw, unparsed } = parseRawMetadata(WHEEL_METADATA);
  assert.equal(raw.metadataVersion, "2.1");
  assert.equal(raw.name, "requests");
  assert.deepEqual(raw.classifiers, ["Development Status :: 5 - Production/Stable", "Programming Language :: Python :: 3"]);
  assert.deepEqual(raw.requiresDist, ["charset-normalizer (<4,>=2)", "idna<4,>=2.5", "PySocks!=1.5.7,>=1.5.6 ; extra == 'socks'"]);
  assert.deepEqual(raw.providesExtra, ["socks", "use_chardet_on_py3"]);
  assert.deepEqual(raw.projectUrls, {
    Documentation: "https://requests.readthedocs.io",
    Source: "https://github.com/psf/requests",
  });
  assert.deepEqual(raw.keywords, ["http", "humans"]);
  assert.deepEqual(raw.licenseFiles, ["LICENSE"]);
  assert.equal(raw.description, "# Requests\n\n**Requests** is a simple HTTP library.\n");
  assert.deepEqual(unparsed, { "x-custom": ["kept"] });
});

test("typed metadata", () => {
  const md = parseMetadata(WHEEL_METADATA);
  assert.equal(md.metadataVersion, "2.1");
  assert.equal(md.name, "requests");
  assert.equal(md.version.toString(), "2.31.0");
  assert.equal(md.summary, "Python HTTP for Humans.");
  assert.equal(md.homePage, "https://requests.readthedocs.io");
  assert.equal(md.authorEmail, "me@kennethreitz.org");
  assert.equal(md.requiresPython?.toString(), ">=3.7");
  assert.deepEqual(md.requiresDist?.map(String), ["charset-normalizer<4,>=2", "idna<4,>=2.5", 'PySocks!=1.5.7,>=1.5.6; extra == "socks"']);
  assert.equal(md.descriptionContentType, "text/markdown");
  assert.deepEqual(md.unknownFields, { "x-custom": ["kept"] });
});

test("Description header with setuptools (8 spaces) and distutils (7 spaces + |) folding", () => {
  const setuptools = "Metadata-Version: 1.1\nName: a\nVersion: 1\nDescription: Line one\n        \n        Line three\n            indented\nAuthor: x\n";
  assert.equal(parseMetadata(setuptools).description, "Line one\n\nLine three\n    indented");
  assert.equal(parseMetadata(setuptools).author, "x");
  const distutils = "Metadata-Version: 1.0\nName: a\nVersion: 1\nDescription: Line one\n       |Line two\n       |  indented\n";
  assert.equal(parseMetadata(distutils).description, "Line one\nLine two\n  indented");
  // Other headers are unfolded RFC 822 style.
  const folded = "Metadata-Version: 1.0\nName: a\nVersion: 1\nSummary: a long\n  summary\n";
  assert.equal(parseMetadata(folded).summary, "a long summary");
});

test("single-use fields given twice, and a description given twice, are unparsed", () => {
  const text = "Metadata-Version: 2.1\nName: a\nName: b\nVersion: 1\nDescription: header\n\nbody\n";
  const { raw, unparsed } = parseRawMetadata(text);
  assert.equal(raw.name, undefined);
  assert.equal(raw.description, undefined);
  assert.deepEqual(unparsed, { name: ["a", "b"], description: ["header", "body\n"] });
  const urls = parseRawMetadata("Project-URL: A, x\nProject-URL: A, y\n");
  assert.deepEqual(urls.unparsed, { "project-url": ["A, x", "A, y"] });
});

test("validation collects every problem", () => {
  const text = [
    "Metadata-Version: 2.1",
    "Name: not valid!",
    "Version: one",
    "Summary: x",
    "Requires-Dist: foo>=",
    "Requires-Dist: ok>=1",
    "Requires-Dist: bar; os_name = 'nt'",
    "Requires-Python: >=3.x",
    "Description-Content-Type: text/html",
    "Provides-Extra: a b",
    "Dynamic: Version",
    "Dynamic: Nonsense",
    "License-File: ../LICENSE",
    "License-File: /abs",
    "License-Expression: MIT AND",
    "Author: a",
    "Author: b",
  ].join("\n");
  const expected = [
    '"Name" "not valid!" is not a valid project name',
    '"Version" "one" is not a valid PEP 440 version',
    '"Author" may appear only once, found 2 times',
    '"Requires-Dist" "foo>=" is invalid: Invalid requirement: "foo>=" (Invalid specifier: ">=" (missing version))',
    '"Requires-Dist" "bar; os_name = \'nt\'" is invalid: ' +
      'Invalid requirement: "bar; os_name = \'nt\'" (Invalid marker: "os_name = \'nt\'" (unexpected character "=" at position 8))',
    '"Requires-Python" ">=3.x" is invalid: Invalid specifier: ">=3.x" (invalid version)',
    '"Description-Content-Type" must be one of text/plain, text/x-rst, text/markdown, not "text/html"',
    '"Provides-Extra" "a b" is not a valid extra name',
    '"Dynamic" may not list "Version"',
    '"Dynamic" lists "Nonsense", which is not a core metadata field',
    '"License-File" "../LICENSE" may not contain ".."',
    '"License-File" "/abs" must be a relative path',
    '"License-Expression" "MIT AND" is invalid: unexpected end',
  ];
  try {
    parseMetadata(text);
    assert.fail("expected InvalidMetadata");
  } catch (e) {
    assert.ok(e instanceof InvalidMetadata);
    assert.deepEqual(e.errors, expected);
    assert.equal(e.message, `Invalid metadata: ${expected.join("; ")}`);
  }
});

test("required fields and metadata versions", () => {
  const cases: [string, string[]][] = [
    ["", ['missing required field "Metadata-Version"', 'missing required field "Name"', 'missing required field "Version"']],
    // Core metadata spec: a greater major version MUST fail, in one sentence.
    [
      "Metadata-Version: 3.0\nName: a\nVersion: 1\n",
      ['"Metadata-Version" "3.0" is a newer major version than this tool reads (up to 2.x); use a newer release of it'],
    ],
    [
      "Metadata-Version: 1.3\nName: a\nVersion: 1\n",
      ['"Metadata-Version" "1.3" is not a known metadata version (1.0, 1.1, 1.2, 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6)'],
    ],
    ["Metadata-Version: two\nName: a\nVersion: 1\n", ['"Metadata-Version" "two" is not a metadata version (the form is major.minor, e.g. 2.6)']],
  ];
  for (const [text, errors] of cases) {
    assert.throws(
      () => parseMetadata(text),
      (e: unknown) => e instanceof InvalidMetadata && assert.deepEqual(e.errors, errors) === undefined,
    );
  }
  for (const v of ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]) {
    const md = parseMetadata(`Metadata-Version: ${v}\nName: a\nVersion: 1.0\n`, { strict: true });
    assert.equal(md.metadataVersion, v);
    assert.deepEqual(md.warnings, []);
  }
});

test("a newer minor version is read with a warning; its new fields are kept as unknown", () => {
  const md = parseMetadata("Metadata-Version: 2.7\nName: a\nVersion: 1.0\nImport-Name: a\nSome-Future-Field: x\n", { strict: false });
  assert.equal(md.metadataVersion, "2.7");
  assert.deepEqual(md.importNames, ["a"]);
  assert.deepEqual(md.unknownFields, { "some-future-field": ["x"] });
  assert.deepEqual(md.warnings, [
    '"Metadata-Version" "2.7" is newer than the latest version this tool knows (2.6); fields it does not know are kept as they are',
  ]);
});

test("metadata 2.5 (PEP 794): Import-Name and Import-Namespace", () => {
  const text =
    "Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Name: a\nImport-Name: a._speedups; private\nImport-Namespace: ns\nImport-Namespace: ns.sub ;private\n";
  const md = parseMetadata(text, { strict: true });
  assert.deepEqual(md.importNames, ["a", "a._speedups; private"]);
  assert.deepEqual(md.importNamespaces, ["ns", "ns.sub ;private"]);
  // PEP 794: an empty Import-Name says there is nothing to import.
  assert.deepEqual(parseMetadata("Metadata-Version: 2.5\nName: a\nVersion: 1\nImport-Name:\n").importNames, []);
  // 2.6 (PEP 808) adds no field: the 2.5 ones are read the same way.
  assert.deepEqual(parseMetadata("Metadata-Version: 2.6\nName: a\nVersion: 1\nImport-Name: é_module\n", { strict: true }).importNames, ["é_module"]);
  const bad: [string, string][] = [
    ["Import-Name: 1abc", '"Import-Name" "1abc" is invalid: "1abc" is not a valid identifier'],
    ["Import-Name: a.class", '"Import-Name" "a.class" is invalid: "class" is a keyword'],
    ["Import-Name: a..b", '"Import-Name" "a..b" is invalid: "" is not a valid identifier'],
    ["Import-Namespace: a; public", '"Import-Namespace" "a; public" is invalid: the only valid option is "private"'],
  ];
  for (const [line, error] of bad) {
    assert.throws(
      () => parseMetadata(`Metadata-Version: 2.5\nName: a\nVersion: 1\n${line}\n`),
      (e: unknown) => e instanceof InvalidMetadata && assert.deepEqual(e.errors, [error]) === undefined,
    );
  }
  // Strict (PyPI's rule): a 2.5 field in 2.4 metadata is refused.
  assert.throws(
    () => parseMetadata("Metadata-Version: 2.4\nName: a\nVersion: 1\nImport-Name: a\n", { strict: true }),
    (e: unknown) => e instanceof InvalidMetadata && assert.deepEqual(e.errors, ['"Import-Name" was introduced in metadata version 2.5, not 2.4']) === undefined,
  );
});

test("content types", () => {
  const ok = ["text/plain", "text/x-rst; charset=UTF-8", "text/markdown; charset=utf-8; variant=CommonMark", "TEXT/MARKDOWN"];
  for (const ct of ok) {
    assert.equal(parseMetadata(`Metadata-Version: 2.1\nName: a\nVersion: 1\nDescription-Content-Type: ${ct}\n`).descriptionContentType, ct);
  }
  const bad: [string, string][] = [
    ["text/plain; charset=latin-1", '"Description-Content-Type" can only specify the UTF-8 charset, not "latin-1"'],
    ["text/markdown; variant=Foo", '"Description-Content-Type" Markdown variant must be GFM or CommonMark, not "Foo"'],
  ];
  for (const [ct, error] of bad) {
    assert.throws(
      () => parseMetadata(`Metadata-Version: 2.1\nName: a\nVersion: 1\nDescription-Content-Type: ${ct}\n`),
      (e: unknown) => e instanceof InvalidMetadata && assert.deepEqual(e.errors, [error]) === undefined,
    );
  }
});

test('"UNKNOWN" as Description-Content-Type (distutils\' placeholder for an unset value) is no content type', () => {
  // ply 3.11, on PyPI since 2018: found by the conformance check on real wheels.
  const md = parseMetadata("Metadata-Version: 2.1\nName: ply\nVersion: 3.11\nDescription-Content-Type: UNKNOWN\n");
  assert.equal(md.name, "ply");
});

test("license expressions (PEP 639 grammar)", () => {
  for (const expr of [
    "MIT",
    "MIT OR Apache-2.0",
    "(MIT OR Apache-2.0) AND BSD-3-Clause",
    "GPL-2.0-or-later WITH Classpath-exception-2.0",
    "LicenseRef-Proprietary",
    "GPL-2.0+",
  ]) {
    assert.equal(parseMetadata(`Metadata-Version: 2.4\nName: a\nVersion: 1\nLicense-Expression: ${expr}\n`).licenseExpression, expr);
  }
  for (const expr of ["", "AND MIT", "MIT OR", "(MIT", "MIT)", "MIT WITH", "MIT Apache-2.0"]) {
    assert.throws(() => parseMetadata(`Metadata-Version: 2.4\nName: a\nVersion: 1\nLicense-Expression: ${expr}\n`), InvalidMetadata, expr);
  }
});

test("validate: false keeps what it can; strict adds packaging's version and unknown-field checks", () => {
  const text = "Metadata-Version: 1.2\nName: a\nVersion: 1\nRequires-Dist: bad>=\nRequires-Dist: good\nProvides-Extra: x\nX-Thing: y\n";
  const lenient = parseMetadata(text, { validate: false });
  assert.deepEqual(lenient.requiresDist?.map(String), ["good"]);
  assert.deepEqual(lenient.providesExtra, ["x"]);
  assert.throws(() => parseMetadata("Name: a\n", { validate: false }), InvalidMetadata);
  assert.throws(
    () => parseMetadata("Metadata-Version: 1.2\nName: a\nVersion: 1\nProvides-Extra: x\nX-Thing: y\n", { strict: true }),
    (e: unknown) =>
      e instanceof InvalidMetadata &&
      assert.deepEqual(e.errors, ['unrecognized field "x-thing"', '"Provides-Extra" was introduced in metadata version 2.1, not 1.2']) === undefined,
  );
  // wheel < 0.31 wrote Provides-Extra under Metadata-Version 2.0.
  assert.deepEqual(parseMetadata("Metadata-Version: 2.0\nName: a\nVersion: 1\nProvides-Extra: x\n", { strict: true }).providesExtra, ["x"]);
});

test("a non-header line ends the headers, as in Python's email parser", () => {
  const { raw } = parseRawMetadata("Metadata-Version: 2.1\nName: a\nnot a header\nVersion: 1\n");
  assert.equal(raw.version, undefined);
  assert.equal(raw.description, "not a header\nVersion: 1\n");
});
