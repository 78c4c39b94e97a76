// The installation report's pieces: core metadata in PEP 566's JSON form (checked against pip's
// own msg_to_json over importlib.metadata's message, as pip runs it on Python 3.11+), PEP 610
// URLs, and the report's shape.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { PYTHON } from "../../test/installer-support.ts";
import { installationReport, metadataToJson, pep610Url } from "./installation-report.ts";

const SAMPLES: Record<string, string> = {
  "multiple-use fields as lists, body as description": [
    "Metadata-Version: 2.1",
    "Name: Demo-Pkg",
    "Version: 1.0",
    "Summary: A demo",
    "Home-page: https://example.org",
    "Author-email: A <a@example.org>",
    "License: MIT",
    "Classifier: Programming Language :: Python",
    "Classifier: License :: OSI Approved :: MIT License",
    "Requires-Dist: lib>=1",
    'Requires-Dist: speedup; extra == "fast"',
    "Requires-Python: >=3.8",
    "Project-URL: Source, https://example.org/src",
    "Provides-Extra: fast",
    "Description-Content-Type: text/markdown",
    "",
    "# Demo",
    "",
    "Long text, with a blank line above.",
    "",
  ].join("\n"),
  "keywords split on commas": "Metadata-Version: 2.1\nName: k\nVersion: 1\nKeywords: one, two ,three\n",
  "keywords split on whitespace": "Metadata-Version: 2.1\nName: k\nVersion: 1\nKeywords: one  two\tthree\n",
  "no body, a folded Description header with RFC 822 indentation":
    "Metadata-Version: 1.2\nName: old\nVersion: 0.1\nDescription: First line\n" +
    "        second line\n        \n          indented\nLicense: BSD\n        (three clause)\n",
  "a body and a Description header: the body wins": "Metadata-Version: 2.1\nName: both\nVersion: 1\nDescription: from the header\n\nfrom the body\n",
  "unknown fields dropped, names matched in any case": "metadata-version: 2.1\nNAME: Case\nversion: 2\nX-Custom: dropped\nrequires-dist: a\nRequires-Dist: b\n",
  "non-ASCII kept": "Metadata-Version: 2.1\nName: uni\nVersion: 1\nAuthor: Zoë Ñandú\nSummary: déjà vu ✓\n\nCorps du texte — ünïcödé\n",
  "a non-header line starts the body": "Metadata-Version: 2.1\nName: nb\nVersion: 1\nthis is not a header\nSummary: not read\n",
  "no trailing newline": "Metadata-Version: 2.1\nName: nt\nVersion: 3",
};

// pip's conversion, run where pip runs it: Python's email parser under importlib.metadata's Message.
const PIP_CONVERSION = String.raw`
import email, json, sys
from importlib.metadata._adapters import Message
from pip._internal.metadata._json import msg_to_json
texts = json.load(sys.stdin)
print(json.dumps({k: msg_to_json(Message(email.message_from_string(v))) for k, v in texts.items()}))
`;

describe("metadataToJson", () => {
  test("gives what pip's msg_to_json gives", () => {
    const r = spawnSync(PYTHON, ["-c", PIP_CONVERSION], { input: JSON.stringify(SAMPLES), encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const [name, text] of Object.entries(SAMPLES)) assert.deepEqual(metadataToJson(text), expected[name], name);
  });

  test("pip's field order; PEP 639 fields as pip 25.1 reads them", () => {
    const json = metadataToJson("Version: 1\nLicense-File: LICENSE\nName: x\nLicense-Expression: MIT\nLicense-File: NOTICE\nMetadata-Version: 2.4\n");
    assert.deepEqual(Object.keys(json), ["metadata_version", "name", "version", "license_expression", "license_file"]);
    assert.deepEqual(json.license_file, ["LICENSE", "NOTICE"]);
    assert.equal(json.license_expression, "MIT");
  });
});

describe("pep610Url", () => {
  for (const [url, expected] of [
    ["https://user:secret@host/simple/x.whl", "https://host/simple/x.whl"],
    ["https://token@host/x.whl", "https://host/x.whl"],
    ["https://${USER}:${PASS}@host/x.whl", "https://${USER}:${PASS}@host/x.whl"],
    ["https://host/x.whl", "https://host/x.whl"],
    ["file:///tmp/project", "file:///tmp/project"],
  ] as const) {
    test(url, () => assert.equal(pep610Url(url), expected));
  }
});

describe("installationReport", () => {
  test("version 1, our version as pip_version, the environment in packaging's order", () => {
    const env = {
      python_version: "3.11",
      python_full_version: "3.11.7",
      os_name: "posix",
      sys_platform: "linux",
      platform_release: "6.1",
      platform_system: "Linux",
      platform_version: "#1",
      platform_machine: "x86_64",
      platform_python_implementation: "CPython",
      implementation_name: "cpython",
      implementation_version: "3.11.7",
    };
    const report = installationReport([], env);
    assert.deepEqual(Object.keys(report), ["version", "pip_version", "install", "environment"]);
    assert.equal(report.version, "1");
    assert.match(report.pip_version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(Object.keys(report.environment), [
      "implementation_name",
      "implementation_version",
      "os_name",
      "platform_machine",
      "platform_release",
      "platform_system",
      "platform_version",
      "python_full_version",
      "platform_python_implementation",
      "python_version",
      "sys_platform",
    ]);
  });
});
