/**
 * The unpacked-wheel cache (uv's approach): each wheel is unpacked and verified once, into
 * `<cache>/unpacked/<sha256 of the wheel>/`, and installs hardlink its files from there.
 * `<sha256>.json` beside the directory (the digests of its files) marks it complete.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, copyFile, link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { mapLimit } from "./fs-utils.ts";
import type { WheelArchive } from "./wheel-archive.ts";

export type Digests = Record<string, { hash: string; size: number }>;

/** The sha256 (hex) of a file. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Returns the directory holding the wheel's files and their RECORD digests, unpacking it first
 * if needed. `extract` writes (and verifies) one archive file; it is only called on a miss.
 */
export async function ensureUnpacked(
  cacheDir: string,
  wheelPath: string,
  archive: WheelArchive,
  extract: (name: string, to: string) => Promise<{ hash: string; size: number }>,
  concurrency: number,
): Promise<{ dir: string; digests: Digests }> {
  const digest = await fileSha256(wheelPath);
  const dir = path.join(cacheDir, "unpacked", digest);
  const marker = `${dir}.json`;
  const existing = await readFile(marker, "utf8").then((t) => JSON.parse(t) as Digests, () => null);
  if (existing) return { dir, digests: existing };
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  const digests: Digests = {};
  try {
    await mapLimit(archive.entries, concurrency, async (entry) => {
      const to = path.join(tmp, ...entry.name.split("/"));
      await mkdir(path.dirname(to), { recursive: true });
      digests[entry.name] = await extract(entry.name, to);
    });
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await writeFile(`${marker}.${process.pid}.tmp`, JSON.stringify(digests));
    await rename(`${marker}.${process.pid}.tmp`, marker);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir, digests };
}

/** Hardlinks `from` to `to`, copying when linking is not possible (another device, no permission). */
export async function linkOrCopy(from: string, to: string, mode?: number): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
    if (mode !== undefined) await chmod(to, mode);
  }
}
