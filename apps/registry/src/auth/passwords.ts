import argon2 from "argon2";
import { randomBytes } from "node:crypto";

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash never authenticates
  }
}

export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
