// Builds the real parts from configuration and starts the HTTP server. The same code runs
// the embedded default (embedded PostgreSQL, filesystem storage) and production (DATABASE_URL, S3).
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { applyMigrations, createDb, startEmbeddedPostgres, redactUrl, type Db } from "@wheelhouse/db";
import { Mirror } from "@wheelhouse/mirror";
import { createBlobStore, type BlobStore } from "@wheelhouse/storage";
import { join } from "node:path";
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { continueWhenBodyRead } from "./http/expect-continue.ts";
import { closeWhenBodyUnread, guardBodyRate } from "./http/slow-body-guard.ts";
import { createJobQueue, scheduleCleanup, startJobHandlers, syncMirrorSchedules } from "./jobs/index.ts";
import { createLogger, type Logger } from "./logger.ts";
import { ensureDefaults } from "./services/ensure-defaults.ts";
import { PageCache } from "./services/render-project-page.ts";
import { AdvisoryCache } from "./services/advisory-cache.ts";
import { CredentialVerifier } from "./services/verify-credentials.ts";

export interface RunningRegistry {
  url: string;
  db: Db;
  store: BlobStore;
  log: Logger;
  server: Server;
  /** Set on the first start that generated the admin password (printed once by main.ts). */
  generatedAdminPassword: string | null;
  close(): Promise<void>;
}

export async function startRegistry(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningRegistry> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres(join(config.dataDir, "postgres"), { log: (m) => log.debug(m) });
      closers.unshift(() => embedded.stop());
      databaseUrl = embedded.url;
      log.info({ database: redactUrl(databaseUrl) }, "embedded PostgreSQL started");
    }
    const migrations = await applyMigrations(databaseUrl, { log: (m) => log.debug(m) });
    if (migrations.applied.length > 0) log.info({ applied: migrations.applied }, "database migrations applied");
    const db = createDb(databaseUrl);
    closers.unshift(() => db.$disconnect());

    const store = createBlobStore(config.storage);
    await store.ensureReady();
    const { generatedAdminPassword } = await ensureDefaults(db, { defaultIndex: config.defaultIndex, adminPassword: config.adminPassword });

    // One mirror object for the routes and the in-process jobs: a client's request and a sync
    // share one fetch of a file. Closed after the queue (jobs may still be using it).
    const mirror = new Mirror({ db, store, log });
    closers.unshift(() => mirror.close());
    // Jobs (mirror sync, file fetch, metadata, clean-up): BullMQ when REDIS_URL is set, with the
    // handlers in `npm run worker`; otherwise the same handlers run here, in-process.
    const queue = createJobQueue(config, { log });
    closers.unshift(() => queue.close());
    if (queue.kind === "in-process") {
      await startJobHandlers(queue, { db, store, log, dataDir: config.dataDir, mirror });
      await syncMirrorSchedules(queue, db);
      await scheduleCleanup(queue);
    }
    const app = createApp({
      db,
      store,
      log,
      config,
      mirror,
      queue,
      credentials: new CredentialVerifier(db),
      pages: new PageCache(),
      advisories: new AdvisoryCache(),
    });
    const limits = config.http;
    const server = createServer(
      {
        // Slow headers get a 408 and slow requests overall too (node's own timers); a slow body is
        // held to a minimum rate by guardBodyRate, so a large upload at a sane rate still succeeds.
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        // How often node looks for requests past those timeouts (its default is 30 s).
        connectionsCheckingInterval: Math.min(1000, Math.max(100, limits.headersTimeoutMs / 4)),
      },
      app,
    );
    // Before the app's own listener, which may answer at once.
    server.prependListener("request", (req, res) => {
      guardBodyRate(req, res, limits, log);
      closeWhenBodyUnread(req, res);
    });
    // Expect: 100-continue is answered only once a route starts reading the body: after its checks.
    server.on("checkContinue", (req, res) => {
      continueWhenBodyRead(req, res);
      server.emit("request", req, res);
    });
    // A connection that goes silent (client killed, NAT dropped) is closed after two minutes,
    // which aborts its upload and lets the staging clean-up run.
    server.timeout = 120_000;
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    closers.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    log.info({ url, storage: store.kind }, "listening");
    return { url, db, store, log, server, generatedAdminPassword, close: () => runAll(closers) };
  } catch (err) {
    await runAll(closers);
    throw err;
  }
}

async function runAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.splice(0)) await close().catch(() => {});
}
