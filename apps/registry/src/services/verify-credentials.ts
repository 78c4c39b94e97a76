import { createHash } from "node:crypto";
import type { Db } from "@wheelhouse/db";
import { parseTokenText, secretMatches } from "../auth/api-token-text.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";

const CACHE_MS = 30_000;
const CACHE_MAX = 1000;
/** argon2 takes 64 MiB and ~50 ms a run; a few at a time keep memory and the libuv pool for I/O. */
const MAX_CONCURRENT_ARGON2 = 2;

/**
 * Checks Basic credentials. pip sends them on every request of an install, so outcomes are
 * remembered briefly (a digest of the credentials, never the text): successes so installs stay
 * fast, failures so a flood of wrong passwords cannot keep argon2 busy. A revoked token or a
 * changed password stops working within CACHE_MS, or at once through forget().
 */
export class CredentialVerifier {
  private readonly recent = new Map<string, { principal: Principal | null; until: number }>();
  private argon2Slots = MAX_CONCURRENT_ARGON2;
  private readonly argon2Waiting: (() => void)[] = [];
  // Unknown users cost a verification too, so timing does not tell which usernames exist.
  // Hashed on first need, not at start-up (argon2: 64 MiB and ~50 ms).
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly db: Db) {}

  async verify(username: string, password: string): Promise<Principal | null> {
    const key = createHash("sha256").update(`${username}\0${password}`).digest("hex");
    const cached = this.recent.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    this.recent.delete(key);
    const principal = username === "__token__" ? await this.verifyToken(password) : await this.verifyUserPassword(username, password);
    if (this.recent.size >= CACHE_MAX) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, { principal, until: Date.now() + CACHE_MS });
    return principal;
  }

  /** After a token is revoked or a password changed through this process. */
  forget(): void {
    this.recent.clear();
  }

  private async verifyToken(text: string): Promise<Principal | null> {
    const parsed = parseTokenText(text);
    if (!parsed) return null;
    const token = await this.db.apiToken.findUnique({ where: { prefix: parsed.prefix }, include: { user: true } });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= new Date())) return null;
    if (!secretMatches(parsed.secret, token.secretHash)) return null;
    // Best effort: the last-used time is informational, a failed update must not fail the request.
    this.db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
    return {
      user: { id: token.user.id, username: token.user.username, isAdmin: token.user.isAdmin },
      token: { id: token.id, scope: token.scope, indexId: token.indexId, projectName: token.projectName },
    };
  }

  private async verifyUserPassword(username: string, password: string): Promise<Principal | null> {
    const user = await this.db.user.findUnique({ where: { username } });
    const ok = await this.withArgon2Slot(async () => verifyPassword(user?.passwordHash ?? (await this.dummy()), password));
    if (!user?.passwordHash || !ok) return null;
    return { user: { id: user.id, username: user.username, isAdmin: user.isAdmin }, token: null };
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
