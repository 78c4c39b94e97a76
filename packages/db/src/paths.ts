// Where the repository's Prisma files live, resolved from this file rather than the cwd,
// so scripts and apps find them wherever they are started from.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the directory holding `prisma/`). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** prisma/schema.prisma */
export const schemaPath = join(repoRoot, "prisma", "schema.prisma");

/** prisma/migrations: Prisma's standard layout, one `<timestamp>_<name>/migration.sql` per migration. */
export const defaultMigrationsDir = join(repoRoot, "prisma", "migrations");
