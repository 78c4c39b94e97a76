// Test support: one fresh, migrated database per test file, so files run in parallel.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb } from "./client.ts";
import type { Db } from "./client.ts";
import { applyMigrations } from "./migrations.ts";
import { poolConfigFromUrl, quoteIdent, withDatabase } from "./pg-config.ts";

export const defaultTestServerUrl = "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  url: string;
  db: Db;
  /** Disconnects `db` and drops the database, even if other sessions are still connected. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database on the server of TEST_DATABASE_URL (default
 * postgresql://postgres@127.0.0.1:5432/test), applies prisma/migrations to it and returns a
 * client. Call once per test file, and `drop()` in `after`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? defaultTestServerUrl;
  const name = await createEmptyDatabase(serverUrl);
  const url = withDatabase(serverUrl, name);
  try {
    await applyMigrations(url);
  } catch (err) {
    await dropDatabase(serverUrl, name);
    throw err;
  }
  const db = createDb(url);
  let dropped: Promise<void> | undefined;
  return {
    url,
    db,
    drop: () =>
      (dropped ??= (async () => {
        await db.$disconnect();
        await dropDatabase(serverUrl, name);
      })()),
  };
}

/** Creates an empty uniquely named database on `serverUrl`'s server and returns its name. */
export async function createEmptyDatabase(serverUrl: string, prefix = "wheelhouse_test"): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  return name;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client(poolConfigFromUrl(serverUrl));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
