import { createHash } from "node:crypto";
import type { Db } from "@wheelhouse/db";
import { parseTokenText, secretMatches } from "../auth/api-token-text.ts";
import { verifyPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";

/**
 * pip sends Basic credentials on every request of an install; argon2 costs ~50 ms and 64 MiB
 * each time, so a successful check is remembered briefly. Only a digest of the credentials is
 * kept, and only for CACHE_MS: a revoked token or changed password stops working within that.
 */
const CACHE_MS = 30_000;
const CACHE_MAX = 1000;
const recentlyVerified = new Map<string, { principal: Principal; until: number }>();

export async function verifyCredentials(db: Db, username: string, password: string): Promise<Principal | null> {
  const cacheKey = createHash("sha256").update(`${username}\0${password}`).digest("hex");
  const cached = recentlyVerified.get(cacheKey);
  if (cached && cached.until > Date.now()) return cached.principal;
  recentlyVerified.delete(cacheKey);

  const principal = username === "__token__" ? await verifyToken(db, password) : await verifyUserPassword(db, username, password);
  if (principal) {
    if (recentlyVerified.size >= CACHE_MAX) recentlyVerified.delete(recentlyVerified.keys().next().value!);
    recentlyVerified.set(cacheKey, { principal, until: Date.now() + CACHE_MS });
  }
  return principal;
}

/** Tests and the admin API call this after revoking a token or changing a password. */
export function forgetVerifiedCredentials(): void {
  recentlyVerified.clear();
}

async function verifyToken(db: Db, text: string): Promise<Principal | null> {
  const parsed = parseTokenText(text);
  if (!parsed) return null;
  const token = await db.apiToken.findUnique({ where: { prefix: parsed.prefix }, include: { user: true } });
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= new Date())) return null;
  if (!secretMatches(parsed.secret, token.secretHash)) return null;
  // Best effort: the last-used time is informational, a failed update must not fail the request.
  db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  return {
    user: { id: token.user.id, username: token.user.username, isAdmin: token.user.isAdmin },
    token: { id: token.id, scope: token.scope, indexId: token.indexId, projectName: token.projectName },
  };
}

async function verifyUserPassword(db: Db, username: string, password: string): Promise<Principal | null> {
  const user = await db.user.findUnique({ where: { username } });
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, password))) return null;
  return { user: { id: user.id, username: user.username, isAdmin: user.isAdmin }, token: null };
}
