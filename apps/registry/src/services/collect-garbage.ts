// Removes what an interrupted upload or a failed blob delete can leave behind: staged blobs
// under incoming/, committed-key blobs that no file row references, and stale temp files.
// Only things older than `graceMs` go, so uploads in progress are never touched.
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import { STAGING_PREFIX } from "@wheelhouse/mirror";

export interface GarbageReport {
  stagedBlobs: number;
  unreferencedBlobs: number;
  tempFiles: number;
}

const BATCH = 500;

export async function collectGarbage(deps: { db: Db; store: BlobStore; uploadTmpDir: string }, graceMs = 60 * 60 * 1000): Promise<GarbageReport> {
  const cutoff = Date.now() - graceMs;
  const report: GarbageReport = { stagedBlobs: 0, unreferencedBlobs: 0, tempFiles: 0 };

  for await (const blob of deps.store.list(STAGING_PREFIX)) {
    if (blob.lastModified.getTime() >= cutoff) continue;
    await deps.store.delete(blob.key);
    report.stagedBlobs++;
  }

  let batch: string[] = [];
  const sweep = async () => {
    const referenced = new Set((await deps.db.file.findMany({ where: { storageKey: { in: batch } }, select: { storageKey: true } })).map((f) => f.storageKey));
    for (const key of batch.filter((k) => !referenced.has(k))) {
      await deps.store.delete(key);
      report.unreferencedBlobs++;
    }
    batch = [];
  };
  for await (const blob of deps.store.list("files/")) {
    if (blob.lastModified.getTime() >= cutoff) continue;
    batch.push(blob.key);
    if (batch.length >= BATCH) await sweep();
  }
  if (batch.length > 0) await sweep();

  const temps = await readdir(deps.uploadTmpDir).catch(() => [] as string[]);
  for (const name of temps) {
    const path = join(deps.uploadTmpDir, name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < cutoff) {
      await rm(path, { force: true });
      report.tempFiles++;
    }
  }
  return report;
}
