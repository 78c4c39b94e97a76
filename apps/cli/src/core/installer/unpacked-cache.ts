/**
 * The unpacked-wheel cache (uv's approach): each wheel is unpacked and verified against its
 * RECORD once, into `<cache>/unpacked/<sha256 of the wheel>/`, and installs hardlink its files
 * from there. `<sha256>.json` beside the directory marks it complete: it holds the manifest —
 * what the wheel's metadata said and every file with its verified digest — so an install from
 * the cache neither opens the wheel nor reads or hashes the files again. The directory is flat:
 * the manifest's n-th file is `<dir>/<n>` (no subdirectories to create: on many file systems
 * creating an inode costs far more than linking one).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { readCacheFile } from "../cache/atomic-write.ts";
import { cachedFilePath } from "../cache/cache-layout.ts";

export { linkOrCopy } from "./transaction.ts";

export type Digests = Record<string, { hash: string; size: number }>;

/** What an install needs to know of a wheel, checked when it was read (see install-wheel.ts). */
export interface WheelSummary {
  infoDir: string;
  name: string;
  version: string;
  rootIsPurelib: boolean;
  entryPointsText: string;
}

export interface ManifestFile {
  /** `/`-separated path inside the archive. */
  name: string;
  executable: boolean;
  /** `sha256=…` (urlsafe base64), as RECORD writes it. */
  hash: string;
  size: number;
}

/** The marker's content. Markers of another version are ignored (the wheel is unpacked again). */
export interface Manifest {
  version: typeof MANIFEST_VERSION;
  wheel: WheelSummary;
  /** In archive order; the n-th is stored as `<dir>/<n>`. */
  files: ManifestFile[];
}

const MANIFEST_VERSION = 3;

/** Where the manifest's `index`-th file is stored in an unpacked directory. */
export function unpackedFile(dir: string, index: number): string {
  return path.join(dir, String(index));
}

export interface UnpackedWheel {
  dir: string;
  manifest: Manifest;
}

/** The sha256 (hex) of a file. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The wheel's sha256 without reading it when it is known: given by the caller, or named by the
 * download cache's content-addressed path (`files/<aa>/<sha256>/<filename>`, verified when stored).
 */
export async function wheelSha256(cacheDir: string, wheelPath: string, known?: string | null): Promise<string> {
  if (known && /^[0-9a-f]{64}$/i.test(known)) return known.toLowerCase();
  const resolved = path.resolve(wheelPath);
  const sha = path.basename(path.dirname(resolved));
  if (/^[0-9a-f]{64}$/.test(sha) && cachedFilePath(path.resolve(cacheDir), sha, path.basename(resolved)) === resolved) return sha;
  return fileSha256(wheelPath);
}

/** The unpacked wheel with this sha256, if it is complete in the cache. */
export async function readUnpacked(cacheDir: string, sha256: string): Promise<UnpackedWheel | null> {
  const dir = unpackedDir(cacheDir, sha256);
  let manifest: Partial<Manifest> | null = null;
  try {
    manifest = JSON.parse(readCacheFile(`${dir}.json`) ?? "null") as Partial<Manifest> | null;
  } catch {
    // A corrupt manifest: unpack again.
  }
  if (!manifest || manifest.version !== MANIFEST_VERSION || !manifest.wheel || !Array.isArray(manifest.files)) return null;
  return { dir, manifest: manifest as Manifest };
}

/**
 * Unpacks a wheel into the cache: `unpack` writes (and verifies) every file under the directory
 * it is given and returns the manifest; the result is moved into place only when it succeeded.
 */
export async function storeUnpacked(cacheDir: string, sha256: string, unpack: (dir: string) => Promise<Omit<Manifest, "version">>): Promise<UnpackedWheel> {
  const dir = unpackedDir(cacheDir, sha256);
  const marker = `${dir}.json`;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  let manifest: Manifest;
  try {
    manifest = { version: MANIFEST_VERSION, ...(await unpack(tmp)) };
    try {
      await rename(tmp, dir);
    } catch {
      // Left by an interrupted or older run: replaced.
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    }
    await writeFile(`${marker}.${process.pid}.tmp`, JSON.stringify(manifest));
    await rename(`${marker}.${process.pid}.tmp`, marker);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir, manifest };
}

function unpackedDir(cacheDir: string, sha256: string): string {
  return path.join(cacheDir, "unpacked", sha256);
}
