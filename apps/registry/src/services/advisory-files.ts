// The OSV files of an advisory import: the *.json members of a zip (OSV's per-ecosystem
// `all.zip` export) or the *.json files under a directory, recursively. Read one at a time,
// so an export of any size never sits in memory whole.
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { BadRequest } from "../errors.ts";

/** One OSV record is a few KiB; anything this big is not one. */
export const MAX_ADVISORY_FILE_BYTES = 16 * 1024 * 1024;

export interface AdvisoryFile {
  /** Zip member name or path relative to the directory, "/"-separated: what errors show. */
  name: string;
  read(): Promise<Buffer>;
}

export interface AdvisorySource {
  kind: "zip" | "directory";
  /** Every OSV file, in a stable order; may be walked more than once. */
  files(): AsyncIterable<AdvisoryFile>;
}

function wanted(name: string): boolean {
  const parts = name.split("/");
  // Hidden files and macOS resource forks are not records.
  return name.toLowerCase().endsWith(".json") && !parts.some((p) => (p.startsWith(".") && p !== ".") || p === "__MACOSX");
}

function tooBig(name: string): BadRequest {
  return new BadRequest(`${name}: larger than ${MAX_ADVISORY_FILE_BYTES / 1024 / 1024} MiB, not an OSV record.`, "bad-advisory");
}

/** A zip or a directory; anything else is refused with a message naming it (`label`, default the path). */
export async function openAdvisorySource(path: string, label = path): Promise<AdvisorySource> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new BadRequest(`No such file or directory: ${label}`, "bad-advisory-source");
  if (info.isDirectory()) return directorySource(path);
  if (info.isFile() && (await startsLikeZip(path))) return zipSource(path);
  throw new BadRequest(`${label} is neither a zip of OSV files nor a directory of them.`, "bad-advisory-source");
}

async function startsLikeZip(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    // "PK\x03\x04" (a member) or "PK\x05\x06" (an empty archive).
    return bytesRead === 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
  } finally {
    await handle.close();
  }
}

function directorySource(root: string): AdvisorySource {
  return {
    kind: "directory",
    async *files() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      const names = entries
        .filter((e) => e.isFile())
        .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
        .filter(wanted)
        .sort();
      for (const name of names) {
        const path = join(root, ...name.split("/"));
        yield {
          name,
          async read() {
            if ((await stat(path)).size > MAX_ADVISORY_FILE_BYTES) throw tooBig(name);
            return readFile(path);
          },
        };
      }
    },
  };
}

function zipSource(path: string): AdvisorySource {
  return {
    kind: "zip",
    async *files() {
      let zip: yauzl.ZipFile;
      try {
        zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
      } catch (err) {
        throw new BadRequest(`Not a readable zip file (${(err as Error).message}).`, "bad-advisory-source");
      }
      try {
        for await (const entry of zip.eachEntry()) {
          if (entry.fileName.endsWith("/") || !wanted(entry.fileName)) continue;
          const name = entry.fileName;
          yield {
            name,
            async read() {
              if (entry.uncompressedSize > MAX_ADVISORY_FILE_BYTES) throw tooBig(name);
              let stream: Readable;
              try {
                stream = await zip.openReadStreamPromise(entry);
              } catch (err) {
                throw new BadRequest(`${name}: cannot be read from the zip (${(err as Error).message}).`, "bad-advisory-source");
              }
              const chunks: Buffer[] = [];
              try {
                for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
              } catch (err) {
                throw new BadRequest(`${name}: corrupt zip member (${(err as Error).message}).`, "bad-advisory-source");
              }
              return Buffer.concat(chunks);
            },
          };
        }
      } catch (err) {
        if (err instanceof BadRequest) throw err;
        throw new BadRequest(`Not a readable zip file (${(err as Error).message}).`, "bad-advisory-source");
      } finally {
        zip.close();
      }
    },
  };
}
