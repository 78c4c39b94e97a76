// .tar.gz sdists: gzip/tar validity, one top-level directory, PKG-INFO, links, limits.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { inspectDistribution, type ArchiveLimits } from "./index.ts";
import { buildTarGz, makeTempDir, rawTarMember, sdistTarEntries, type TarEntry, type TempDir } from "@wheelhouse/testing";

let dir: TempDir;
before(async () => (dir = await makeTempDir()));
after(() => dir.remove());

// The sdist of foo-bar 1.0: top directory, PKG-INFO, pyproject.toml and a module.
const FOO_BAR_SDIST = {
  name: "foo-bar",
  version: "1.0",
  files: { "pyproject.toml": "[project]\nname = 'foo-bar'\n", "src/foo_bar/__init__.py": "VALUE = 1\n" },
};
const sdistEntries = () => sdistTarEntries(FOO_BAR_SDIST);

const SDIST = "foo_bar-1.0.tar.gz";
const TOP = "foo_bar-1.0";

async function rejectsTarGz(bytes: Buffer, message: string, limits?: Partial<ArchiveLimits>) {
  const path = await dir.write("t.tar.gz", bytes);
  await assert.rejects(inspectDistribution(path, SDIST, limits), { name: "InvalidDistribution", message });
}

const rejectsEntries = async (entries: TarEntry[], message: string, limits?: Partial<ArchiveLimits>) =>
  rejectsTarGz(await buildTarGz(entries), message, limits);

describe(".tar.gz validity", () => {
  it("rejects a file that is not gzip", async () => {
    await rejectsTarGz(randomBytes(2048), "Invalid distribution file: not a valid .tar.gz archive.");
  });

  it("rejects a truncated gzip stream", async () => {
    const whole = await buildTarGz([...sdistEntries(), { header: { name: `${TOP}/data.bin` }, data: randomBytes(64 * 1024) }]);
    await rejectsTarGz(whole.subarray(0, whole.length / 2), "Invalid distribution file: not a valid .tar.gz archive.");
  });

  it("rejects gzip content that is not a tar", async () => {
    await rejectsTarGz(gzipSync(randomBytes(4096)), "Invalid distribution file: not a valid .tar.gz archive.");
  });

  it("rejects an empty file", async () => {
    await rejectsTarGz(Buffer.alloc(0), "Invalid distribution file: not a valid .tar.gz archive.");
  });

  it("rejects an empty tar", async () => {
    await rejectsEntries([], "Invalid distribution file: the sdist has no top-level directory.");
  });
});

describe(".tar.gz layout", () => {
  it("rejects a file at the top level", async () => {
    await rejectsEntries(
      [{ header: { name: "setup.py" }, data: "" }, ...sdistEntries()],
      'Invalid distribution file: member "setup.py" is not inside the sdist\'s top-level directory.',
    );
  });

  it("rejects a second top-level directory", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: "other-1.0/x.py" }, data: "" }],
      'Invalid distribution file: the sdist has more than one top-level directory ("foo_bar-1.0" and "other-1.0").',
    );
  });

  it("rejects an sdist without PKG-INFO", async () => {
    await rejectsEntries(
      sdistEntries().filter((e) => !e.header.name.endsWith("PKG-INFO")),
      "Invalid distribution file: the sdist has no foo_bar-1.0/PKG-INFO.",
    );
  });

  it("does not take a nested PKG-INFO for the sdist's", async () => {
    await rejectsEntries(
      [...sdistEntries().filter((e) => !e.header.name.endsWith("PKG-INFO")), { header: { name: `${TOP}/src/PKG-INFO` }, data: "x" }],
      "Invalid distribution file: the sdist has no foo_bar-1.0/PKG-INFO.",
    );
  });

  it("accepts ./-prefixed member names and a ./ root entry", async () => {
    const entries: TarEntry[] = [
      { header: { name: "./", type: "directory" } },
      ...sdistEntries().map((e) => ({ ...e, header: { ...e.header, name: `./${e.header.name}` } })),
    ];
    const path = await dir.write("t.tar.gz", await buildTarGz(entries));
    assert.equal((await inspectDistribution(path, SDIST)).kind, "sdist");
  });

  it("rejects duplicate members", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}/PKG-INFO` }, data: "Name: evil\n" }],
      'Invalid distribution file: duplicate member name "foo_bar-1.0/PKG-INFO".',
    );
  });

  it("rejects an absolute path", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: "/etc/passwd" }, data: "" }],
      'Invalid distribution file: member name "/etc/passwd" is an absolute path.',
    );
  });

  it("rejects a .. segment", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}/../../evil.sh` }, data: "" }],
      'Invalid distribution file: member name "foo_bar-1.0/../../evil.sh" contains a ".." segment.',
    );
  });

  it("rejects a backslash", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}\\evil.sh` }, data: "" }],
      'Invalid distribution file: member name "foo_bar-1.0\\\\evil.sh" contains a backslash.',
    );
  });

  it("rejects a symlink that escapes the top-level directory", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}/src/escape`, type: "symlink", linkname: "../../../etc" } }],
      'Invalid distribution file: link "foo_bar-1.0/src/escape" points outside the sdist\'s top-level directory.',
    );
  });

  it("rejects an absolute symlink", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}/passwd`, type: "symlink", linkname: "/etc/passwd" } }],
      'Invalid distribution file: link "foo_bar-1.0/passwd" points outside the sdist\'s top-level directory.',
    );
  });

  it("rejects a hard link to a path outside the top-level directory", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}/shadow`, type: "link", linkname: "etc/shadow" } }],
      'Invalid distribution file: link "foo_bar-1.0/shadow" points outside the sdist\'s top-level directory.',
    );
  });

  it("accepts a hard link inside the top-level directory", async () => {
    const entries: TarEntry[] = [...sdistEntries(), { header: { name: `${TOP}/copy.py`, type: "link", linkname: `${TOP}/src/foo_bar/__init__.py` } }];
    const path = await dir.write("t.tar.gz", await buildTarGz(entries));
    assert.equal((await inspectDistribution(path, SDIST)).kind, "sdist");
  });

  it("rejects device files", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}/null`, type: "character-device", devmajor: 1, devminor: 3 } }],
      'Invalid distribution file: member "foo_bar-1.0/null" is a character-device; sdists may contain only files, directories and links.',
    );
  });

  it("rejects members of unknown type", async () => {
    const tail = rawTarMember(`${TOP}/weird`, "X");
    // A hand-written tar: PKG-INFO then an entry with type flag 'X', then the end blocks.
    const tarBytes = Buffer.concat([rawTarMember(`${TOP}/PKG-INFO`, "0", "Name: x\n"), tail, Buffer.alloc(1024)]);
    await rejectsTarGz(
      gzipSync(tarBytes),
      'Invalid distribution file: member "foo_bar-1.0/weird" is a member of unknown type; sdists may contain only files, directories and links.',
    );
  });
});

describe(".tar.gz limits", () => {
  it("rejects PKG-INFO larger than the limit", async () => {
    await rejectsEntries(
      [{ header: { name: `${TOP}/PKG-INFO` }, data: "Name: x\n".repeat(200) }],
      "Invalid distribution file: foo_bar-1.0/PKG-INFO is larger than 1 KiB.",
      { maxMetadataBytes: 1024 },
    );
  });

  it("rejects PKG-INFO that is not UTF-8", async () => {
    await rejectsEntries(
      [{ header: { name: `${TOP}/PKG-INFO` }, data: Buffer.from([0x4e, 0xff, 0xfe, 0x0a]) }],
      "Invalid distribution file: foo_bar-1.0/PKG-INFO is not valid UTF-8.",
    );
  });

  it("rejects more members than allowed", async () => {
    await rejectsEntries(sdistEntries(), "Invalid distribution file: the archive has more than 2 members.", { maxMembers: 2 });
  });

  it("rejects an archive that expands beyond the size limit", async () => {
    await rejectsEntries(
      [...sdistEntries(), { header: { name: `${TOP}/big.bin` }, data: randomBytes(64 * 1024) }],
      "Invalid distribution file: the archive expands to more than 32 KiB.",
      { maxUncompressedBytes: 32 * 1024 },
    );
  });

  it("stops a gzip bomb (200 MB of zeros) while streaming, with flat memory", async () => {
    const bytes = await buildTarGz([...sdistEntries(), { header: { name: `${TOP}/zeros.bin` }, zeros: 200 * 1000 * 1000 }]);
    const before = process.memoryUsage().rss;
    await rejectsTarGz(bytes, "Invalid distribution file: the archive has a compression ratio above 50, which looks like a decompression bomb.");
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024);
  });
});
