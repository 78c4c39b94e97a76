/**
 * Where `download` and `wheel` put what they fetched or built: a copy in the destination
 * directory, unless an identical file is there already (pip's "File was already downloaded").
 */
import { copyFile, stat } from "node:fs/promises";
import path from "node:path";
import { hashFile } from "../core/hashes/hashing.ts";

/**
 * Copies `from` into `dir` under its own name (or `filename`); "present" when an identical file
 * was there already and kept. `dir` must exist.
 */
export async function saveArchive(from: string, dir: string, filename = path.basename(from)): Promise<{ path: string; outcome: "saved" | "present" }> {
  const to = path.join(dir, filename);
  if (await sameContent(from, to)) return { path: to, outcome: "present" };
  await copyFile(from, to);
  return { path: to, outcome: "saved" };
}

/** pip's line for a saved archive: `Saved ./dist/x.whl` or `File was already downloaded ./dist/x.whl`. */
export function savedLine(saved: { path: string; outcome: "saved" | "present" }, cwd: string): string {
  return `${saved.outcome === "saved" ? "Saved" : "File was already downloaded"} ${displayPath(saved.path, cwd)}`;
}

/** pip's display_path: relative to the working directory when inside it. */
export function displayPath(file: string, cwd: string): string {
  return file.startsWith(cwd + path.sep) ? `.${file.slice(cwd.length)}` : file;
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const existing = await stat(b).catch(() => null);
  if (!existing?.isFile() || existing.size !== (await stat(a)).size) return false;
  const [x, y] = await Promise.all([hashFile(a, ["sha256"]), hashFile(b, ["sha256"])]);
  return x.sha256 === y.sha256;
}
