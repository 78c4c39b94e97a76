import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

export async function sha256File(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

/** filename → sha256 hex for each path. */
export async function sha256ByFilename(paths: readonly string[]): Promise<Map<string, string>> {
  const entries = await Promise.all(paths.map(async (path) => [basename(path), await sha256File(path)] as const));
  return new Map(entries);
}
