// PEP 592 yanking: the files stay downloadable, installers skip them unless pinned exactly.
import { recordAuditEvent, type Db } from "@wheelhouse/db";
import type { IndexRow } from "./find-index.ts";
import { findFileOrThrow, findReleaseOrThrow } from "./find-release.ts";

type Actor = { id: number; username: string };

export async function setReleaseYanked(
  db: Db,
  actor: Actor,
  index: IndexRow,
  project: string,
  version: string,
  yanked: boolean,
  reason?: string,
): Promise<void> {
  const release = await findReleaseOrThrow(db, index, project, version);
  await db.$transaction(async (tx) => {
    await tx.release.update({ where: { id: release.id }, data: { yanked, yankedReason: yanked ? (reason ?? null) : null } });
    await recordAuditEvent(
      tx,
      {
        actor,
        action: yanked ? "release.yank" : "release.unyank",
        indexName: index.name,
        projectName: release.project.name,
        version: release.version,
        details: { reason: reason ?? null },
      },
      release.projectId,
    );
  });
}

export async function setFileYanked(db: Db, actor: Actor, index: IndexRow, filename: string, yanked: boolean, reason?: string): Promise<void> {
  const file = await findFileOrThrow(db, index, filename);
  await db.$transaction(async (tx) => {
    await tx.file.update({ where: { id: file.id }, data: { yanked, yankedReason: yanked ? (reason ?? null) : null } });
    await recordAuditEvent(
      tx,
      {
        actor,
        action: yanked ? "file.yank" : "file.unyank",
        indexName: index.name,
        projectName: file.project.name,
        version: file.release.version,
        filename,
        details: { reason: reason ?? null },
      },
      file.projectId,
    );
  });
}
