/**
 * Unpacking a source distribution (.tar.gz, .tgz, .tar or .zip) into a directory, refusing
 * members that would land outside it, and finding the project root inside.
 */
import { CliError } from "../cli-error.ts";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, mkdir, readdir, stat, symlink } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import yauzl from "yauzl";

export class InvalidSdist extends CliError {
  override name = "InvalidSdist";
}

/** Unpacks `archive` into `into`; returns the project directory (the single top-level directory, else `into`). */
export async function unpackSdist(archive: string, into: string): Promise<string> {
  await mkdir(into, { recursive: true });
  const lower = archive.toLowerCase();
  if (lower.endsWith(".zip")) await unpackZip(archive, into);
  else if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".tar")) await unpackTar(archive, into, !lower.endsWith(".tar"));
  else throw new InvalidSdist(`${path.basename(archive)} is not a source distribution (expected .tar.gz or .zip).`);
  const entries = await readdir(into);
  if (entries.length === 1) {
    const only = path.join(into, entries[0]!);
    if ((await stat(only)).isDirectory()) return only;
  }
  return into;
}

function destination(into: string, name: string, archive: string): string {
  const dest = path.resolve(into, name);
  if (dest !== path.resolve(into) && !dest.startsWith(path.resolve(into) + path.sep)) {
    throw new InvalidSdist(`${path.basename(archive)} has a member ${JSON.stringify(name)} outside the archive root.`);
  }
  return dest;
}

async function unpackTar(archive: string, into: string, gzipped: boolean): Promise<void> {
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      const dest = destination(into, header.name, archive);
      if (header.type === "directory") {
        await mkdir(dest, { recursive: true });
        entry.resume();
      } else if (header.type === "file" || header.type === "contiguous-file") {
        await mkdir(path.dirname(dest), { recursive: true });
        await pipeline(entry, createWriteStream(dest));
        if (header.mode && header.mode & 0o111) await chmod(dest, 0o755);
      } else if (header.type === "symlink" && header.linkname) {
        destination(into, path.join(path.dirname(header.name), header.linkname), archive);
        await mkdir(path.dirname(dest), { recursive: true });
        await symlink(header.linkname, dest);
        entry.resume();
      } else entry.resume();
    }
  })();
  const source = createReadStream(archive);
  await Promise.all([gzipped ? pipeline(source, createGunzip(), extract) : pipeline(source, extract), done]);
}

async function unpackZip(archive: string, into: string): Promise<void> {
  const zip = await yauzl.openPromise(archive, { lazyEntries: true, autoClose: false });
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        void (async () => {
          const dest = destination(into, entry.fileName, archive);
          if (entry.fileName.endsWith("/")) await mkdir(dest, { recursive: true });
          else {
            await mkdir(path.dirname(dest), { recursive: true });
            await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(dest));
            if ((entry.externalFileAttributes >>> 16) & 0o111) await chmod(dest, 0o755);
          }
          zip.readEntry();
        })().catch(reject);
      });
      zip.on("end", () => resolve());
      zip.on("error", reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
