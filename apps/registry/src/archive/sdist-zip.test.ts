// .zip sdists: the zip rules (see zip-rules.test.ts) plus the sdist layout.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inspectDistribution } from "./index.ts";
import { buildZip, makeTempDir, metadataText, type RawZipEntry, type TempDir } from "@wheelhouse/testing";

let dir: TempDir;
before(async () => (dir = await makeTempDir()));
after(() => dir.remove());

const PKG_INFO_TEXT = metadataText({ name: "foo-bar", version: "1.0" });

const SDIST = "foo_bar-1.0.zip";

async function rejectsZipSdist(entries: RawZipEntry[], message: string) {
  const path = await dir.write("t.zip", buildZip(entries));
  await assert.rejects(inspectDistribution(path, SDIST), { name: "InvalidDistribution", message });
}

describe(".zip sdist", () => {
  it("reads PKG-INFO, with explicit directory entries", async () => {
    const path = await dir.write(
      "t.zip",
      buildZip([
        { name: "foo_bar-1.0/", data: "" },
        { name: "foo_bar-1.0/PKG-INFO", data: PKG_INFO_TEXT },
        { name: "foo_bar-1.0/src/", data: "" },
      ]),
    );
    assert.deepEqual(await inspectDistribution(path, SDIST), { kind: "sdist", metadataText: PKG_INFO_TEXT });
  });

  it("rejects a file at the top level", async () => {
    await rejectsZipSdist(
      [
        { name: "foo_bar-1.0/PKG-INFO", data: PKG_INFO_TEXT },
        { name: "setup.py", data: "" },
      ],
      'Invalid distribution file: member "setup.py" is not inside the sdist\'s top-level directory.',
    );
  });

  it("rejects a second top-level directory", async () => {
    await rejectsZipSdist(
      [
        { name: "foo_bar-1.0/PKG-INFO", data: PKG_INFO_TEXT },
        { name: "other/x.py", data: "" },
      ],
      'Invalid distribution file: the sdist has more than one top-level directory ("foo_bar-1.0" and "other").',
    );
  });

  it("rejects an sdist without PKG-INFO", async () => {
    await rejectsZipSdist([{ name: "foo_bar-1.0/setup.py", data: "" }], "Invalid distribution file: the sdist has no foo_bar-1.0/PKG-INFO.");
  });

  it("rejects an empty archive", async () => {
    await rejectsZipSdist([], "Invalid distribution file: the sdist has no top-level directory.");
  });

  it("rejects traversal names", async () => {
    await rejectsZipSdist(
      [
        { name: "foo_bar-1.0/PKG-INFO", data: PKG_INFO_TEXT },
        { name: "foo_bar-1.0/../../x", data: "" },
      ],
      'Invalid distribution file: member name "foo_bar-1.0/../../x" contains a ".." segment.',
    );
  });
});
