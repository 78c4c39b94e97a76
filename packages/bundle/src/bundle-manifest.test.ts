import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { BundleError } from "./bundle-error.ts";
import { parseBundleManifest, validateBundleManifest, type BundleManifestInput } from "./bundle-manifest.ts";

const SHA = "a".repeat(64);

function manifest(): BundleManifestInput {
  return {
    format: "wheelhouse-bundle",
    version: 1,
    createdAt: "2024-05-01T12:00:00.000Z",
    source: { index: "main", registry: "https://pypi.corp.example/" },
    projects: [
      {
        name: "my-lib",
        displayName: "My.Lib",
        releases: [
          {
            version: "1.0",
            yanked: false,
            yankedReason: null,
            requiresPython: ">=3.8",
            summary: "a library",
            info: { name: "My.Lib", version: "1.0" },
            files: [
              {
                filename: "my_lib-1.0-py3-none-any.whl",
                packageType: "bdist_wheel",
                pythonVersion: "py3",
                size: 1234,
                sha256: SHA,
                requiresPython: ">=3.8",
                yanked: false,
                yankedReason: null,
                uploadTime: "2024-04-30T08:00:00.123456Z",
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A deep copy of the good manifest with `edit` applied. */
function edited(edit: (m: any) => void): unknown {
  const m = structuredClone(manifest());
  edit(m);
  return m;
}

function rejects(input: unknown, message: string): void {
  assert.throws(
    () => validateBundleManifest(input),
    (err: unknown) => {
      assert.ok(err instanceof BundleError);
      assert.equal(err.code, "invalid-bundle");
      assert.equal(err.message, message);
      return true;
    },
  );
}

test("a complete manifest validates; optional digests and metadata become null", () => {
  const parsed = validateBundleManifest(manifest());
  const file = parsed.projects[0]!.releases[0]!.files[0]!;
  assert.equal(file.md5, null);
  assert.equal(file.blake2b256, null);
  assert.equal(file.coreMetadata, null);
  assert.equal(file.metadataSha256, null);
  assert.equal(parsed.source.registry, "https://pypi.corp.example/");
});

test("the JSON text is parsed first, and a non-JSON manifest says so", () => {
  assert.equal(parseBundleManifest(JSON.stringify(manifest())).projects.length, 1);
  assert.throws(() => parseBundleManifest("{not json"), /^BundleError: Invalid bundle: wheelhouse-bundle\.json is not JSON \(/);
});

const cases: [string, (m: any) => void, string][] = [
  ["another format", (m) => (m.format = "zip"), 'format: must be "wheelhouse-bundle"'],
  ["a newer version", (m) => (m.version = 2), "version: this Wheelhouse reads bundle format version 1 only"],
  ["no createdAt", (m) => delete m.createdAt, "createdAt: Invalid input: expected string, received undefined"],
  ["no source index", (m) => (m.source = {}), "source.index: Invalid input: expected string, received undefined"],
  ["a name not normalized", (m) => (m.projects[0].name = "My.Lib"), "projects[0].name: must be a PEP 503 normalized project name"],
  ["a short sha256", (m) => (m.projects[0].releases[0].files[0].sha256 = "abc"), "projects[0].releases[0].files[0].sha256: must be 64 lowercase hex digits"],
  [
    "an upper-case md5",
    (m) => (m.projects[0].releases[0].files[0].md5 = "A".repeat(32)),
    "projects[0].releases[0].files[0].md5: must be 32 lowercase hex digits",
  ],
  ["a negative size", (m) => (m.projects[0].releases[0].files[0].size = -1), "projects[0].releases[0].files[0].size: Too small: expected number to be >=0"],
  [
    "a fractional size",
    (m) => (m.projects[0].releases[0].files[0].size = 1.5),
    "projects[0].releases[0].files[0].size: Invalid input: expected int, received number",
  ],
  [
    "a path as filename",
    (m) => (m.projects[0].releases[0].files[0].filename = "../../etc/passwd"),
    "projects[0].releases[0].files[0].filename: must be a plain file name (no '/', '\\', leading '.' or surrounding spaces)",
  ],
  [
    "an unknown package type",
    (m) => (m.projects[0].releases[0].files[0].packageType = "egg"),
    "projects[0].releases[0].files[0].packageType: must be 'sdist' or 'bdist_…'",
  ],
  [
    "a bad upload time",
    (m) => (m.projects[0].releases[0].files[0].uploadTime = "yesterday"),
    "projects[0].releases[0].files[0].uploadTime: Invalid ISO datetime",
  ],
  [
    "yanked not a boolean",
    (m) => (m.projects[0].releases[0].yanked = "no"),
    "projects[0].releases[0].yanked: Invalid input: expected boolean, received string",
  ],
  ["info not an object", (m) => (m.projects[0].releases[0].info = []), "projects[0].releases[0].info: Invalid input: expected record, received array"],
  ["a duplicate project", (m) => m.projects.push({ ...structuredClone(m.projects[0]), releases: [] }), "projects[1].name: duplicate project 'my-lib'"],
  [
    "a duplicate version (by PEP 440)",
    (m) => m.projects[0].releases.push({ ...structuredClone(m.projects[0].releases[0]), version: "1.0.0", files: [] }),
    "projects[0].releases[1].version: duplicate version '1.0.0'",
  ],
  [
    "a file listed twice",
    (m) => m.projects[0].releases.push({ ...structuredClone(m.projects[0].releases[0]), version: "2.0" }),
    "projects[0].releases[1].files[0].filename: duplicate file 'my_lib-1.0-py3-none-any.whl'",
  ],
  [
    "metadata that does not match its hash",
    (m) => Object.assign(m.projects[0].releases[0].files[0], { coreMetadata: "Name: my-lib\n", metadataSha256: "b".repeat(64) }),
    "projects[0].releases[0].files[0].metadataSha256: does not match coreMetadata",
  ],
];

for (const [what, edit, field] of cases) {
  test(`refused: ${what}`, () => rejects(edited(edit), `Invalid bundle: wheelhouse-bundle.json: ${field}.`));
}

test("metadata with its matching hash is accepted", () => {
  const text = "Metadata-Version: 2.1\nName: my-lib\nVersion: 1.0\n";
  const sha = createHash("sha256").update(text).digest("hex");
  const parsed = validateBundleManifest(edited((m) => Object.assign(m.projects[0].releases[0].files[0], { coreMetadata: text, metadataSha256: sha })));
  assert.equal(parsed.projects[0]!.releases[0]!.files[0]!.metadataSha256, sha);
});

test("every bad field is named, up to five, with a count of the rest", () => {
  const input = edited((m) => {
    m.format = "x";
    m.version = 9;
    m.createdAt = "x";
    m.source = {};
    m.projects[0].name = "X";
    m.projects[0].displayName = "";
    m.projects[0].releases[0].files[0].sha256 = "x";
  });
  assert.throws(
    () => validateBundleManifest(input),
    (err: Error) => {
      assert.match(
        err.message,
        /^Invalid bundle: wheelhouse-bundle\.json: format: .*; version: .*; createdAt: .*; source\.index: .*; projects\[0\]\.name: .* \(and 2 more\)\.$/,
      );
      return true;
    },
  );
});

test("a manifest that is not an object is refused as a whole", () => {
  rejects([], "Invalid bundle: wheelhouse-bundle.json: (manifest): Invalid input: expected object, received array.");
});
