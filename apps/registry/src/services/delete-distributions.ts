// Deleting files and releases. The filename is remembered so it can never be reused for other
// bytes (PyPI's rule); the rows go in one transaction, the blobs after it commits. A blob whose
// delete fails is an orphan that garbage collection removes, never a row pointing at nothing.
import type { Db } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "../logger.ts";
import type { IndexRow } from "./find-index.ts";
import { findFileOrThrow, findReleaseOrThrow } from "./find-release.ts";
import { recordAuditEvent } from "./record-audit-event.ts";

type Actor = { id: number; username: string };
interface Deps {
  db: Db;
  store: BlobStore;
  log: Logger;
}

interface DoomedFile {
  id: number;
  filename: string;
  sha256: string;
  /** null: a mirrored file that was never fetched. */
  storageKey: string | null;
}

async function removeFiles(deps: Deps, index: IndexRow, files: DoomedFile[], audit: (tx: Parameters<Parameters<Db["$transaction"]>[0]>[0]) => Promise<unknown>, releaseId?: number): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    await tx.deletedFilename.createMany({ data: files.map((f) => ({ indexId: index.id, filename: f.filename, sha256: f.sha256 })), skipDuplicates: true });
    await tx.file.deleteMany({ where: { id: { in: files.map((f) => f.id) } } });
    if (releaseId !== undefined) await tx.release.delete({ where: { id: releaseId } });
    await audit(tx);
  });
  for (const file of files) {
    if (file.storageKey === null) continue;
    if ((await deps.db.file.count({ where: { storageKey: file.storageKey } })) > 0) continue;
    const key = file.storageKey;
    await deps.store.delete(key).catch((err: unknown) => deps.log.warn({ err, key }, "blob delete failed; left for garbage collection"));
  }
}

export async function deleteFile(deps: Deps, actor: Actor, index: IndexRow, filename: string): Promise<void> {
  const file = await findFileOrThrow(deps.db, index, filename);
  await removeFiles(deps, index, [file], (tx) =>
    recordAuditEvent(tx, { actor, action: "file.delete", indexName: index.name, projectName: file.project.name, version: file.release.version, filename, details: { sha256: file.sha256 } }, file.projectId),
  );
}

export async function deleteRelease(deps: Deps, actor: Actor, index: IndexRow, project: string, version: string): Promise<void> {
  const release = await findReleaseOrThrow(deps.db, index, project, version);
  await removeFiles(
    deps,
    index,
    release.files,
    (tx) =>
      recordAuditEvent(
        tx,
        { actor, action: "release.delete", indexName: index.name, projectName: release.project.name, version: release.version, details: { files: release.files.map((f) => f.filename) } },
        release.projectId,
      ),
    release.id,
  );
}
