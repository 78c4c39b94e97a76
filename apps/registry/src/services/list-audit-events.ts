import type { AuditEvent, Db } from "@wheelhouse/db";
import { pageLimit } from "../http/page-limit.ts";

export interface AuditQuery {
  index?: string;
  project?: string;
  action?: string;
  /** At most 1,000; default 100. */
  limit?: number;
}

/** The newest audit events first. */
export function listAuditEvents(db: Db, query: AuditQuery): Promise<AuditEvent[]> {
  const limit = pageLimit(query.limit, 100, 1000);
  return db.auditEvent.findMany({
    where: { indexName: query.index, projectName: query.project, action: query.action },
    orderBy: { id: "desc" },
    take: limit,
  });
}
