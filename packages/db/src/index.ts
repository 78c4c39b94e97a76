// @wheelhouse/db: the only package that knows about Prisma and Postgres.
export { createDb } from "./client.ts";
export type { Db } from "./client.ts";
export { applyMigrations } from "./migrations.ts";
export type { ApplyMigrationsOptions } from "./migrations.ts";
export { startEmbeddedPostgres } from "./embedded-postgres.ts";
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from "./embedded-postgres.ts";
export { redactUrl } from "./pg-config.ts";
export { recordAuditEvent } from "./record-audit-event.ts";
export type { AuditEventInput } from "./record-audit-event.ts";

// Generated model types, enums and the Prisma namespace (errors, input types, Prisma.sql, …).
export { Prisma, IndexKind, TokenScope } from "./generated/client.ts";
export type {
  User,
  ApiToken,
  Index,
  Project,
  ProjectOwner,
  Release,
  File,
  DeletedFilename,
  AuditEvent,
  Advisory,
  AdvisoryPackage,
  AdvisoryImport,
} from "./generated/client.ts";
