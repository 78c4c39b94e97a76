import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import pg from "pg";
import { applyMigrations } from "./migrations.ts";
import { diffMigrationsToSchema } from "./create-migration.ts";
import { defaultMigrationsDir } from "./paths.ts";
import { poolConfigFromUrl, withDatabase } from "./pg-config.ts";
import { createEmptyDatabase, defaultTestServerUrl, dropDatabase } from "./testing.ts";

const serverUrl = process.env.TEST_DATABASE_URL ?? defaultTestServerUrl;
const migrationNames = readdirSync(defaultMigrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(poolConfigFromUrl(url));
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("applyMigrations", () => {
  const created: string[] = [];
  async function emptyDatabase(): Promise<string> {
    const name = await createEmptyDatabase(serverUrl, "wheelhouse_migrations_test");
    created.push(name);
    return withDatabase(serverUrl, name);
  }
  after(async () => {
    await Promise.all(created.map((name) => dropDatabase(serverUrl, name)));
  });

  it("has at least the initial migration", () => {
    assert.ok(migrationNames.length > 0);
    assert.match(migrationNames[0] ?? "", /^\d{14}_init$/);
  });

  it("applies every migration to an empty database, then does nothing", async () => {
    const url = await emptyDatabase();
    const logs: string[] = [];
    const first = await applyMigrations(url, { log: (m) => logs.push(m) });
    assert.deepEqual(first.applied, migrationNames);
    assert.ok(logs.some((l) => l.includes(migrationNames[0] ?? "")));

    const tables = await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    const names = new Set(tables.map((t) => t.table_name));
    for (const t of ["User", "Index", "Project", "Release", "File", "_prisma_migrations"]) assert.ok(names.has(t), t);

    const second = await applyMigrations(url);
    assert.deepEqual(second.applied, []);
    const rows = await query<{ n: string }>(url, "SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL");
    assert.equal(Number(rows[0]?.n), migrationNames.length);
  });

  it("lets two concurrent callers both succeed, applying each migration once", async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    assert.deepEqual([...a.applied, ...b.applied].sort(), migrationNames);
    assert.ok(a.applied.length === 0 || b.applied.length === 0, "one caller waits for the other");
    const rows = await query<{ n: string }>(url, "SELECT count(*) AS n FROM _prisma_migrations");
    assert.equal(Number(rows[0]?.n), migrationNames.length);
  });

  it("reports a database it cannot reach by URL, without the password", async () => {
    const url = withDatabase(serverUrl, "wheelhouse_no_such_database").replace("://postgres@", "://postgres:s3cret@");
    await assert.rejects(applyMigrations(url), (err: Error) => {
      assert.match(err.message, /wheelhouse_no_such_database/);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
  });
});

describe("prisma/migrations", () => {
  let diff: string | null = null;
  before(async () => {
    diff = await diffMigrationsToSchema({ databaseUrl: serverUrl });
  });
  it("match prisma/schema.prisma (else run: npm run db:new-migration -- <name>)", () => {
    assert.equal(diff, null, `schema changes without a migration:\n${diff}`);
  });
});
