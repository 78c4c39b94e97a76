// A wheel's METADATA read by ranges with @wheelhouse/packaging's one zip reader: the zip's tail
// (where the central directory is) in one ranged read, then the one member. The ranges come
// from the BlobStore (fs and S3 alike) or, for a wheel not cached yet, from upstream by HTTP
// Range requests (read-upstream-wheel-metadata.ts).
import type { Readable } from "node:stream";
import { parseWheelFilename, readWheelMetadata as readMetadataOf, type RandomAccess } from "@wheelhouse/packaging";
import type { BlobStore } from "@wheelhouse/storage";

/** Read once from the end of the file; holds the central directory of nearly every wheel. */
export const TAIL_BYTES = 1024 * 1024;

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
 * none we can read. Prefers the `.dist-info` directory of the project its filename names.
 */
export async function readWheelMetadata(store: BlobStore, key: string, size: number, filename: string): Promise<string | null> {
  const source: RandomAccess = {
    size,
    read: async (start, end) => (end <= start ? Buffer.alloc(0) : readAll(await store.get(key, { start, end: end - 1 }), end - start)),
  };
  return readMetadataByRanges(source, filename);
}

/**
 * The METADATA text of the wheel `source` reads, or null when it has none we can read: not a
 * zip, no METADATA, or a read that failed (the caller then fetches and verifies the whole file).
 */
export async function readMetadataByRanges(source: RandomAccess, filename: string): Promise<string | null> {
  let project: string | null = null;
  try {
    project = parseWheelFilename(filename).name;
  } catch {
    // A name we cannot parse: the first .dist-info/METADATA.
  }
  try {
    return await readMetadataOf(source, { tailBytes: TAIL_BYTES, project });
  } catch {
    return null;
  }
}
