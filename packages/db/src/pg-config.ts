// Connection strings → node-postgres configs.
import type { PoolConfig } from "pg";
import { parseIntoClientConfig } from "pg-connection-string";

/**
 * Parses a postgresql:// URL into discrete pg settings. We never hand pg a `connectionString`
 * together with overrides: pg lets the connection string win, so `{connectionString, database}`
 * would silently connect to the URL's database (this bites @prisma/adapter-pg's shadow database).
 */
export function poolConfigFromUrl(databaseUrl: string): PoolConfig {
  const config = parseIntoClientConfig(databaseUrl) as PoolConfig;
  delete (config as { connectionString?: string }).connectionString;
  return config;
}

/** The same server as `databaseUrl`, another database. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The database named in `databaseUrl`. */
export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  if (name === "") throw new Error(`The database URL names no database: ${redactUrl(databaseUrl)}`);
  return name;
}

/** `databaseUrl` without its password, for messages and logs. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return "<unparseable database URL>";
  }
}

/** Double-quotes a Postgres identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
