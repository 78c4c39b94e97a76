// Applying prisma/migrations to a database, as `prisma migrate deploy` does, without the CLI.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import type { MigrationDirectory, MigrationList } from "@prisma/schema-engine-wasm";
import { defaultMigrationsDir, schemaPath } from "./paths.ts";
import { poolConfigFromUrl, redactUrl } from "./pg-config.ts";
import { engineError, withSchemaEngine } from "./schema-engine.ts";

export const migrationLockFile = "migration_lock.toml";

/**
 * Our own advisory lock key, taken on a separate session around the whole apply. (The engine
 * takes Prisma's lock, 72707369, inside; using the same key here would deadlock with it.)
 * Advisory locks are per database, so test databases on one server do not wait for each other.
 */
const MIGRATE_LOCK_KEY = 4_207_093_127;

/** Reads a migrations directory into the shape the schema engine expects. Missing dir: no migrations. */
export async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  let entries: string[];
  try {
    entries = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    entries = [];
  }
  const migrationDirectories: MigrationDirectory[] = [];
  for (const name of entries) {
    const path = "migration.sql";
    let content: MigrationDirectory["migrationFile"]["content"];
    try {
      content = { tag: "ok", value: await readFile(join(migrationsDir, name, path), "utf8") };
    } catch (err) {
      content = { tag: "error", value: (err as Error).message };
    }
    migrationDirectories.push({ path: name, migrationFile: { path, content } });
  }
  let lockContent: string | null = null;
  try {
    lockContent = await readFile(join(migrationsDir, migrationLockFile), "utf8");
  } catch {
    lockContent = null;
  }
  return {
    baseDir: migrationsDir,
    lockfile: { path: migrationLockFile, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** prisma/schema.prisma as engine datamodels, or none when the file is not shipped. */
export async function readDatamodels(path = schemaPath): Promise<[string, string][] | undefined> {
  try {
    return [[path, await readFile(path, "utf8")]];
  } catch {
    return undefined;
  }
}

export interface ApplyMigrationsOptions {
  /** Defaults to <repo>/prisma/migrations. */
  migrationsDir?: string;
  log?: (msg: string) => void;
}

/**
 * Applies every migration in `migrationsDir` that the database has not recorded in
 * `_prisma_migrations` (the table `prisma migrate deploy` uses, so the two interoperate).
 * Idempotent; concurrent callers against one database are serialised by an advisory lock.
 * Returns the names of the migrations this call applied.
 */
export async function applyMigrations(databaseUrl: string, opts: ApplyMigrationsOptions = {}): Promise<{ applied: string[] }> {
  const migrationsDir = opts.migrationsDir ?? defaultMigrationsDir;
  const log = opts.log;
  const migrationsList = await readMigrationsList(migrationsDir);
  const datamodels = await readDatamodels();

  const lockClient = new pg.Client(poolConfigFromUrl(databaseUrl));
  // A dropped connection releases the lock; report it rather than crash the process.
  lockClient.on("error", (err) => log?.(`migration lock connection error: ${err.message}`));
  try {
    await lockClient.connect();
  } catch (err) {
    throw new Error(`Cannot connect to ${redactUrl(databaseUrl)} to apply migrations: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    await lockClient.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_KEY]);
    const result = await withSchemaEngine(databaseUrl, { datamodels, log }, (engine) =>
      engine.applyMigrations({ migrationsList, filters: { externalTables: [], externalEnums: [] } }).catch((err: unknown) => {
        throw engineError(`Applying migrations from ${migrationsDir} failed`, err);
      }),
    );
    const applied = result.appliedMigrationNames;
    for (const name of applied) log?.(`applied migration ${name}`);
    return { applied };
  } finally {
    await lockClient.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_KEY]).catch(() => undefined);
    await lockClient.end().catch(() => undefined);
  }
}
