// `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that brings the existing migrations up to prisma/schema.prisma.
// DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) names a server where a
// temporary shadow database may be created and dropped; its own data is not touched.
import { relative } from "node:path";
import { createMigration } from "./create-migration.ts";
import { defaultMigrationsDir, repoRoot } from "./paths.ts";

const usage = "usage: npm run db:new-migration -- <name>   (e.g. add_upload_log)";

async function main(args: string[]): Promise<number> {
  const positional = args.filter((a) => !a.startsWith("-"));
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    return 0;
  }
  const [name] = positional;
  if (name === undefined || positional.length > 1) {
    console.error(usage);
    return 2;
  }
  const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const verbose = args.includes("--verbose");
  const dirName = await createMigration({
    name,
    databaseUrl,
    log: verbose ? (m) => console.error(m) : undefined,
  });
  if (dirName === null) {
    console.log("prisma/schema.prisma matches prisma/migrations: no migration needed.");
    return 0;
  }
  console.log(`Wrote ${relative(repoRoot, defaultMigrationsDir)}/${dirName}/migration.sql — review it, then commit it.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
