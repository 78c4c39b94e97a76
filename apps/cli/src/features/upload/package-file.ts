/**
 * One distribution to upload, as twine's PackageFile sees it (twine/package.py): its kind from
 * the filename, its core metadata read from inside the archive (a wheel's
 * `*.dist-info/METADATA`, an sdist's top-level `PKG-INFO`), and the digests PyPI checks.
 */
import { CliError } from "../../core/cli-error.ts";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { parseRawMetadata, type RawMetadata } from "@wheelhouse/packaging";
import { createBLAKE2b } from "hash-wasm";
import tar from "tar-stream";
import { readWheelMetadata, readZipMember, withLocalFile } from "../../core/index/wheel-metadata.ts";

export class InvalidDistribution extends CliError {
  override name = "InvalidDistribution";
}

export type FileType = "bdist_wheel" | "sdist";

export interface PackageFile {
  /** The path as given. */
  path: string;
  /** The file's own name, sent as the upload's filename. */
  filename: string;
  filetype: FileType;
  /** A wheel's python tag (`py3`, `cp312`, `py2.py3`); `source` for an sdist. */
  pyversion: string;
  size: number;
  metadata: RawMetadata;
  /** Lowercase hex. */
  sha256: string;
  blake2b256: string;
}

/** The kind of a distribution file by its extension, or null for one twine does not upload. */
export function fileTypeOf(filename: string): FileType | null {
  const lower = filename.toLowerCase();
  if (lower.endsWith(".whl")) return "bdist_wheel";
  if (lower.endsWith(".tar.gz") || lower.endsWith(".zip")) return "sdist";
  return null;
}

/** Reads `path` (relative ones against `cwd` already resolved into `absolute`): metadata and digests. */
export async function readPackageFile(path: string, absolute: string): Promise<PackageFile> {
  const filename = basename(path);
  const filetype = fileTypeOf(filename);
  if (filetype === null) throw new InvalidDistribution(`Unknown distribution format: '${filename}'`);
  const info = await stat(absolute).catch(() => null);
  if (!info?.isFile()) throw new InvalidDistribution(`Cannot find file: '${path}'`);

  const text = filetype === "bdist_wheel" ? await readWheelMetadataFile(absolute, filename) : await readSdistMetadata(absolute, filename);
  const { raw } = parseRawMetadata(text);
  // twine: "Invalid distribution metadata" when the two fields every upload needs are missing.
  const missing = (["metadataVersion", "name", "version"] as const).filter((k) => !raw[k]);
  if (missing.length > 0) {
    const headers = { metadataVersion: "Metadata-Version", name: "Name", version: "Version" };
    throw new InvalidDistribution(`Invalid distribution metadata in ${filename}: missing ${missing.map((k) => headers[k]).join(", ")}`);
  }
  const digests = await digestFile(absolute);
  return {
    path,
    filename,
    filetype,
    pyversion: filetype === "bdist_wheel" ? wheelPythonTag(filename) : "source",
    size: info.size,
    metadata: raw,
    ...digests,
  };
}

/** twine's wheel.py: the `pyver` part of `{name}-{ver}(-{build})?-{pyver}-{abi}-{plat}.whl`, else "any". */
export function wheelPythonTag(filename: string): string {
  const parts = filename.replace(/\.whl$/i, "").split("-");
  return parts.length >= 5 ? parts[parts.length - 3]! : "any";
}

/** A wheel's `.dist-info/METADATA`, read from the zip's central directory (core/index/wheel-metadata.ts). */
export async function readWheelMetadataFile(absolute: string, filename: string): Promise<string> {
  return withLocalFile(absolute, (source) => readWheelMetadata(source, filename));
}

/** The `PKG-INFO` at the top of an sdist (`{name}-{version}/PKG-INFO`), read without unpacking the rest. */
export async function readSdistMetadata(absolute: string, filename: string): Promise<string> {
  const text = filename.toLowerCase().endsWith(".zip") ? await zipPkgInfo(absolute, filename) : await tarPkgInfo(absolute);
  if (text === null) throw new InvalidDistribution(`No PKG-INFO in archive: ${filename}`);
  return text;
}

function isTopLevelPkgInfo(name: string): boolean {
  const parts = name.replace(/^\.\//, "").split("/");
  return parts.length === 2 && parts[1] === "PKG-INFO";
}

async function tarPkgInfo(absolute: string): Promise<string | null> {
  const extract = tar.extract();
  let found: string | null = null;
  const source = createReadStream(absolute);
  const reading = (async () => {
    for await (const entry of extract) {
      if (found === null && isTopLevelPkgInfo(entry.header.name) && entry.header.type === "file") {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        found = Buffer.concat(chunks).toString("utf8");
        // Nothing after it is needed: stop reading the archive.
        source.destroy();
        extract.destroy();
        return;
      }
      entry.resume();
    }
  })();
  try {
    await Promise.all([pipeline(source, createGunzip(), extract), reading]);
  } catch (e) {
    if (found === null) throw new InvalidDistribution(`Cannot read ${basename(absolute)}: ${(e as Error).message}`);
  }
  return found;
}

async function zipPkgInfo(absolute: string, filename: string): Promise<string | null> {
  const member = await withLocalFile(absolute, (source) => readZipMember(source, filename, (entries) => entries.find((e) => isTopLevelPkgInfo(e.name))));
  return member?.toString("utf8") ?? null;
}

/** sha256 and BLAKE2b-256 in one read of the file (BLAKE2b-256 is not in node:crypto). */
export async function digestFile(absolute: string): Promise<{ sha256: string; blake2b256: string }> {
  const sha256 = createHash("sha256");
  const blake = await createBLAKE2b(256);
  blake.init();
  for await (const chunk of createReadStream(absolute, { highWaterMark: 1 << 20 })) {
    sha256.update(chunk as Buffer);
    blake.update(chunk as Buffer);
  }
  return { sha256: sha256.digest("hex"), blake2b256: blake.digest("hex") };
}
