// Deleting files and releases. The filename is remembered so it can never be reused for other
// bytes (PyPI's rule); the rows go in one transaction, the blobs after it commits. A blob whose
// delete fails is an orphan that garbage collection removes, never a row pointing at nothing.
import { recordAuditEvent, type Db } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "../logger.ts";
import type { IndexRow } from "./find-index.ts";
import { findFileOrThrow, findReleaseOrThrow } from "./find-release.ts";

type Actor = { id: number; username: string };
interface Deps {
  db: Db;
  store: BlobStore;
  log: Logger;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

interface DoomedFile {
  filename: string;
  sha256: string;
  /** null: a mirrored file that was never fetched. */
  storageKey: string | null;
}

/**
 * Deletes the file rows `selectFiles` returns inside the transaction (after it has locked what
 * it needs), remembers their names, audits, and removes the blobs once the rows are gone.
 */
async function removeFiles(
  deps: Deps,
  index: IndexRow,
  selectFiles: (tx: Tx) => Promise<(DoomedFile & { id: number })[]>,
  finish: (tx: Tx, files: DoomedFile[]) => Promise<unknown>,
): Promise<void> {
  const files = await deps.db.$transaction(async (tx) => {
    const doomed = await selectFiles(tx);
    await tx.deletedFilename.createMany({ data: doomed.map((f) => ({ indexId: index.id, filename: f.filename, sha256: f.sha256 })), skipDuplicates: true });
    await tx.file.deleteMany({ where: { id: { in: doomed.map((f) => f.id) } } });
    await finish(tx, doomed);
    return doomed;
  });
  // Each committed key belongs to exactly one file row (see storageKeyFor), so it can go.
  for (const key of files.map((f) => f.storageKey)) {
    if (key === null) continue;
    await deps.store.delete(key).catch((err: unknown) => deps.log.warn({ err, key }, "blob delete failed; left for garbage collection"));
  }
}

export async function deleteFile(deps: Deps, actor: Actor, index: IndexRow, filename: string): Promise<void> {
  const file = await findFileOrThrow(deps.db, index, filename);
  await removeFiles(
    deps,
    index,
    async (tx) => tx.file.findMany({ where: { id: file.id } }),
    (tx) =>
      recordAuditEvent(
        tx,
        {
          actor,
          action: "file.delete",
          indexName: index.name,
          projectName: file.project.name,
          version: file.release.version,
          filename,
          details: { sha256: file.sha256 },
        },
        file.projectId,
      ),
  );
}

export async function deleteRelease(deps: Deps, actor: Actor, index: IndexRow, project: string, version: string): Promise<void> {
  const release = await findReleaseOrThrow(deps.db, index, project, version);
  await removeFiles(
    deps,
    index,
    async (tx) => {
      // Lock the release first: an upload adding a file to it waits, so every file that goes
      // is one we list, remember and audit (the cascade would otherwise drop it silently).
      await tx.$queryRaw`SELECT id FROM "Release" WHERE id = ${release.id} FOR UPDATE`;
      return tx.file.findMany({ where: { releaseId: release.id } });
    },
    async (tx, files) => {
      await tx.release.delete({ where: { id: release.id } });
      await recordAuditEvent(
        tx,
        {
          actor,
          action: "release.delete",
          indexName: index.name,
          projectName: release.project.name,
          version: release.version,
          details: { files: files.map((f) => f.filename) },
        },
        release.projectId,
      );
    },
  );
}
