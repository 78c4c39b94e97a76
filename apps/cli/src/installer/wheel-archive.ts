/**
 * Reading a wheel (a zip file): its file entries, one at a time or streamed, in parallel.
 */
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { InstallationError } from "./errors.ts";

export interface ArchiveEntry {
  /** `/`-separated path inside the archive. */
  name: string;
  size: number;
  /** The zip entry says the file is executable (Unix mode bits in the external attributes). */
  executable: boolean;
  entry: yauzl.Entry;
}

export interface WheelArchive {
  /** File entries (directories left out), in archive order. */
  entries: ArchiveEntry[];
  byName: Map<string, ArchiveEntry>;
  open(entry: ArchiveEntry): Promise<Readable>;
  read(entry: ArchiveEntry): Promise<Buffer>;
  close(): void;
}

export async function openWheelArchive(wheelPath: string): Promise<WheelArchive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(wheelPath, { lazyEntries: true, autoClose: false, strictFileNames: false, decodeStrings: true });
  } catch (e) {
    throw new InstallationError(`${wheelPath} is not a valid wheel: ${(e as Error).message}.`);
  }
  const entries: ArchiveEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith("/")) {
        const mode = (entry.externalFileAttributes >>> 16) & 0o170777;
        // pip: executable when the mode is a regular file with any x bit.
        const executable = mode !== 0 && (mode & 0o170000) === 0o100000 && (mode & 0o111) !== 0;
        entries.push({ name: entry.fileName, size: entry.uncompressedSize, executable, entry });
      }
      zip.readEntry();
    });
    zip.on("end", () => resolve());
    zip.on("error", (e: Error) => reject(new InstallationError(`${wheelPath} is not a valid wheel: ${e.message}.`)));
    zip.readEntry();
  });
  const byName = new Map(entries.map((e) => [e.name, e]));
  const open = (e: ArchiveEntry): Promise<Readable> => zip.openReadStreamPromise(e.entry);
  return {
    entries,
    byName,
    open,
    async read(e) {
      const chunks: Buffer[] = [];
      for await (const chunk of await open(e)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
}
