// API token text: `whk_<prefix>_<secret>`. The prefix is a public lookup key (shown in
// listings); only sha256(secret) is stored. The secret is 256 random bits, so a fast hash
// is as safe as a slow one here (the same reasoning as GitHub's and PyPI's tokens).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_PATTERN = /^whk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewTokenText {
  text: string;
  prefix: string;
  secretHash: string;
}

export function generateTokenText(): NewTokenText {
  const prefix = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { text: `whk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** Splits a presented token, or null when it is not one of ours. */
export function parseTokenText(text: string): { prefix: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(text.trim());
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
