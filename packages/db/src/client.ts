// The Prisma client, on node-postgres through Prisma 7's driver adapter.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { poolConfigFromUrl } from "./pg-config.ts";

/** The database handle apps receive. */
export type Db = PrismaClient;

/**
 * A client for `databaseUrl` (postgresql://user:pass@host:port/db?sslmode=…). Connections are
 * opened lazily, pooled, and closed by `db.$disconnect()`.
 */
export function createDb(databaseUrl: string): Db {
  return new PrismaClient({ adapter: new PrismaPg(poolConfigFromUrl(databaseUrl)) });
}
