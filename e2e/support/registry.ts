// A real registry for a test file: its own PostgreSQL database, its own storage (a temp dir
// or an S3 server), listening on a free loopback port, in this process.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@wheelhouse/db/testing";
import { DEFAULT_HTTP_LIMITS, type Config, type HttpLimits } from "../../apps/registry/src/config.ts";
import { createLogger } from "../../apps/registry/src/logger.ts";
import { startRegistry as startServer, type RunningRegistry } from "../../apps/registry/src/server.ts";
import { createApiToken, createUser } from "../../apps/registry/src/services/manage-users.ts";
import { createIndex } from "../../apps/registry/src/services/manage-indexes.ts";
import { startS3Server } from "./s3-server.ts";

export interface TestRegistry {
  /** "http://127.0.0.1:<port>", no trailing slash. */
  url: string;
  /** `__token__` password with admin scope. */
  adminToken: string;
  /** Calls the admin JSON API with the admin token; throws on non-2xx with the body in the message. */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** Creates a user (password = a random string returned) and an API token for it. */
  createUser(
    username: string,
    token: { scope: "read" | "upload" | "admin"; index?: string; project?: string },
  ): Promise<{ username: string; password: string; token: string }>;
  createIndex(name: string, opts?: { anonymousRead?: boolean }): Promise<void>;
  /** The running parts, for tests that look behind the HTTP surface. */
  running: RunningRegistry;
  /** Its database, for a second process (the admin command) working on the same data. */
  databaseUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface TestRegistryOptions {
  storage?: "fs" | "s3";
  maxUploadBytes?: number;
  /** HTTP timeouts and minimum body rate, over the production defaults. */
  http?: Partial<HttpLimits>;
  defaultIndexAnonymousRead?: boolean;
}

export async function startRegistry(opts: TestRegistryOptions = {}): Promise<TestRegistry> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "wh-registry-"));
  const s3 = opts.storage === "s3" ? await startS3Server() : null;
  const config: Config = {
    host: "127.0.0.1",
    port: 0,
    dataDir,
    databaseUrl: database.url,
    storage: s3
      ? { driver: "s3", endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: "wheelhouse-test", region: "us-east-1" }
      : { driver: "fs", root: join(dataDir, "files") },
    adminPassword: randomBytes(12).toString("hex"),
    defaultIndex: "main",
    maxUploadBytes: opts.maxUploadBytes ?? 256 * 1024 * 1024,
    http: { ...DEFAULT_HTTP_LIMITS, ...opts.http },
    baseUrl: undefined,
    logLevel: "info",
  };
  const running = await startServer(config, createLogger(process.env.TEST_LOG_LEVEL ?? "silent"));
  const { db } = running;
  if (opts.defaultIndexAnonymousRead === false) await db.index.update({ where: { name: "main" }, data: { anonymousRead: false } });
  const adminToken = (await createApiToken(db, null, { username: "admin", scope: "admin" })).token;

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`__token__:${adminToken}`).toString("base64")}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  return {
    url: running.url,
    adminToken,
    admin,
    running,
    databaseUrl: database.url,
    dataDir,
    async createUser(username, token) {
      const { password } = await createUser(db, null, { username });
      const { token: text } = await createApiToken(db, null, { username, ...token });
      return { username, password, token: text };
    },
    async createIndex(name, indexOpts = {}) {
      await createIndex(db, null, name, indexOpts);
    },
    async stop() {
      await running.close();
      await database.drop();
      await s3?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
