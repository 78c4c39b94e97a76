import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { describe, it } from "node:test";
import { buildWheel, buildZip, deflatedZeros, wheelMembers, type RawZipEntry } from "@wheelhouse/testing";
import { InvalidZip, ZIP_TAIL_BYTES, bufferSource, findMetadataEntry, openZip, readWheelMetadata, type RandomAccess, type ZipEntry } from "./wheel-zip.ts";

/** A source that counts its reads (each would be one HTTP request for the CLI). */
function counting(bytes: Uint8Array): RandomAccess & { reads: [number, number][] } {
  const inner = bufferSource(bytes);
  const reads: [number, number][] = [];
  return {
    size: inner.size,
    reads,
    read: (start, end) => {
      reads.push([start, end]);
      return inner.read(start, end);
    },
  };
}

const SPEC = { name: "demo-pkg", version: "1.0", summary: "Grüße", requiresDist: ["idna>=3"] };
const TIMEOUT = { timeout: 10_000 };

describe("readWheelMetadata", () => {
  it("reads METADATA of a small wheel in one read of the source", TIMEOUT, async () => {
    const wheel = buildWheel(SPEC);
    const source = counting(wheel.body);
    assert.equal(await readWheelMetadata(source), wheel.metadata);
    assert.deepEqual(source.reads, [[0, wheel.body.length]]);
  });

  it("reads the tail, the rest of a large central directory, and the member: three reads at most", TIMEOUT, async () => {
    // 3000 members: a central directory of ~200 KB, larger than the tail.
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`demo_pkg/module_with_a_long_name_${i}.py`] = `X = ${i}\n`;
    const wheel = buildWheel({ ...SPEC, files });
    const source = counting(wheel.body);
    assert.equal(await readWheelMetadata(source), wheel.metadata);
    assert.equal(source.reads.length, 3, JSON.stringify(source.reads));
    assert.deepEqual(source.reads[0], [wheel.body.length - ZIP_TAIL_BYTES, wheel.body.length]);
  });

  it("reads a member before the tail with its local header in one read", TIMEOUT, async () => {
    const info = "demo_pkg-1.0.dist-info";
    const bytes = buildZip([
      { name: `${info}/METADATA`, data: "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n" },
      { name: "demo_pkg/big.bin", data: randomBytes(200_000), method: 0 },
      { name: `${info}/WHEEL`, data: "Wheel-Version: 1.0\n" },
    ]);
    const source = counting(bytes);
    assert.equal(await readWheelMetadata(source), "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\n");
    assert.equal(source.reads.length, 2, JSON.stringify(source.reads));
  });

  it("asks for a larger tail when told (the mirror reads 1 MiB), and never less than ZIP_TAIL_BYTES", TIMEOUT, async () => {
    const wheel = buildWheel({ ...SPEC, files: { "demo_pkg/data.bin": randomBytes(300_000) } });
    const big = counting(wheel.body);
    await readWheelMetadata(big, { tailBytes: 1024 * 1024 });
    assert.deepEqual(big.reads, [[0, wheel.body.length]]);
    const small = counting(wheel.body);
    await readWheelMetadata(small, { tailBytes: 10 });
    assert.deepEqual(small.reads[0], [wheel.body.length - ZIP_TAIL_BYTES, wheel.body.length]);
  });

  it("prefers the .dist-info directory of the project when there are several", TIMEOUT, async () => {
    const bytes = buildZip([
      { name: "aaa-1.0.dist-info/METADATA", data: "Name: aaa\n" },
      { name: "Demo_Pkg-1.0.dist-info/METADATA", data: "Name: demo-pkg\n" },
    ]);
    assert.equal(await readWheelMetadata(bufferSource(bytes), { project: "demo.pkg" }), "Name: demo-pkg\n");
    assert.equal(await readWheelMetadata(bufferSource(bytes), { project: "other" }), "Name: aaa\n");
    assert.equal(await readWheelMetadata(bufferSource(bytes)), "Name: aaa\n");
  });

  it("ignores METADATA that is not at the top level of a .dist-info directory", () => {
    const entry = (name: string): ZipEntry => ({ name, method: 0, flags: 0, compressedSize: 0, uncompressedSize: 0, localHeaderOffset: 0, isDirectory: false });
    assert.equal(findMetadataEntry([entry("x/y.dist-info/METADATA"), entry("y.dist-info/sub/METADATA"), entry("METADATA")], null), null);
    assert.equal(findMetadataEntry([entry("y-1.dist-info/METADATA")], "z")?.name, "y-1.dist-info/METADATA");
  });

  it("reads a wheel whose other members have names no installer would accept", TIMEOUT, async () => {
    const extra: RawZipEntry[] = [
      { name: "../evil.py", data: "x" },
      { name: "/abs.py", data: "x" },
      { name: "back\\slash.py", data: "x" },
      { name: Buffer.from([0x82, 0xe9, 0x2e, 0x70, 0x79]), cp437Name: true, data: "x" },
    ];
    const bytes = buildZip([...wheelMembers(SPEC), ...extra]);
    const zip = await openZip(bufferSource(bytes));
    assert.deepEqual(
      zip.entries.slice(4).map((e) => e.name),
      ["../evil.py", "/abs.py", "back\\slash.py", "éΘ.py"],
    );
    zip.close();
    assert.match(await readWheelMetadata(bufferSource(bytes)), /^Metadata-Version: 2\.1\nName: demo-pkg\n/);
  });
});

describe("openZip", () => {
  it("lists entries with sizes, methods and directories; reads stored and deflated members", TIMEOUT, async () => {
    const bytes = buildZip([
      { name: "dir/", data: "", method: 0 },
      { name: "dir/stored.txt", data: "stored", method: 0 },
      { name: "dir/deflated.txt", data: "deflated ".repeat(100) },
    ]);
    const zip = await openZip(bufferSource(bytes));
    assert.deepEqual(
      zip.entries.map((e) => [e.name, e.method, e.uncompressedSize, e.isDirectory]),
      [
        ["dir/", 0, 0, true],
        ["dir/stored.txt", 0, 6, false],
        ["dir/deflated.txt", 8, 900, false],
      ],
    );
    assert.equal((await zip.read(zip.entries[1]!)).toString(), "stored");
    assert.equal((await zip.read(zip.entries[2]!)).toString(), "deflated ".repeat(100));
    await assert.rejects(zip.read(zip.entries[2]!, { maxBytes: 899 }), { reason: "dir/deflated.txt is larger than 899 bytes" });
    zip.close();
  });

  it("reads ZIP64 end records", TIMEOUT, async () => {
    const bytes = buildZip(wheelMembers(SPEC), { zip64: true });
    assert.match(await readWheelMetadata(bufferSource(bytes)), /Name: demo-pkg/);
  });

  it("passes errors of the source through unchanged", TIMEOUT, async () => {
    class RangesUnsupported extends Error {}
    const wheel = buildWheel(SPEC);
    const failing: RandomAccess = { size: wheel.body.length, read: async () => Promise.reject(new RangesUnsupported("no ranges")) };
    await assert.rejects(readWheelMetadata(failing), RangesUnsupported);
    // Failing only after the tail: while reading the member.
    const bytes = buildZip([
      { name: "x-1.dist-info/METADATA", data: "Name: x\n" },
      { name: "x/big.bin", data: randomBytes(100_000), method: 0 },
    ]);
    let reads = 0;
    const later: RandomAccess = {
      size: bytes.length,
      read: async (start, end) => {
        if (reads++ > 0) throw new RangesUnsupported("no ranges");
        return bytes.subarray(start, end);
      },
    };
    await assert.rejects(readWheelMetadata(later), RangesUnsupported);
  });
});

describe("a member name held twice", () => {
  it("is its last member, as Python's zipfile (pip) reads it", async () => {
    const first = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\nRequires-Dist: six\n";
    const last = "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.0\nRequires-Dist: idna\n";
    const zip = buildZip([
      { name: "demo_pkg-1.0.dist-info/METADATA", data: first },
      { name: "demo_pkg-1.0.dist-info/METADATA", data: last },
    ]);
    assert.equal(await readWheelMetadata(bufferSource(zip)), last);
  });
});

describe("bytes after the end record", () => {
  it("never make us read another zip than pip would: the last end record decides, one running past the file is refused", async () => {
    const a = buildZip(wheelMembers({ ...SPEC, requiresDist: ["evil>=1"] }));
    const b = buildZip(wheelMembers(SPEC));
    // b, then a: zipfile takes a's end record (the last one), so must we.
    const both = Buffer.concat([b, a]);
    assert.match(await readWheelMetadata(bufferSource(both)).catch((e: Error) => e.message), /evil|central directory/);
    // a's end record claiming a comment longer than the rest of the file: refused, not skipped for b's.
    const lying = Buffer.from(both);
    lying.writeUInt16LE(0xffff, lying.length - 2);
    await assert.rejects(readWheelMetadata(bufferSource(lying)), (err: Error) => err instanceof InvalidZip && /runs past the end/.test(err.message));
    // A fake end record in the trailing bytes is the last one: it is what we read, as zipfile would (and it is broken).
    const fake = Buffer.alloc(22);
    fake.writeUInt32LE(0x06054b50, 0);
    await assert.rejects(readWheelMetadata(bufferSource(Buffer.concat([b, fake]))), InvalidZip);
  });

  it("are ignored, as Python's zipfile (pip) ignores them: METADATA is read from the zip they follow", async () => {
    const valid = buildZip(wheelMembers(SPEC));
    for (const trailing of [Buffer.from("trailing"), Buffer.alloc(1000, 0x50)]) {
      const text = await readWheelMetadata(bufferSource(Buffer.concat([valid, trailing])));
      assert.equal(text, await readWheelMetadata(bufferSource(valid)));
    }
  });
});

describe("hostile archives: a clear InvalidZip, never a hang or a crash", () => {
  const valid = buildZip(wheelMembers(SPEC));
  const cdOffset = valid.readUInt32LE(valid.length - 22 + 16);

  const withEnd = (patch: (eocd: Buffer) => void): Buffer => {
    const copy = Buffer.from(valid);
    patch(copy.subarray(copy.length - 22));
    return copy;
  };
  const withCentral = (patch: (central: Buffer) => void): Buffer => {
    const copy = Buffer.from(valid);
    patch(copy.subarray(cdOffset));
    return copy;
  };

  const cases: [string, () => Promise<Uint8Array> | Uint8Array, RegExp | string][] = [
    ["empty", () => Buffer.alloc(0), "it is too short to be a zip file"],
    ["not a zip", () => Buffer.from("<html>not found</html>".repeat(10)), "no end of central directory record (not a zip file)"],
    ["truncated at the end", () => valid.subarray(0, valid.length - 10), "no end of central directory record (not a zip file)"],
    ["truncated at the start (the end records point past the data)", () => valid.subarray(100), /^a broken central directory|lies outside/],
    ["central directory offset past the end", () => withEnd((e) => e.writeUInt32LE(valid.length + 1000, 16)), "the central directory lies outside the file"],
    ["central directory offset at a local header", () => withEnd((e) => e.writeUInt32LE(0, 16)), "a broken central directory"],
    [
      "more entries than the central directory holds",
      () =>
        withEnd((e) => {
          e.writeUInt16LE(0xfffe, 8);
          e.writeUInt16LE(0xfffe, 10);
        }),
      "a broken central directory",
    ],
    [
      "ZIP64 locator pointing nowhere",
      () => {
        const z = buildZip(wheelMembers(SPEC), { zip64: true });
        z.writeBigUInt64LE(BigInt(z.length) * 4n, z.length - 22 - 20 + 8);
        return z;
      },
      "a broken ZIP64 end of central directory record",
    ],
    [
      "ZIP64 record claiming 2^40 entries",
      () => {
        const z = buildZip(wheelMembers(SPEC), { zip64: true });
        const record = z.length - 22 - 20 - 56;
        z.writeBigUInt64LE(1n << 40n, record + 24);
        z.writeBigUInt64LE(1n << 40n, record + 32);
        return z;
      },
      "a broken central directory",
    ],
    [
      "ZIP64 record with a central directory past the end",
      () => {
        const z = buildZip(wheelMembers(SPEC), { zip64: true });
        z.writeBigUInt64LE(1n << 45n, z.length - 22 - 20 - 56 + 48);
        return z;
      },
      "the central directory lies outside the file",
    ],
  ];
  for (const [what, make, reason] of cases) {
    it(what, TIMEOUT, async () => {
      await assert.rejects(readWheelMetadata(bufferSource(await make())), (err: unknown) => {
        assert.ok(err instanceof InvalidZip, String(err));
        if (typeof reason === "string") assert.equal(err.reason, reason);
        else assert.match(err.reason, reason);
        return true;
      });
    });
  }

  // The first central directory record is demo_pkg/__init__.py's.
  const firstMemberCases: [string, () => Buffer, string][] = [
    ["a local header offset past the end", () => withCentral((c) => c.writeUInt32LE(valid.length * 2, 42)), "demo_pkg/__init__.py is truncated"],
    ["a local header offset into the middle of data", () => withCentral((c) => c.writeUInt32LE(7, 42)), "a broken local header for demo_pkg/__init__.py"],
  ];
  for (const [what, make, reason] of firstMemberCases) {
    it(what, TIMEOUT, async () => {
      const zip = await openZip(bufferSource(make()));
      await assert.rejects(zip.read(zip.entries[0]!), { name: "InvalidZip", reason });
      zip.close();
    });
  }

  const info = "demo_pkg-1.0.dist-info";
  const METADATA = `${info}/METADATA`;
  const raw = (compressed: Buffer, uncompressedSize: number): RawZipEntry => ({ name: METADATA, raw: { compressed, crc: 0, uncompressedSize } });
  const bomb = async (declared?: number): Promise<RawZipEntry> => {
    const zeros = await deflatedZeros(64 * 1024 * 1024);
    return { name: METADATA, raw: declared === undefined ? zeros : { ...zeros, uncompressedSize: declared } };
  };
  const memberCases: [string, () => Promise<RawZipEntry> | RawZipEntry, string][] = [
    ["an encrypted METADATA", () => ({ name: METADATA, data: "x", flags: 0x1 }), `${METADATA} is encrypted`],
    ["METADATA compressed with bzip2", () => ({ name: METADATA, data: "x", method: 12 }), `${METADATA} uses compression method 12, which wheels do not use`],
    ["METADATA that is not deflate data", () => raw(randomBytes(64), 64), `${METADATA} cannot be decompressed`],
    ["METADATA declaring fewer bytes than it inflates to", () => raw(deflateRawSync("x".repeat(1000)), 10), `${METADATA} has the wrong size`],
    ["METADATA declaring more bytes than it holds", () => raw(deflateRawSync("abc"), 4), `${METADATA} has the wrong size`],
    ["a METADATA bomb that declares its size", () => bomb(), `${METADATA} is larger than 16777216 bytes`],
    ["a METADATA bomb that lies about its size", () => bomb(100), `${METADATA} has the wrong size`],
  ];
  for (const [what, make, reason] of memberCases) {
    it(what, TIMEOUT, async () => {
      const bytes = buildZip([{ name: "demo_pkg/__init__.py", data: "" }, await make()]);
      await assert.rejects(readWheelMetadata(bufferSource(bytes)), { name: "InvalidZip", reason });
    });
  }

  it("a stored member whose data runs past the end of the file", TIMEOUT, async () => {
    const bytes = buildZip([{ name: `${info}/METADATA`, data: "Name: x\n", method: 0 }]);
    // Claim 1000 bytes in both headers: the data would overflow the file.
    const copy = Buffer.from(bytes);
    copy.writeUInt32LE(1000, 18);
    copy.writeUInt32LE(1000, 22);
    const central = copy.readUInt32LE(copy.length - 22 + 16);
    copy.writeUInt32LE(1000, central + 20);
    copy.writeUInt32LE(1000, central + 24);
    await assert.rejects(readWheelMetadata(bufferSource(copy)), { name: "InvalidZip", reason: `${info}/METADATA is truncated` });
  });

  it("every prefix of a wheel fails cleanly", TIMEOUT, async () => {
    for (let length = 0; length < valid.length; length += 7) {
      await assert.rejects(readWheelMetadata(bufferSource(valid.subarray(0, length))), InvalidZip, `prefix of ${length} bytes`);
    }
  });

  it("random bytes in the central directory fail cleanly or read", TIMEOUT, async () => {
    for (let i = 0; i < 300; i++) {
      const copy = Buffer.from(valid);
      const at = cdOffset + Math.floor(Math.random() * (valid.length - cdOffset - 22));
      copy[at] = Math.floor(Math.random() * 256);
      await readWheelMetadata(bufferSource(copy)).catch((err: unknown) => assert.ok(err instanceof InvalidZip, String(err)));
    }
  });
});
