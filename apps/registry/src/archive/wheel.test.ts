// Wheel layout rules (PEP 427): the .dist-info directory and its files.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inspectDistribution, type ArchiveLimits } from "./index.ts";
import { buildZip, makeTempDir, wheelMembers, type TempDir } from "@wheelhouse/testing";

let dir: TempDir;
before(async () => (dir = await makeTempDir()));
after(() => dir.remove());

// foo-bar 1.0, the project every archive test uploads.
const FOO_BAR = { name: "foo-bar", version: "1.0", summary: "Grüße", generator: "test", files: { "foo_bar/__init__.py": "VALUE = 1\n" } };

/** The members of a valid foo-bar wheel; `distInfo` renames its .dist-info directory, `overrides` change members (undefined removes). */
function wheelFiles(distInfo?: string, overrides: Record<string, string | undefined> = {}) {
  return wheelMembers(FOO_BAR, { ...(distInfo !== undefined ? { distInfo } : {}), overrides });
}

const WHEEL = "foo_bar-1.0-py3-none-any.whl";
const DIST_INFO = "foo_bar-1.0.dist-info";

async function rejectsWheel(files: { name: string; data: string | Buffer }[], message: string, filename = WHEEL, limits?: Partial<ArchiveLimits>) {
  const path = await dir.write("t.whl", buildZip(files));
  await assert.rejects(inspectDistribution(path, filename, limits), { name: "InvalidDistribution", message });
}

describe("wheel layout", () => {
  it("rejects a filename that is not a wheel filename", async () => {
    await rejectsWheel(
      wheelFiles(),
      "Invalid wheel filename: expected {name}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl.",
      "foo_bar-1.0.whl",
    );
  });

  it("rejects a wheel without a .dist-info directory", async () => {
    await rejectsWheel([{ name: "foo_bar/__init__.py", data: "" }], "Invalid distribution file: the wheel has no foo_bar-1.0.dist-info directory.");
  });

  it("ignores .dist-info directories that are not at the top level", async () => {
    await rejectsWheel(
      [{ name: "vendored/foo_bar-1.0.dist-info/METADATA", data: "" }],
      "Invalid distribution file: the wheel has no foo_bar-1.0.dist-info directory.",
    );
  });

  it("rejects two .dist-info directories", async () => {
    await rejectsWheel(
      [...wheelFiles(), { name: "other-2.0.dist-info/METADATA", data: "" }],
      "Invalid distribution file: the wheel has more than one .dist-info directory (foo_bar-1.0.dist-info, other-2.0.dist-info).",
    );
  });

  it("rejects a .dist-info directory for another project", async () => {
    await rejectsWheel(
      wheelFiles("other-1.0.dist-info"),
      "Invalid distribution file: the wheel's other-1.0.dist-info directory does not match the filename; expected foo_bar-1.0.dist-info.",
    );
  });

  it("rejects a .dist-info directory for another version", async () => {
    await rejectsWheel(
      wheelFiles("foo_bar-2.0.dist-info"),
      "Invalid distribution file: the wheel's foo_bar-2.0.dist-info directory does not match the filename; expected foo_bar-1.0.dist-info.",
    );
  });

  for (const file of ["WHEEL", "METADATA", "RECORD"]) {
    it(`rejects a wheel without ${file}`, async () => {
      await rejectsWheel(wheelFiles(DIST_INFO, { [`${DIST_INFO}/${file}`]: undefined }), `Invalid distribution file: the wheel has no ${DIST_INFO}/${file}.`);
    });
  }

  it("does not take a directory entry for the METADATA file", async () => {
    await rejectsWheel(
      [...wheelFiles(DIST_INFO, { [`${DIST_INFO}/METADATA`]: undefined }), { name: `${DIST_INFO}/METADATA/`, data: "" }],
      `Invalid distribution file: the wheel has no ${DIST_INFO}/METADATA.`,
    );
  });
});

describe("wheel files", () => {
  it("rejects WHEEL without Wheel-Version", async () => {
    await rejectsWheel(
      wheelFiles(DIST_INFO, { [`${DIST_INFO}/WHEEL`]: "Generator: test\n" }),
      `Invalid distribution file: ${DIST_INFO}/WHEEL has no Wheel-Version.`,
    );
  });

  it("rejects a malformed Wheel-Version", async () => {
    await rejectsWheel(
      wheelFiles(DIST_INFO, { [`${DIST_INFO}/WHEEL`]: "Wheel-Version: one\n" }),
      `Invalid distribution file: ${DIST_INFO}/WHEEL has an invalid Wheel-Version "one".`,
    );
  });

  it("rejects a Wheel-Version whose major is not 1", async () => {
    await rejectsWheel(
      wheelFiles(DIST_INFO, { [`${DIST_INFO}/WHEEL`]: "Wheel-Version: 2.0\n" }),
      "Invalid distribution file: Wheel-Version 2.0 is not supported; only 1.x wheels are accepted.",
    );
  });

  it("accepts any 1.x Wheel-Version, header name in any case", async () => {
    const path = await dir.write("t.whl", buildZip(wheelFiles(DIST_INFO, { [`${DIST_INFO}/WHEEL`]: "wheel-version: 1.9\n" })));
    assert.equal((await inspectDistribution(path, WHEEL)).wheelText, "wheel-version: 1.9\n");
  });

  it("rejects METADATA that is not UTF-8", async () => {
    await rejectsWheel(
      [...wheelFiles(DIST_INFO, { [`${DIST_INFO}/METADATA`]: undefined }), { name: `${DIST_INFO}/METADATA`, data: Buffer.from("Name: caf\xe9\n", "latin1") }],
      `Invalid distribution file: ${DIST_INFO}/METADATA is not valid UTF-8.`,
    );
  });

  it("rejects a WHEEL file larger than the metadata limit", async () => {
    await rejectsWheel(
      wheelFiles(DIST_INFO, { [`${DIST_INFO}/WHEEL`]: `Wheel-Version: 1.0\n${"Tag: py3-none-any\n".repeat(100)}` }),
      `Invalid distribution file: ${DIST_INFO}/WHEEL is larger than 1 KiB.`,
      WHEEL,
      { maxMetadataBytes: 1024 },
    );
  });
});
