// Zip structure and member rules, exercised through wheels (.zip sdists share the code).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { crc32, deflateRawSync } from "node:zlib";
import { inspectDistribution, type ArchiveLimits } from "./index.ts";
import { buildZip, deflatedZeros, makeTempDir, wheelMembers, type RawZipEntry, type RawZipOptions, type TempDir } from "@wheelhouse/testing";

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

async function rejectsZip(bytes: Buffer, message: string, limits?: Partial<ArchiveLimits>) {
  const path = await dir.write("t.whl", bytes);
  await assert.rejects(inspectDistribution(path, WHEEL, limits), { name: "InvalidDistribution", message });
}

function withEntries(extra: RawZipEntry[], options?: RawZipOptions): Buffer {
  return buildZip([...wheelFiles(), ...extra], options);
}

describe("zip framing", () => {
  it("rejects a file that is not a zip", async () => {
    await rejectsZip(randomBytes(4096), "Invalid distribution file: not a valid zip archive.");
  });

  it("rejects an empty file", async () => {
    await rejectsZip(Buffer.alloc(0), "Invalid distribution file: not a valid zip archive.");
  });

  it("rejects a file too short to be a zip", async () => {
    await rejectsZip(Buffer.from("PK"), "Invalid distribution file: not a valid zip archive.");
  });

  it("rejects a truncated zip", async () => {
    const whole = withEntries([]);
    await rejectsZip(whole.subarray(0, whole.length - 10), "Invalid distribution file: not a valid zip archive.");
  });

  it("rejects data prepended to the archive", async () => {
    await rejectsZip(
      withEntries([], { prepend: Buffer.from("#!/bin/sh\necho payload\n") }),
      "Invalid distribution file: the zip archive has data before its first entry.",
    );
  });

  it("rejects data appended after the end record", async () => {
    await rejectsZip(
      withEntries([], { append: Buffer.from("trailing junk") }),
      "Invalid distribution file: the zip archive has data after its end-of-central-directory record.",
    );
  });

  it("rejects a second zip concatenated after the first", async () => {
    // Readers that scan backwards see only the second zip; the first is a
    // payload in front of it.
    const second = buildZip([{ name: "evil.py", data: "import os\n" }]);
    await rejectsZip(withEntries([], { append: second }), "Invalid distribution file: the zip archive has data before its first entry.");
  });

  it("rejects an archive comment that hides an end record", async () => {
    const fakeEnd = Buffer.alloc(22);
    fakeEnd.writeUInt32LE(0x06054b50, 0);
    await rejectsZip(
      withEntries([], { comment: Buffer.concat([Buffer.from("x"), fakeEnd, Buffer.from("y")]) }),
      "Invalid distribution file: the zip archive comment contains zip record signatures.",
    );
  });

  it("rejects bytes between the central directory and the end record", async () => {
    await rejectsZip(
      withEntries([], { beforeEnd: Buffer.from("gap") }),
      "Invalid distribution file: the zip archive's central directory does not end where its end record begins.",
    );
  });

  it("rejects a local header whose name differs from the central directory", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/a.py", localName: "foo_bar/b.py", data: "x" }]),
      "Invalid distribution file: the zip archive's local headers do not match its central directory.",
    );
  });

  it("rejects a local entry missing from the central directory", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/hidden.py", data: "import os\n", hidden: true }]),
      "Invalid distribution file: the zip archive's local headers do not match its central directory.",
    );
  });

  it("rejects a Unicode Path extra field that renames the member", async () => {
    const plain = Buffer.from("foo_bar/a.py");
    const unicode = Buffer.from("foo_bar/b.py");
    const extra = Buffer.alloc(4 + 5 + unicode.length);
    extra.writeUInt16LE(0x7075, 0);
    extra.writeUInt16LE(5 + unicode.length, 2);
    extra.writeUInt8(1, 4);
    extra.writeUInt32LE(crc32(plain) >>> 0, 5);
    unicode.copy(extra, 9);
    await rejectsZip(
      withEntries([{ name: plain, data: "x", extra }]),
      'Invalid distribution file: member name "foo_bar/b.py" disagrees with its Unicode Path extra field.',
    );
  });
});

describe("zip member names", () => {
  it("rejects exact duplicate names", async () => {
    await rejectsZip(
      withEntries([
        { name: "foo_bar/x.py", data: "1" },
        { name: "foo_bar/x.py", data: "2" },
      ]),
      'Invalid distribution file: duplicate member name "foo_bar/x.py".',
    );
  });

  it("rejects names that collide once normalized", async () => {
    await rejectsZip(
      withEntries([
        { name: "foo_bar/x.py", data: "1" },
        { name: "foo_bar//x.py", data: "2" },
      ]),
      'Invalid distribution file: duplicate member name "foo_bar//x.py".',
    );
  });

  it("rejects a backslash (which would collide with the / spelling on Windows)", async () => {
    await rejectsZip(withEntries([{ name: "foo_bar\\x.py", data: "1" }]), 'Invalid distribution file: member name "foo_bar\\\\x.py" contains a backslash.');
  });

  it("rejects an absolute path", async () => {
    await rejectsZip(withEntries([{ name: "/etc/cron.d/evil", data: "1" }]), 'Invalid distribution file: member name "/etc/cron.d/evil" is an absolute path.');
  });

  it("rejects a Windows drive path", async () => {
    await rejectsZip(withEntries([{ name: "C:/evil.py", data: "1" }]), 'Invalid distribution file: member name "C:/evil.py" is an absolute path.');
  });

  it("rejects a .. segment", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/../../evil.py", data: "1" }]),
      'Invalid distribution file: member name "foo_bar/../../evil.py" contains a ".." segment.',
    );
  });

  it("rejects a name flagged UTF-8 that is not", async () => {
    await rejectsZip(
      withEntries([{ name: Buffer.from([0x66, 0x6f, 0x6f, 0x5f, 0x62, 0x61, 0x72, 0x2f, 0xff, 0x2e, 0x70, 0x79]), data: "1" }]),
      'Invalid distribution file: member name "foo_bar/\ufffd.py" is not valid UTF-8.',
    );
  });

  it("rejects a NUL byte", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/x.py\u0000.txt", data: "1" }]),
      'Invalid distribution file: member name "foo_bar/x.py\\u0000.txt" contains a control character.',
    );
  });
});

describe("zip member encoding", () => {
  it("rejects an encrypted member", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/secret.py", data: "1", flags: 0x1 }]),
      'Invalid distribution file: member "foo_bar/secret.py" is encrypted.',
    );
  });

  it("rejects compression methods other than stored and deflate", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/x.py", data: "1", method: 12 }]),
      'Invalid distribution file: member "foo_bar/x.py" uses an unsupported compression method; only stored and deflate are allowed.',
    );
  });

  it("rejects data descriptors", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/x.py", data: "1", flags: 0x8 }]),
      'Invalid distribution file: member "foo_bar/x.py" uses a data descriptor; rebuild the archive with a tool that writes sizes before the data.',
    );
  });

  it("rejects a member whose CRC does not match its data", async () => {
    const files = wheelFiles().map((f) =>
      f.name.endsWith("/METADATA") ? { ...f, raw: { compressed: deflateRawSync(f.data), crc: 1234, uncompressedSize: Buffer.byteLength(f.data) } } : f,
    );
    await rejectsZip(buildZip(files), 'Invalid distribution file: member "foo_bar-1.0.dist-info/METADATA" is corrupt.');
  });

  it("rejects a member that inflates to more than its declared size", async () => {
    const real = Buffer.from(`Metadata-Version: 2.1\n${"X".repeat(50_000)}`);
    const files = wheelFiles().map((f) =>
      f.name.endsWith("/METADATA") ? { ...f, raw: { compressed: deflateRawSync(real), crc: crc32(real), uncompressedSize: 100 } } : f,
    );
    await rejectsZip(buildZip(files), 'Invalid distribution file: member "foo_bar-1.0.dist-info/METADATA" is corrupt.');
  });
});

describe("zip limits", () => {
  it("rejects more members than allowed", async () => {
    await rejectsZip(withEntries([]), "Invalid distribution file: the archive has more than 3 members.", { maxMembers: 3 });
  });

  it("rejects a declared uncompressed total above the limit", async () => {
    await rejectsZip(
      withEntries([{ name: "foo_bar/big.bin", data: randomBytes(5000), method: 0 }]),
      "Invalid distribution file: the archive expands to more than 4 KiB.",
      { maxUncompressedBytes: 4096 },
    );
  });

  it("rejects a zip bomb (200 MB of zeros) from its declared sizes, without inflating it", async () => {
    const bomb = await deflatedZeros(200 * 1000 * 1000);
    const before = process.memoryUsage().rss;
    await rejectsZip(
      withEntries([{ name: "foo_bar/zeros.bin", raw: bomb }]),
      "Invalid distribution file: the archive has a compression ratio above 50, which looks like a decompression bomb.",
    );
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024);
  });

  it("judges the ratio over the whole archive above 64 MiB, as PyPI does: one very compressible member is no bomb", async () => {
    // Real wheels (onnx, music21, pysam) have members far above 50x; PyPI accepts them.
    const zeros = Buffer.alloc(20 * 1000 * 1000);
    const path = await dir.write("z.whl", buildZip([...wheelFiles(), { name: "foo_bar/zeros.bin", data: zeros }]));
    assert.equal((await inspectDistribution(path, "foo_bar-1.0-py3-none-any.whl")).kind, "wheel");
    const many = Array.from({ length: 70 }, (_, i) => ({ name: `foo_bar/z${i}.bin`, data: Buffer.alloc(1024 * 1024) }));
    await rejectsZip(withEntries(many), "Invalid distribution file: the archive has a compression ratio above 50, which looks like a decompression bomb.");
  });

  it("rejects METADATA larger than the limit", async () => {
    await rejectsZip(
      buildZip(wheelFiles(undefined, { "foo_bar-1.0.dist-info/METADATA": "Name: x\n".repeat(100) })),
      "Invalid distribution file: foo_bar-1.0.dist-info/METADATA is larger than 512 bytes.",
      { maxMetadataBytes: 512 },
    );
  });
});
