import type { Db } from "@wheelhouse/db";
import { BadRequest, Conflict } from "../errors.ts";
import type { IndexRow } from "./find-index.ts";
import { findIndexOrThrow } from "./find-index.ts";

/** First path segments the registry itself uses; an index by that name would be unreachable. */
const RESERVED = new Set(["simple", "pypi", "api", "legacy", "files", "healthz", "readyz", "static", "admin", "login", "logout"]);
const INDEX_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface IndexSettings {
  anonymousRead?: boolean;
  uploadPolicy?: "authenticated" | "admins";
  description?: string;
}

export async function createIndex(db: Db, actor: { id: number; username: string } | null, name: string, settings: IndexSettings = {}): Promise<IndexRow> {
  if (!INDEX_NAME.test(name)) throw new BadRequest(`Invalid index name '${name}': use lowercase letters, digits, '.', '_' or '-'.`, "bad-index-name");
  if (RESERVED.has(name)) throw new BadRequest(`The index name '${name}' is reserved.`, "bad-index-name");
  if (await db.index.findUnique({ where: { name } })) throw new Conflict(`An index named '${name}' already exists.`, "index-exists");
  return db.$transaction(async (tx) => {
    const index = await tx.index.create({ data: { name, kind: "hosted", ...settings } });
    await tx.auditEvent.create({ data: { actorId: actor?.id, actorName: actor?.username, action: "index.create", indexName: name, details: { ...settings } } });
    return index;
  });
}

export async function updateIndex(db: Db, actor: { id: number; username: string } | null, name: string, settings: IndexSettings): Promise<IndexRow> {
  const index = await findIndexOrThrow(db, name);
  return db.$transaction(async (tx) => {
    const updated = await tx.index.update({ where: { id: index.id }, data: settings });
    await tx.auditEvent.create({ data: { actorId: actor?.id, actorName: actor?.username, action: "index.update", indexName: name, details: { ...settings } } });
    return updated;
  });
}

export function describeIndex(index: IndexRow) {
  return { name: index.name, kind: index.kind, description: index.description, anonymousRead: index.anonymousRead, uploadPolicy: index.uploadPolicy, createdAt: index.createdAt };
}
