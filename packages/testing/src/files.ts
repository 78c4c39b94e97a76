// Test files on disk: a temp directory whose files never collide, and trees written from a map.
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { MemberContent } from "./wheel.ts";

export interface TempDir {
  readonly path: string;
  /** Writes `bytes` under a name of its own (`<n>-<name>`): tests in one file run concurrently. Returns the path. */
  write(name: string, bytes: Uint8Array | string): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = "wheelhouse-test-"): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  let n = 0;
  return {
    path,
    async write(name, bytes) {
      const file = join(path, `${n++}-${name}`);
      await writeFile(file, bytes);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** Writes `files` (relative `/`-separated paths → content, `{ content, mode }` for permission bits) under `dir`. */
export async function writeTree(dir: string, files: Record<string, MemberContent>): Promise<void> {
  for (const [relative, value] of Object.entries(files)) {
    const path = join(dir, ...relative.split("/"));
    await mkdir(dirname(path), { recursive: true });
    const content = typeof value === "string" || value instanceof Uint8Array ? value : value.content;
    await writeFile(path, content);
    if (typeof value === "object" && !(value instanceof Uint8Array)) await chmod(path, value.mode);
  }
}
