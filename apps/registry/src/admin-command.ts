// `npm run admin -- <command>`: the server-side admin tool. It talks to the database directly,
// with the same configuration as the server, so it works before any admin token exists.
import { parseArgs } from "node:util";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { applyMigrations, createDb, startEmbeddedPostgres, type Db } from "@wheelhouse/db";
import { InvalidConfig, loadConfig } from "./config.ts";
import { createBlobStore, type BlobStore } from "@wheelhouse/storage";
import { AppError } from "./errors.ts";
import { collectGarbage } from "./services/collect-garbage.ts";
import { bundleFileCheck } from "./services/check-bundle-file.ts";
import { uploadTmpDir } from "./upload/staging-storage-engine.ts";
import { createIndex, describeIndex, updateIndex, type IndexSettings } from "./services/manage-indexes.ts";
import { deleteFile, deleteRelease } from "./services/delete-distributions.ts";
import { findIndexOrThrow } from "./services/find-index.ts";
import { listAuditEvents } from "./services/list-audit-events.ts";
import { setFileYanked, setReleaseYanked } from "./services/yank.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createApiToken, createUser, listApiTokens, revokeApiToken } from "./services/manage-users.ts";
import { exportBundle, importBundle } from "@wheelhouse/bundle";
import { SEVERITY_LEVELS } from "@wheelhouse/advisories";
import { ADVISORY_POLICIES } from "./services/advisory-policy.ts";
import { importAdvisories } from "./services/import-advisories.ts";
import { listAdvisories } from "./services/list-advisories.ts";

const USAGE = `usage: npm run admin -- <command> [options]

commands:
  create-user <username> [--password P] [--admin]     a generated password is printed when none is given
  create-token <username> --scope read|upload|admin [--index NAME] [--project NAME] [--description TEXT]
  list-tokens [--user USERNAME]
  revoke-token <prefix>
  create-index <name> [--kind hosted|mirror|group] [index options]
  update-index <name> [index options]
  list-indexes
    index options: --private | --public (reads need credentials or not), --admins-only | --any-user (who uploads),
      --advisory-policy off|warn|refuse (files with known vulnerabilities: served, served with a warning, or refused)
      --advisory-min-severity low|moderate|high|critical (the lowest severity the policy acts on; default high)
      mirror: --upstream URL [--upstream-user U --upstream-password P] [--ttl SECONDS] [--quarantine-days N]
              [--quarantine-exceptions a,b] [--sync-interval SECONDS]
              [--upstream-file-hosts host1,host2:port] (where its file URLs may point besides the upstream itself)
      group:  --members a,b,c (in order) [--upload-target HOSTED_MEMBER] [--pass-through name1,name2]
  yank <index> <project> <version> [--reason TEXT]    unyank <index> <project> <version>
  yank-file <index> <filename> [--reason TEXT]        unyank-file <index> <filename>
  delete-release <index> <project> <version>          delete-file <index> <filename>
  audit [--index NAME] [--project NAME] [--limit N]
  gc [--grace-seconds N]                              remove staged and unreferenced blobs older than N s (default 3600)
  export-bundle --index NAME (--project SPEC ... | --requirements FILE | --sync-selection) --out FILE
                                                      write an air-gap bundle (tar) of the chosen releases; SPEC: "name" or "name>=1.0";
                                                      --sync-selection: what a mirror index's own syncSelection picks
  import-bundle --index NAME FILE                     verify a bundle and make its files visible in a hosted or mirror index
  import-advisories <zip-or-dir>                      import OSV advisories (e.g. OSV's PyPI all.zip); all files are checked
                                                      first and one malformed file refuses the import; newer records replace older
  list-advisories [--project NAME] [--limit N]        advisories, the most recently modified first`;

const OPTIONS = {
  password: { type: "string" },
  admin: { type: "boolean" },
  scope: { type: "string" },
  index: { type: "string" },
  project: { type: "string", multiple: true },
  description: { type: "string" },
  user: { type: "string" },
  private: { type: "boolean" },
  public: { type: "boolean" },
  "admins-only": { type: "boolean" },
  "any-user": { type: "boolean" },
  "grace-seconds": { type: "string" },
  kind: { type: "string" },
  upstream: { type: "string" },
  "upstream-user": { type: "string" },
  "upstream-password": { type: "string" },
  "upstream-file-hosts": { type: "string" },
  ttl: { type: "string" },
  "quarantine-days": { type: "string" },
  "quarantine-exceptions": { type: "string" },
  "sync-interval": { type: "string" },
  members: { type: "string" },
  "upload-target": { type: "string" },
  "pass-through": { type: "string" },
  reason: { type: "string" },
  limit: { type: "string" },
  requirements: { type: "string" },
  "sync-selection": { type: "boolean" },
  out: { type: "string" },
  "advisory-policy": { type: "string" },
  "advisory-min-severity": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Writes made with this command are audited as the server's, not a user's. */
const SERVER_ACTOR = { id: 0, username: "(server command)" };

function list(text: string | undefined): string[] | undefined {
  return text === undefined
    ? undefined
    : text
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
}

function count(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag} must be a whole number`);
  return value;
}

/** `value` when it is one of `choices`; else a usage error listing them ("must be off, warn or refuse"). */
function oneOf<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be ${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`);
}

function indexSettings(values: Values): IndexSettings {
  const settings: IndexSettings = {
    upstreamUrl: values.upstream,
    upstreamUsername: values["upstream-user"],
    upstreamPassword: values["upstream-password"],
    upstreamFileHosts: list(values["upstream-file-hosts"]),
    pageTtlSeconds: count("ttl", values.ttl),
    quarantineDays: count("quarantine-days", values["quarantine-days"]),
    quarantineExceptions: list(values["quarantine-exceptions"]),
    syncIntervalSeconds: count("sync-interval", values["sync-interval"]),
    members: list(values.members),
    uploadTarget: values["upload-target"],
    passThroughNames: list(values["pass-through"]),
  };
  if (values.private) settings.anonymousRead = false;
  if (values.public) settings.anonymousRead = true;
  if (values["admins-only"]) settings.uploadPolicy = "admins";
  if (values["any-user"]) settings.uploadPolicy = "authenticated";
  const policy = values["advisory-policy"];
  if (policy !== undefined) settings.advisoryPolicy = oneOf("--advisory-policy", policy, ADVISORY_POLICIES);
  const severity = values["advisory-min-severity"];
  if (severity !== undefined) settings.advisoryMinSeverity = oneOf("--advisory-min-severity", severity, SEVERITY_LEVELS);
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as IndexSettings;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

class UsageError extends Error {}

function arg(positionals: string[], i: number, what: string): string {
  const value = positionals[i];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

async function run(
  db: Db,
  context: { store: BlobStore; dataDir: string; log: Logger },
  command: string,
  positionals: string[],
  values: Values,
): Promise<unknown> {
  switch (command) {
    case "create-user": {
      const created = await createUser(db, null, { username: arg(positionals, 0, "<username>"), password: values.password, isAdmin: values.admin });
      return values.password ? { username: created.username } : created;
    }
    case "create-token": {
      const scope = values.scope;
      if (scope !== "read" && scope !== "upload" && scope !== "admin") throw new UsageError("--scope must be read, upload or admin");
      return createApiToken(db, null, {
        username: arg(positionals, 0, "<username>"),
        scope,
        index: values.index,
        project: values.project?.at(-1),
        description: values.description,
      });
    }
    case "list-tokens":
      return listApiTokens(db, values.user);
    case "revoke-token":
      await revokeApiToken(db, null, arg(positionals, 0, "<prefix>"));
      return { revoked: positionals[0] };
    case "create-index": {
      const kind = values.kind ?? "hosted";
      if (kind !== "hosted" && kind !== "mirror" && kind !== "group") throw new UsageError("--kind must be hosted, mirror or group");
      return describeIndex(db, await createIndex(db, null, arg(positionals, 0, "<name>"), indexSettings(values), kind));
    }
    case "update-index":
      return describeIndex(db, await updateIndex(db, null, arg(positionals, 0, "<name>"), indexSettings(values)));
    case "list-indexes":
      return Promise.all((await db.index.findMany({ orderBy: { name: "asc" } })).map((index) => describeIndex(db, index)));
    case "yank":
    case "unyank": {
      const index = await findIndexOrThrow(db, arg(positionals, 0, "<index>"));
      await setReleaseYanked(db, SERVER_ACTOR, index, arg(positionals, 1, "<project>"), arg(positionals, 2, "<version>"), command === "yank", values.reason);
      return { [command]: positionals.slice(0, 3).join(" ") };
    }
    case "yank-file":
    case "unyank-file": {
      const index = await findIndexOrThrow(db, arg(positionals, 0, "<index>"));
      await setFileYanked(db, SERVER_ACTOR, index, arg(positionals, 1, "<filename>"), command === "yank-file", values.reason);
      return { [command]: positionals.slice(0, 2).join(" ") };
    }
    case "delete-release": {
      const index = await findIndexOrThrow(db, arg(positionals, 0, "<index>"));
      await deleteRelease(
        { db, store: context.store, log: context.log },
        SERVER_ACTOR,
        index,
        arg(positionals, 1, "<project>"),
        arg(positionals, 2, "<version>"),
      );
      return { deleted: positionals.slice(0, 3).join(" ") };
    }
    case "delete-file": {
      const index = await findIndexOrThrow(db, arg(positionals, 0, "<index>"));
      await deleteFile({ db, store: context.store, log: context.log }, SERVER_ACTOR, index, arg(positionals, 1, "<filename>"));
      return { deleted: positionals.slice(0, 2).join(" ") };
    }
    case "audit":
      return listAuditEvents(db, {
        index: values.index,
        project: values.project?.at(-1),
        limit: values.limit === undefined ? undefined : Number(values.limit),
      });
    case "gc": {
      const grace = values["grace-seconds"] === undefined ? 3600 : Number(values["grace-seconds"]);
      if (!Number.isInteger(grace) || grace < 0) throw new UsageError("--grace-seconds must be a whole number of seconds");
      return collectGarbage({ db, store: context.store, uploadTmpDir: uploadTmpDir(context.dataDir) }, grace * 1000);
    }
    case "export-bundle": {
      const index = values.index ?? "";
      if (!index || !values.out) throw new UsageError("export-bundle needs --index NAME and --out FILE");
      const syncSelection = values["sync-selection"] === true ? true : undefined;
      if ([values.project, values.requirements, syncSelection].filter((v) => v !== undefined).length !== 1) {
        throw new UsageError("export-bundle needs one of --project SPEC (repeatable), --requirements FILE or --sync-selection");
      }
      const requirementsText = values.requirements === undefined ? undefined : await readFile(values.requirements, "utf8");
      // Written beside the target and renamed when complete: a failed export leaves no file that looks whole.
      const partial = `${values.out}.partial`;
      const out = createWriteStream(partial);
      try {
        const summary = await exportBundle({ db, ...context }, { index, projects: values.project, requirementsText, syncSelection, out });
        await rename(partial, values.out);
        return { out: values.out, ...summary };
      } catch (err) {
        out.destroy();
        await rm(partial, { force: true });
        throw err;
      }
    }
    case "import-bundle": {
      const index = values.index ?? "";
      if (!index) throw new UsageError("import-bundle needs --index NAME");
      const input = createReadStream(arg(positionals, 0, "<file>"));
      try {
        return await importBundle({ db, ...context }, { index, input, actor: SERVER_ACTOR, checkFile: bundleFileCheck(context) });
      } finally {
        input.destroy();
      }
    }
    case "import-advisories":
      return importAdvisories({ db, log: context.log }, { path: arg(positionals, 0, "<zip-or-dir>"), actor: SERVER_ACTOR });
    case "list-advisories":
      return listAdvisories(db, { project: values.project?.at(-1), limit: count("limit", values.limit) });
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
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
    console.log(
      JSON.stringify(
        await run(
          db,
          { store: createBlobStore(config.storage), dataDir: config.dataDir, log: createLogger("warn", { toStderr: true }) },
          command,
          positionals,
          parsed.values,
        ),
        null,
        2,
      ),
    );
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
