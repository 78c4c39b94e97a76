// Prisma's schema engine (the code behind `prisma migrate`) as WebAssembly, driving Postgres
// through @prisma/adapter-pg. Unlike the CLI it needs no native engine binary, so migrations
// work offline and inside the app process.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { PoolConfig } from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import { poolConfigFromUrl, quoteIdent } from "./pg-config.ts";

export type { MigrationList, SchemaEngine };

let loaded: Promise<typeof bindings> | undefined;

/**
 * Instantiates the .wasm once per process. The package's own entry point imports the .wasm as
 * an ES module, which Node 20 cannot do without a flag; so we do by hand what it does.
 */
function loadBindings(): Promise<typeof bindings> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(join(dirname(bgPath), "schema_engine_bg.wasm"));
    // The engine arms timers (e.g. a 10 s advisory-lock timeout) and never clears them; unref
    // them so a process that is done migrating can exit.
    const imports: WebAssembly.ModuleImports = { ...(bindings as unknown as WebAssembly.ModuleImports) };
    for (const name of Object.keys(imports).filter((n) => n.startsWith("__wbg_setTimeout_"))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return loaded;
}

export interface SchemaEngineOptions {
  /** Prisma schema files as [path, content]; needed by commands that read the datamodel. */
  datamodels?: [string, string][];
  log?: (msg: string) => void;
}

/**
 * Runs `fn` with a schema engine connected to `databaseUrl`, then frees the engine and closes
 * its connections. A shadow database, when a command needs one, is created and dropped on the
 * same server by the adapter.
 */
export async function withSchemaEngine<T>(databaseUrl: string, opts: SchemaEngineOptions, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadBindings();
  const log = opts.log;
  const factory = new EnginePrismaPg(poolConfigFromUrl(databaseUrl));
  try {
    const engine = await SchemaEngine.new(
      { datamodels: opts.datamodels },
      (line: string) => log?.(formatEngineLog(line)),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } finally {
    // free() does not dispose the adapter; its pooled sessions would keep the engine's advisory
    // lock (Prisma's 72707369) until pg's idle timeout, stalling the next engine for 10 s.
    await factory.disposeAll();
  }
}

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * @prisma/adapter-pg 7.10 as the schema engine needs it. Three fixes over the stock factory:
 * - the engine's introspection selects Postgres `"char"` columns (OID 18, e.g. pg_class.relkind),
 *   which the adapter rejects as an unsupported type ("Column type 'char' could not be
 *   deserialized"); EngineClient reports them as text, which is what their values are;
 * - executeScript splits a script on every `;` (even inside strings) and runs the pieces one by
 *   one on any pooled connection; we send the script whole, in one simple-protocol query, so a
 *   migration applies in one implicit transaction, as with Prisma's native engine;
 * - connectToShadowDb drops the shadow database while its pool is still connected, which fails
 *   ("being accessed by other users") and leaves it behind; we close the pool first.
 */
class EnginePrismaPg extends PrismaPg {
  readonly #config: PoolConfig;

  constructor(config: PoolConfig) {
    const withClient = { ...config, Client: EngineClient };
    super(withClient);
    this.#config = withClient;
  }

  readonly #connected = new Set<PgAdapter>();

  override async connect(): Promise<PgAdapter> {
    const adapter = wholeScripts(await super.connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (this.#connected.delete(adapter)) await dispose();
    };
    this.#connected.add(adapter);
    return adapter;
  }

  /** Closes the connections of every adapter this factory handed out and that is still open. */
  async disposeAll(): Promise<void> {
    await Promise.all([...this.#connected].map((adapter) => adapter.dispose()));
  }

  override async connectToShadowDb(): Promise<PgAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await adminQuery(this.#config, `CREATE DATABASE ${quoteIdent(name)}`);
    const adapter = wholeScripts(await new PrismaPg({ ...this.#config, database: name }).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await adminQuery(this.#config, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    };
    return adapter;
  }
}

function wholeScripts(adapter: PgAdapter): PgAdapter {
  const pool = adapter.underlyingDriver();
  // onError turns a pg error into the DriverAdapterError the engine understands; not in the .d.ts.
  const onError = (adapter as unknown as { onError(err: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (err) {
      onError(err);
    }
  };
  return adapter;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function charAsText<R>(result: R): R {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

/** A pg.Client that reports `"char"` result columns as text; see EnginePrismaPg. */
class EngineClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query is overloaded; this override answers for all of them
  override query(...args: unknown[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (err: unknown, res: unknown) => (last as (e: unknown, r: unknown) => void)(err, res === undefined ? res : charAsText(res));
    }
    const ret: unknown = (super.query as (...a: unknown[]) => unknown)(...args);
    return ret instanceof Promise ? ret.then(charAsText) : ret;
  }
}

/** One statement on a short-lived connection (CREATE/DROP DATABASE cannot run in a transaction). */
async function adminQuery(config: PoolConfig, sql: string): Promise<void> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The engine logs JSON lines (tracing events); keep the message and fields readable. */
function formatEngineLog(line: string): string {
  try {
    const event = JSON.parse(line) as { level?: string; fields?: Record<string, unknown> };
    const { message, ...rest } = event.fields ?? {};
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
    return `schema-engine ${event.level ?? ""}: ${String(message ?? "")}${extra}`;
  } catch {
    return `schema-engine: ${line}`;
  }
}

/**
 * The error the engine rejects with is a plain object or an Error whose message is JSON; turn
 * it into an Error with the engine's user-facing message.
 */
export function engineError(context: string, err: unknown): Error {
  let message: string;
  if (err instanceof Error) message = err.message;
  else if (typeof err === "string") message = err;
  else message = JSON.stringify(err);
  return new Error(`${context}: ${message}`, { cause: err });
}
