import { recordAuditEvent, type Db, type TokenScope } from "@wheelhouse/db";
import { canonicalizeName } from "@wheelhouse/packaging";
import { generateTokenText } from "../auth/api-token-text.ts";
import { generatePassword, hashPassword } from "../auth/passwords.ts";
import { BadRequest, Conflict, NotFound } from "../errors.ts";
import { hasControlCharacter } from "../text/control-characters.ts";

type Actor = { id: number; username: string } | null;

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function createUser(
  db: Db,
  actor: Actor,
  input: { username: string; password?: string; isAdmin?: boolean },
): Promise<{ username: string; password: string }> {
  if (!USERNAME.test(input.username) || input.username === "__token__") {
    throw new BadRequest(`Invalid username '${input.username}': use letters, digits, '.', '_' or '-' (at most 64).`, "bad-username");
  }
  const password = input.password ?? generatePassword();
  if (password.length < 8) throw new BadRequest("The password must be at least 8 characters.", "weak-password");
  // RFC 7617: Basic credentials hold no control characters, so such a password could never log in.
  if (hasControlCharacter(password)) {
    throw new BadRequest("The password must not contain control characters (tabs, line breaks, NUL): HTTP Basic cannot carry them.", "bad-password");
  }
  if (await db.user.findUnique({ where: { username: input.username } })) {
    throw new Conflict(`A user named '${input.username}' already exists.`, "user-exists");
  }
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    await tx.user.create({ data: { username: input.username, passwordHash, isAdmin: input.isAdmin ?? false } });
    await recordAuditEvent(tx, { actor, action: "user.create", details: { username: input.username, isAdmin: input.isAdmin ?? false } });
  });
  return { username: input.username, password };
}

export interface TokenRequest {
  username: string;
  scope: TokenScope;
  index?: string;
  project?: string;
  description?: string;
  expiresAt?: Date;
}

export async function createApiToken(db: Db, actor: Actor, input: TokenRequest): Promise<{ token: string; prefix: string }> {
  const user = await db.user.findUnique({ where: { username: input.username } });
  if (!user) throw new NotFound(`No user named '${input.username}'.`, "no-user");
  if (input.scope === "admin" && !user.isAdmin)
    throw new BadRequest(`User '${user.username}' is not an administrator: an admin token would grant nothing.`, "bad-scope");
  const index = input.index ? await db.index.findUnique({ where: { name: input.index } }) : null;
  if (input.index && !index) throw new NotFound(`No index named '${input.index}'.`, "no-index");
  const generated = generateTokenText();
  await db.$transaction(async (tx) => {
    await tx.apiToken.create({
      data: {
        userId: user.id,
        prefix: generated.prefix,
        secretHash: generated.secretHash,
        scope: input.scope,
        indexId: index?.id ?? null,
        projectName: input.project ? canonicalizeName(input.project) : null,
        description: input.description ?? "",
        expiresAt: input.expiresAt ?? null,
      },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "token.create",
      indexName: index?.name,
      projectName: input.project,
      details: { username: user.username, prefix: generated.prefix, scope: input.scope },
    });
  });
  return { token: generated.text, prefix: generated.prefix };
}

export async function listApiTokens(db: Db, username?: string) {
  const tokens = await db.apiToken.findMany({
    where: username ? { user: { username } } : {},
    include: { user: true, index: true },
    orderBy: { id: "asc" },
  });
  return tokens.map((t) => ({
    prefix: t.prefix,
    username: t.user.username,
    scope: t.scope,
    index: t.index?.name ?? null,
    project: t.projectName,
    description: t.description,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
  }));
}

export async function revokeApiToken(db: Db, actor: Actor, prefix: string): Promise<void> {
  const token = await db.apiToken.findUnique({ where: { prefix } });
  if (!token) throw new NotFound(`No token with prefix '${prefix}'.`, "no-token");
  await db.$transaction(async (tx) => {
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: token.revokedAt ?? new Date() } });
    await recordAuditEvent(tx, { actor, action: "token.revoke", details: { prefix } });
  });
}
