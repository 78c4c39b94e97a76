import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import type { Header } from "tar-stream";
import { archiveRatioTooHigh, duplicateMember, metadataTooLarge, tooLarge, tooManyMembers } from "./archive-messages.ts";
import type { InspectedDistribution } from "./inspected-distribution.ts";
import { InvalidDistribution, invalidFile, quote } from "./invalid-distribution.ts";
import { exceedsRatio, type ArchiveLimits } from "./limits.ts";
import { collisionKey, memberSegments } from "./member-path.ts";
import { decodeMetadataText } from "./metadata-text.ts";
import { SdistLayout } from "./sdist-layout.ts";
import { checkLinkTarget } from "./tar-link.ts";

const notATarGz = () => invalidFile("not a valid .tar.gz archive.");

// What `git archive` leaves behind for tar readers that do not know pax
// global headers; tar-stream consumes real ones, this catches the rest.
const PAX_GLOBAL_HEADER_NAME = "pax_global_header";

/**
 * Inspects a .tar.gz sdist in one streaming pass (gunzip → tar-stream), never
 * touching the disk and holding at most PKG-INFO in memory. The decompressed
 * byte count is checked as it grows, so a gzip bomb stops as soon as it
 * crosses the size or ratio limit.
 */
export async function inspectTarGzSdist(path: string, limits: ArchiveLimits): Promise<InspectedDistribution> {
  const compressedSize = (await stat(path)).size;
  // The first rejection wins: later errors are the pipeline being torn down.
  let failure: InvalidDistribution | undefined;
  const fail = (error: InvalidDistribution) => (failure ??= error);

  let expanded = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      expanded += chunk.length;
      if (expanded > limits.maxUncompressedBytes) return callback(fail(tooLarge(limits)));
      if (exceedsRatio(expanded, compressedSize, limits)) return callback(fail(archiveRatioTooHigh(limits)));
      callback(null, chunk);
    },
  });
  const extract = tar.extract();

  const layout = new SdistLayout();
  let pkgInfo: Buffer | undefined;
  const readMembers = async () => {
    const seen = new Set<string>();
    let count = 0;
    for await (const entry of extract) {
      const { header } = entry;
      const segments = checkHeader(header, layout);
      if (segments !== undefined) {
        if (++count > limits.maxMembers) throw tooManyMembers(limits);
        if (header.type !== "directory") {
          const key = collisionKey(header.name);
          if (seen.has(key)) throw duplicateMember(header.name);
          seen.add(key);
        }
        if (isRegularFile(header) && layout.isPkgInfo(segments)) {
          const tooBig = () => metadataTooLarge(layout.pkgInfoPath(), limits);
          if ((header.size ?? 0) > limits.maxMetadataBytes) throw tooBig();
          // streamx readables are async iterable; its typings just do not say so.
          pkgInfo = await readBounded(entry as unknown as AsyncIterable<Buffer>, limits.maxMetadataBytes, tooBig);
          continue;
        }
      }
      entry.resume();
    }
  };

  try {
    await Promise.all([
      pipeline(createReadStream(path), createGunzip(), meter, extract),
      readMembers().catch((error: unknown) => {
        if (error instanceof InvalidDistribution) fail(error);
        extract.destroy();
        throw error;
      }),
    ]);
  } catch {
    throw failure ?? notATarGz();
  }
  const bytes = layout.requirePkgInfo(pkgInfo);
  return { kind: "sdist", metadataText: decodeMetadataText(bytes, layout.pkgInfoPath()) };
}

/** Path, type and link rules for one tar header; undefined for headers to skip. */
function checkHeader(header: Header, layout: SdistLayout): string[] | undefined {
  const { name } = header;
  // tar-stream reports unknown type flags as null, whatever its typings say.
  const type = header.type as Header["type"] | null;
  if (name === PAX_GLOBAL_HEADER_NAME) return undefined;
  const isDirectory = type === "directory";
  const segments = memberSegments(name, isDirectory);
  switch (type) {
    case "file":
    case "contiguous-file":
    case "directory":
      layout.add(name, segments, isDirectory);
      return segments;
    case "symlink":
    case "link":
      layout.add(name, segments, false);
      checkLinkTarget(type, name, segments, header.linkname ?? "", layout.top!);
      return segments;
    default:
      // Devices and FIFOs have no business in a source tree.
      throw invalidFile(`member ${quote(name)} is a ${type ?? "member of unknown type"}; sdists may contain only files, directories and links.`);
  }
}

function isRegularFile(header: Header): boolean {
  return header.type === "file" || header.type === "contiguous-file";
}

async function readBounded(entry: AsyncIterable<Buffer>, maxBytes: number, tooBig: () => InvalidDistribution): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    size += chunk.length;
    if (size > maxBytes) throw tooBig();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
