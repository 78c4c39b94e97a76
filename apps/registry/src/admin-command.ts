// `npm run admin -- <command>`: the server-side admin tool. It talks to the database directly,
// with the same configuration as the server, so it works before any admin token exists.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { applyMigrations, createDb, startEmbeddedPostgres, type Db } from "@wheelhouse/db";
import { InvalidConfig, loadConfig } from "./config.ts";
import { createBlobStore, type BlobStore } from "@wheelhouse/storage";
import { AppError } from "./errors.ts";
import { collectGarbage } from "./services/collect-garbage.ts";
import { uploadTmpDir } from "./upload/staging-storage-engine.ts";
import { createIndex, describeIndex, updateIndex } from "./services/manage-indexes.ts";
import { createApiToken, createUser, listApiTokens, revokeApiToken } from "./services/manage-users.ts";

const USAGE = `usage: npm run admin -- <command> [options]

commands:
  create-user <username> [--password P] [--admin]     a generated password is printed when none is given
  create-token <username> --scope read|upload|admin [--index NAME] [--project NAME] [--description TEXT]
  list-tokens [--user USERNAME]
  revoke-token <prefix>
  create-index <name> [--private] [--admins-only]     --private: reads need credentials; --admins-only: only admins upload
  update-index <name> [--private | --public] [--admins-only | --any-user]
  list-indexes
  gc [--grace-seconds N]                              remove staged and unreferenced blobs older than N s (default 3600)`;

const OPTIONS = {
  password: { type: "string" },
  admin: { type: "boolean" },
  scope: { type: "string" },
  index: { type: "string" },
  project: { type: "string" },
  description: { type: "string" },
  user: { type: "string" },
  private: { type: "boolean" },
  public: { type: "boolean" },
  "admins-only": { type: "boolean" },
  "any-user": { type: "boolean" },
  "grace-seconds": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

class UsageError extends Error {}

function arg(positionals: string[], i: number, what: string): string {
  const value = positionals[i];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

async function run(db: Db, context: { store: BlobStore; dataDir: string }, command: string, positionals: string[], values: Values): Promise<unknown> {
  switch (command) {
    case "create-user": {
      const created = await createUser(db, null, { username: arg(positionals, 0, "<username>"), password: values.password, isAdmin: values.admin });
      return values.password ? { username: created.username } : created;
    }
    case "create-token": {
      const scope = values.scope;
      if (scope !== "read" && scope !== "upload" && scope !== "admin") throw new UsageError("--scope must be read, upload or admin");
      return createApiToken(db, null, { username: arg(positionals, 0, "<username>"), scope, index: values.index, project: values.project, description: values.description });
    }
    case "list-tokens":
      return listApiTokens(db, values.user);
    case "revoke-token":
      await revokeApiToken(db, null, arg(positionals, 0, "<prefix>"));
      return { revoked: positionals[0] };
    case "create-index":
      return describeIndex(
        await createIndex(db, null, arg(positionals, 0, "<name>"), { anonymousRead: !values.private, uploadPolicy: values["admins-only"] ? "admins" : "authenticated" }),
      );
    case "update-index": {
      const settings: { anonymousRead?: boolean; uploadPolicy?: "admins" | "authenticated" } = {};
      if (values.private) settings.anonymousRead = false;
      if (values.public) settings.anonymousRead = true;
      if (values["admins-only"]) settings.uploadPolicy = "admins";
      if (values["any-user"]) settings.uploadPolicy = "authenticated";
      return describeIndex(await updateIndex(db, null, arg(positionals, 0, "<name>"), settings));
    }
    case "list-indexes":
      return (await db.index.findMany({ orderBy: { name: "asc" } })).map(describeIndex);
    case "gc": {
      const grace = values["grace-seconds"] === undefined ? 3600 : Number(values["grace-seconds"]);
      if (!Number.isInteger(grace) || grace < 0) throw new UsageError("--grace-seconds must be a whole number of seconds");
      return collectGarbage({ db, store: context.store, uploadTmpDir: uploadTmpDir(context.dataDir) }, grace * 1000);
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...positionals] = parsed.positionals;
  if (!command || parsed.values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  let databaseUrl = config.databaseUrl;
  let embedded: { stop(): Promise<void> } | null = null;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres(join(config.dataDir, "postgres"), { shareRunning: true });
    embedded = pg;
    databaseUrl = pg.url;
  }
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  try {
    console.log(JSON.stringify(await run(db, { store: createBlobStore(config.storage), dataDir: config.dataDir }, command, positionals, parsed.values), null, 2));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof AppError) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.$disconnect();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof InvalidConfig ? `invalid configuration: ${err.message}` : `error: ${(err as Error)?.message ?? err}`);
    process.exit(1);
  },
);
