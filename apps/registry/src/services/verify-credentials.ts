import { createHash } from "node:crypto";
import type { Db } from "@wheelhouse/db";
import { parseTokenText, secretMatches } from "../auth/api-token-text.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";

const CACHE_MAX = 1000;
const LAST_USED_RESOLUTION_MS = 60_000;
/** argon2 takes 64 MiB and ~50 ms a run; a few at a time keep memory and the libuv pool for I/O. */
const MAX_CONCURRENT_ARGON2 = 2;

/**
 * Checks Basic credentials against the database on every request: one indexed read of the token
 * or user row, so a revoked or expired token, a deleted user or a changed password fails at
 * once, in every process and replica (nothing that decides lives only in one process's memory).
 *
 * What is remembered is only the outcome of the one expensive step, the argon2 comparison of a
 * password with a stored hash: keyed by a digest of (the credentials, that hash), so it stays
 * true exactly as long as the hash is unchanged. pip sends credentials on every request of an
 * install, so installs stay fast; a flood of one wrong password cannot keep argon2 busy. (A
 * token's secret is compared by sha256, cheap enough to do every time.)
 */
export class CredentialVerifier {
  private readonly argon2Outcomes = new Map<string, boolean>();
  private argon2Slots = MAX_CONCURRENT_ARGON2;
  private readonly argon2Waiting: (() => void)[] = [];
  // Unknown users cost a verification too, so timing does not tell which usernames exist.
  // Hashed on first need, not at start-up (argon2: 64 MiB and ~50 ms).
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly db: Db) {}

  async verify(username: string, password: string): Promise<Principal | null> {
    return username === "__token__" ? this.verifyToken(password) : this.verifyUserPassword(username, password);
  }

  private async verifyToken(text: string): Promise<Principal | null> {
    const parsed = parseTokenText(text);
    if (!parsed) return null;
    const token = await this.db.apiToken.findUnique({ where: { prefix: parsed.prefix }, include: { user: true } });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= new Date())) return null;
    if (!secretMatches(parsed.secret, token.secretHash)) return null;
    // Best effort, at most once a minute per token (not a write per request of an install): the
    // last-used time is informational, a failed update must not fail the request.
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      this.db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
    }
    return {
      user: { id: token.user.id, username: token.user.username, isAdmin: token.user.isAdmin },
      token: { id: token.id, scope: token.scope, indexId: token.indexId, projectName: token.projectName },
    };
  }

  private async verifyUserPassword(username: string, password: string): Promise<Principal | null> {
    const user = await this.db.user.findUnique({ where: { username } });
    const ok = await this.passwordMatches(user?.passwordHash ?? (await this.dummy()), username, password);
    if (!user?.passwordHash || !ok) return null;
    return { user: { id: user.id, username: user.username, isAdmin: user.isAdmin }, token: null };
  }

  /** argon2 verification, remembered per (stored hash, username, password) digest. */
  private async passwordMatches(storedHash: string, username: string, password: string): Promise<boolean> {
    const key = createHash("sha256").update(`${storedHash}\0${username}\0${password}`).digest("hex");
    const known = this.argon2Outcomes.get(key);
    if (known !== undefined) return known;
    const ok = await this.withArgon2Slot(() => verifyPassword(storedHash, password));
    if (this.argon2Outcomes.size >= CACHE_MAX) this.argon2Outcomes.delete(this.argon2Outcomes.keys().next().value!);
    this.argon2Outcomes.set(key, ok);
    return ok;
  }

  private dummy(): Promise<string> {
    return (this.dummyHash ??= hashPassword("wheelhouse-dummy-password"));
  }

  private async withArgon2Slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.argon2Slots === 0) await new Promise<void>((resolve) => this.argon2Waiting.push(resolve));
    else this.argon2Slots--;
    try {
      return await work();
    } finally {
      const next = this.argon2Waiting.shift();
      if (next) next();
      else this.argon2Slots++;
    }
  }
}
