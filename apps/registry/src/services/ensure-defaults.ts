// First start: the default hosted index and the `admin` account. Later starts change nothing.
import { recordAuditEvent, type Db } from "@wheelhouse/db";
import { generatePassword, hashPassword } from "../auth/passwords.ts";

export interface Defaults {
  defaultIndex: string;
  adminPassword: string | undefined;
}

/** Returns the admin password when this call created the account with a generated one. */
export async function ensureDefaults(db: Db, defaults: Defaults): Promise<{ generatedAdminPassword: string | null }> {
  await db.index.upsert({ where: { name: defaults.defaultIndex }, create: { name: defaults.defaultIndex, kind: "hosted" }, update: {} });
  if (await db.user.findUnique({ where: { username: "admin" } })) return { generatedAdminPassword: null };
  const password = defaults.adminPassword ?? generatePassword();
  const passwordHash = await hashPassword(password);
  // A concurrent first start of another replica may win the race; that is fine.
  const created = await db.user.createMany({ data: [{ username: "admin", passwordHash, isAdmin: true }], skipDuplicates: true });
  if (created.count === 1) {
    await recordAuditEvent(db, { actor: null, action: "user.create", details: { username: "admin", isAdmin: true, firstStart: true } });
  }
  return { generatedAdminPassword: created.count === 1 && !defaults.adminPassword ? password : null };
}
