import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { zipSync, strToU8 } from "fflate";
import { DEFAULT_ARCHIVE_LIMITS, InvalidDistribution, inspectDistribution } from "./index.ts";
import { buildTarGz, buildZip, makeTempDir, metadataText, rawTarMember, sdistTarEntries, wheelFileText, wheelMembers, type TempDir } from "@wheelhouse/testing";

let dir: TempDir;
before(async () => (dir = await makeTempDir()));
after(() => dir.remove());

// foo-bar 1.0, the project every archive test uploads.
const FOO_BAR = { name: "foo-bar", version: "1.0", summary: "Grüße", generator: "test", files: { "foo_bar/__init__.py": "VALUE = 1\n" } };
const METADATA_TEXT = metadataText(FOO_BAR);
const WHEEL_TEXT = wheelFileText(FOO_BAR);
const PKG_INFO_TEXT = metadataText({ name: "foo-bar", version: "1.0" });

/** The members of a valid foo-bar wheel; `distInfo` renames its .dist-info directory, `overrides` change members (undefined removes). */
function wheelFiles(distInfo?: string, overrides: Record<string, string | undefined> = {}) {
  return wheelMembers(FOO_BAR, { ...(distInfo !== undefined ? { distInfo } : {}), overrides });
}

// The sdist of foo-bar 1.0: top directory, PKG-INFO, pyproject.toml and a module.
const FOO_BAR_SDIST = {
  name: "foo-bar",
  version: "1.0",
  files: { "pyproject.toml": "[project]\nname = 'foo-bar'\n", "src/foo_bar/__init__.py": "VALUE = 1\n" },
};
const sdistEntries = () => sdistTarEntries(FOO_BAR_SDIST);

/** A wheel from a real zip writer (fflate), not our byte-level builder. */
function fflateZip(files: Record<string, string | Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === "string" ? strToU8(v) : v])));
}

describe("inspectDistribution: accepted files", () => {
  it("reads METADATA and WHEEL from a wheel", async () => {
    const path = await dir.write("w.whl", fflateZip(Object.fromEntries(wheelFiles().map((f) => [f.name, f.data]))));
    const result = await inspectDistribution(path, "foo_bar-1.0-py3-none-any.whl");
    assert.deepEqual(result, { kind: "wheel", metadataText: METADATA_TEXT, wheelText: WHEEL_TEXT });
  });

  it("accepts a wheel with a build tag", async () => {
    const path = await dir.write("w.whl", buildZip(wheelFiles()));
    const result = await inspectDistribution(path, "foo_bar-1.0-1-py3-none-any.whl");
    assert.equal(result.kind, "wheel");
  });

  it("accepts a .dist-info directory that differs from the filename only in case and separators", async () => {
    const path = await dir.write("w.whl", buildZip(wheelFiles("Foo.Bar-1.0.dist-info")));
    const result = await inspectDistribution(path, "foo_bar-1.0-py3-none-any.whl");
    assert.equal(result.metadataText, METADATA_TEXT);
  });

  it("accepts a wheel written with ZIP64 end records", async () => {
    const path = await dir.write("w.whl", buildZip(wheelFiles(), { zip64: true }));
    const result = await inspectDistribution(path, "foo_bar-1.0-py3-none-any.whl");
    assert.equal(result.wheelText, WHEEL_TEXT);
  });

  it("accepts an archive comment without record signatures", async () => {
    const path = await dir.write("w.whl", buildZip(wheelFiles(), { comment: Buffer.from("built by test") }));
    assert.equal((await inspectDistribution(path, "foo_bar-1.0-py3-none-any.whl")).kind, "wheel");
  });

  it("accepts a big member that does not compress (4 MiB of random bytes)", async () => {
    const files = Object.fromEntries(wheelFiles().map((f) => [f.name, f.data] as [string, string | Uint8Array]));
    files["foo_bar/blob.bin"] = randomBytes(4 * 1024 * 1024);
    const path = await dir.write("w.whl", fflateZip(files));
    assert.equal((await inspectDistribution(path, "foo_bar-1.0-py3-none-any.whl")).kind, "wheel");
  });

  it("accepts small, very compressible members below the ratio floor", async () => {
    const files = [...wheelFiles(), { name: "foo_bar/data.txt", data: "a".repeat(512 * 1024) }];
    const path = await dir.write("w.whl", buildZip(files));
    assert.equal((await inspectDistribution(path, "foo_bar-1.0-py3-none-any.whl")).kind, "wheel");
  });

  it("reads PKG-INFO from a .tar.gz sdist", async () => {
    const path = await dir.write("s.tar.gz", await buildTarGz(sdistEntries()));
    const result = await inspectDistribution(path, "foo_bar-1.0.tar.gz");
    assert.deepEqual(result, { kind: "sdist", metadataText: PKG_INFO_TEXT });
  });

  it("accepts a .tar.gz sdist with a pax global header, an inner symlink and a big member", async () => {
    // What `git archive` writes first: a pax global header carrying the commit id.
    const paxGlobal = rawTarMember("pax_global_header", "g", "52 comment=0123456789012345678901234567890123456789\n");
    const entries = [
      ...sdistEntries(),
      { header: { name: "foo_bar-1.0/src/link.py", type: "symlink" as const, linkname: "foo_bar/__init__.py" } },
      { header: { name: "foo_bar-1.0/data.bin" }, data: randomBytes(2 * 1024 * 1024) },
    ];
    const path = await dir.write("s.tar.gz", await buildTarGz(entries, { level: 1 }, paxGlobal));
    assert.equal((await inspectDistribution(path, "foo_bar-1.0.tar.gz")).metadataText, PKG_INFO_TEXT);
  });

  it("reads PKG-INFO from a .zip sdist", async () => {
    const path = await dir.write("s.zip", fflateZip({ "foo_bar-1.0/PKG-INFO": PKG_INFO_TEXT, "foo_bar-1.0/setup.py": "from setuptools import setup\n" }));
    assert.deepEqual(await inspectDistribution(path, "foo_bar-1.0.zip"), { kind: "sdist", metadataText: PKG_INFO_TEXT });
  });

  it("exports sane defaults", () => {
    assert.deepEqual(DEFAULT_ARCHIVE_LIMITS, {
      maxUncompressedBytes: 8 * 1024 ** 3,
      maxCompressionRatio: 50,
      maxMembers: 100_000,
      maxMetadataBytes: 2 * 1024 ** 2,
    });
  });
});

describe("inspectDistribution: file extension", () => {
  it("rejects an extension other than .whl, .tar.gz and .zip", async () => {
    const path = await dir.write("x.egg", buildZip(wheelFiles()));
    await assert.rejects(inspectDistribution(path, "foo_bar-1.0.egg"), {
      name: "InvalidDistribution",
      message: "Invalid file extension: use .whl, .tar.gz or .zip.",
    });
  });

  it("uses the extension, not the content, to pick the format", async () => {
    const path = await dir.write("w.tar.gz", buildZip(wheelFiles()));
    await assert.rejects(inspectDistribution(path, "foo_bar-1.0.tar.gz"), (error: unknown) => {
      assert.ok(error instanceof InvalidDistribution);
      assert.equal(error.message, "Invalid distribution file: not a valid .tar.gz archive.");
      return true;
    });
  });
});
