import type { Prisma } from "@wheelhouse/db";

export interface MirrorEvent {
  action: "mirror.refresh" | "mirror.metadata";
  indexName: string;
  projectName: string;
  filename?: string;
  details?: Prisma.InputJsonValue;
}

/**
 * Appends a system event (no actor) to the audit log inside the caller's transaction and makes
 * its id the project's serial, as the registry's recordAuditEvent does for uploads.
 */
export async function recordMirrorEvent(tx: Prisma.TransactionClient, event: MirrorEvent, projectId: number): Promise<number> {
  const row = await tx.auditEvent.create({
    data: {
      actorId: null,
      actorName: null,
      action: event.action,
      indexName: event.indexName,
      projectName: event.projectName,
      filename: event.filename ?? null,
      details: event.details ?? {},
    },
  });
  // GREATEST: two transactions may commit in the opposite order of their ids; a serial never goes back.
  await tx.$executeRaw`UPDATE "Project" SET "lastSerial" = GREATEST("lastSerial", ${row.id}) WHERE id = ${projectId}`;
  return row.id;
}
