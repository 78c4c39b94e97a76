import type { Prisma } from "./generated/client.ts";

export interface AuditEventInput {
  /** null: the system (first start, a mirror refresh). */
  actor: { id: number; username: string } | null;
  action: string;
  indexName?: string;
  projectName?: string;
  version?: string;
  filename?: string;
  details?: Prisma.InputJsonValue;
}

/**
 * Appends to the audit log inside the caller's transaction and returns the event id,
 * which is also the new serial of the project it touched (PyPI's journal works the same way).
 */
export async function recordAuditEvent(tx: Prisma.TransactionClient, event: AuditEventInput, projectId?: number): Promise<number> {
  const row = await tx.auditEvent.create({
    data: {
      actorId: event.actor?.id ?? null,
      actorName: event.actor?.username ?? null,
      action: event.action,
      indexName: event.indexName ?? null,
      projectName: event.projectName ?? null,
      version: event.version ?? null,
      filename: event.filename ?? null,
      details: event.details ?? {},
    },
  });
  // GREATEST: two transactions may commit in the opposite order of their ids; a serial never goes back.
  if (projectId !== undefined) await tx.$executeRaw`UPDATE "Project" SET "lastSerial" = GREATEST("lastSerial", ${row.id}) WHERE id = ${projectId}`;
  return row.id;
}
