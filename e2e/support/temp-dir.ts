import { mkdtempSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

const created: string[] = [];

/** A fresh directory under the OS temp dir, removed by `removeTempDirs()`. */
export async function makeTempDir(prefix = "wheelhouse-e2e-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** `makeTempDir` for synchronous callers. */
export function makeTempDirSync(prefix = "wheelhouse-e2e-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every directory `makeTempDir` created in this process. */
export async function removeTempDirs(): Promise<void> {
  const dirs = created.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A project name no other test uses: `${prefix}-${8 hex chars}`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}
