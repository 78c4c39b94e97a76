// A wheel's METADATA read by ranges: the zip's tail (where the central directory is) in one
// ranged read, then the one member. The ranges come from the BlobStore (fs and S3 alike) or,
// for a wheel not cached yet, from upstream by HTTP Range requests (read-upstream-wheel-metadata.ts).
import { Readable } from "node:stream";
import { canonicalizeName, parseWheelFilename, tryParseVersion } from "@wheelhouse/packaging";
import type { BlobStore } from "@wheelhouse/storage";
import yauzl from "yauzl";

/** METADATA is a few KB; anything past this is not a real one. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
/** Read once from the end of the file; holds the central directory of nearly every wheel. */
export const TAIL_BYTES = 1024 * 1024;

/** Opens bytes `start`..`end` (inclusive) of the file. */
export type OpenRange = (start: number, end: number) => Promise<Readable>;

class RangeReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly open: OpenRange,
    private readonly tail: { start: number; bytes: Buffer },
  ) {
    super();
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    const { start, bytes } = this.tail;
    if (position >= start && position + length <= start + bytes.length) {
      bytes.copy(buffer, offset, position - start, position - start + length);
      setImmediate(callback, null, length);
      return;
    }
    super.read(buffer, offset, length, position, callback);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // yauzl's end is exclusive; ours is inclusive.
    if (end <= start) return Readable.from([]);
    const out = new Readable({ read() {} });
    this.open(start, end - 1).then(
      (stream) => {
        stream.on("data", (chunk: Buffer) => out.push(chunk));
        stream.on("end", () => out.push(null));
        stream.on("error", (err) => out.destroy(err));
        out.on("close", () => stream.destroy());
      },
      (err: Error) => out.destroy(err),
    );
    return out;
  }
}

export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`more than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The METADATA text of the wheel stored at `key` (`size` bytes), or null when the wheel has
 * none we can read. Prefers the `.dist-info` directory its filename names.
 */
export async function readWheelMetadata(store: BlobStore, key: string, size: number, filename: string): Promise<string | null> {
  const tailStart = Math.max(0, size - TAIL_BYTES);
  const tail = size === 0 ? Buffer.alloc(0) : await readAll(await store.get(key, { start: tailStart, end: size - 1 }), TAIL_BYTES);
  return readMetadataByRanges((start, end) => store.get(key, { start, end }), size, tail, filename);
}

/**
 * The METADATA text of a wheel of `size` bytes whose last `tail.length` bytes are given, other
 * bytes read with `open`; null when the wheel has none we can read.
 */
export async function readMetadataByRanges(open: OpenRange, size: number, tail: Buffer, filename: string): Promise<string | null> {
  const reader = new RangeReader(open, { start: size - tail.length, bytes: tail });
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(reader, size, { lazyEntries: true, autoClose: false, strictFileNames: false });
  } catch {
    return null;
  }
  const candidates = await new Promise<yauzl.Entry[]>((resolve, reject) => {
    const found: yauzl.Entry[] = [];
    zip.on("entry", (entry: yauzl.Entry) => {
      // PEP 427: {distribution}-{version}.dist-info/METADATA at the top level.
      if (/^[^/]+\.dist-info\/METADATA$/.test(entry.fileName)) found.push(entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve(found));
    zip.on("error", reject);
    zip.readEntry();
  }).catch(() => [] as yauzl.Entry[]);
  const entry = pickMetadata(candidates, filename);
  if (!entry || entry.uncompressedSize > MAX_METADATA_BYTES) {
    zip.close();
    return null;
  }
  try {
    const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
    return (await readAll(stream, MAX_METADATA_BYTES)).toString("utf8");
  } catch {
    return null;
  } finally {
    zip.close();
  }
}

function pickMetadata(candidates: yauzl.Entry[], filename: string): yauzl.Entry | undefined {
  if (candidates.length <= 1) return candidates[0];
  let wanted: string | null = null;
  try {
    const parsed = parseWheelFilename(filename);
    wanted = `${parsed.name}-${parsed.version.toString()}`;
  } catch {
    return undefined;
  }
  return candidates.find((entry) => {
    const dir = entry.fileName.slice(0, -"/METADATA".length).slice(0, -".dist-info".length);
    const dash = dir.lastIndexOf("-");
    return dash > 0 && `${canonicalizeName(dir.slice(0, dash))}-${tryParseVersion(dir.slice(dash + 1))?.toString()}` === wanted;
  });
}
