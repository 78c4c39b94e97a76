/**
 * A wheel's METADATA (and any zip member) through @wheelhouse/packaging's ranged zip reader, the
 * one implementation: the CLI gives it local files (here) and HTTP ranges (metadata-fetcher.ts),
 * and words its failures as pip does (InvalidWheel).
 */
import { open } from "node:fs/promises";
import { InvalidZip, openZip, readWheelMetadata as readMetadata, type RandomAccess, type ZipEntry } from "@wheelhouse/packaging";
import { InvalidWheel } from "./invalid-wheel.ts";

/** The METADATA text of a wheel read through `source`. Throws InvalidWheel. */
export async function readWheelMetadata(source: RandomAccess, filename: string, project: string | null = null): Promise<string> {
  try {
    return await readMetadata(source, { project });
  } catch (e) {
    throw e instanceof InvalidZip ? new InvalidWheel(filename, e.reason) : e;
  }
}

/** The bytes of the first member `pick` chooses from the zip in `source`, null when it chooses none. Throws InvalidWheel. */
export async function readZipMember(
  source: RandomAccess,
  filename: string,
  pick: (entries: readonly ZipEntry[]) => ZipEntry | undefined,
): Promise<Buffer | null> {
  try {
    const zip = await openZip(source);
    try {
      const entry = pick(zip.entries);
      return entry ? await zip.read(entry) : null;
    } finally {
      zip.close();
    }
  } catch (e) {
    throw e instanceof InvalidZip ? new InvalidWheel(filename, e.reason) : e;
  }
}

/** Random access to a local file (closed by the callback's end). */
export async function withLocalFile<T>(path: string, use: (source: RandomAccess) => Promise<T>): Promise<T> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const source: RandomAccess = {
      size,
      async read(start, end) {
        const length = Math.max(0, Math.min(end, size) - start);
        const buffer = Buffer.alloc(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buffer, done, length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buffer.subarray(0, done);
      },
    };
    return await use(source);
  } finally {
    await handle.close();
  }
}
