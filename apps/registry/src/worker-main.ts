// `npm run worker`: the registry in its worker mode — the job handlers (BullMQ) in their own
// process, beside `npm start` (main.ts), as immich runs its microservices. Reads the registry's
// settings; needs REDIS_URL and DATABASE_URL (without Redis the registry runs the jobs itself).
import { createDb } from "@wheelhouse/db";
import { Mirror } from "@wheelhouse/mirror";
import { createBlobStore } from "@wheelhouse/storage";
import { type Config, InvalidConfig, loadConfig } from "./config.ts";
import { startJobHandlers } from "./jobs/index.ts";
import { BullMqJobQueue } from "./jobs/queue/bullmq-job-queue.ts";
import { scheduleCleanup, syncMirrorSchedules } from "./jobs/schedules.ts";
import { createLogger } from "./logger.ts";
import { stopOnSignals } from "./stop-on-signals.ts";

const RESCHEDULE_EVERY_MS = 60_000;
// Renewed every half period while a job runs; a killed worker's jobs run again within two periods.
const JOB_LOCK_MS = 15_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    if (!config.redisUrl) throw new InvalidConfig("REDIS_URL: required by the worker process (without it the registry runs the jobs in-process)");
    if (!config.databaseUrl) throw new InvalidConfig("DATABASE_URL: required by the worker process (the embedded PostgreSQL belongs to the registry)");
  } catch (err) {
    if (err instanceof InvalidConfig) {
      console.error(`wheelhouse worker: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl);
  const store = createBlobStore(config.storage);
  await store.ensureReady();
  const mirror = new Mirror({ db, store, log });
  const queue = new BullMqJobQueue({ connection: config.redisUrl, log, lockDurationMs: JOB_LOCK_MS });
  await startJobHandlers(queue, { db, store, log, dataDir: config.dataDir, mirror });
  await syncMirrorSchedules(queue, db);
  await scheduleCleanup(queue);
  // Interval changes made through the admin API are picked up within a minute.
  const timer = setInterval(() => {
    syncMirrorSchedules(queue, db).catch((err: unknown) => log.error({ err }, "worker: could not refresh the sync schedules"));
  }, RESCHEDULE_EVERY_MS);
  timer.unref();
  log.info({ storage: store.kind }, "worker started");
  process.stdout.write("Wheelhouse worker is running\n");

  stopOnSignals(log, "worker: shutting down (running jobs finish first)", async () => {
    clearInterval(timer);
    await queue.close();
    await mirror.close();
    await db.$disconnect();
  });
}

main().catch((err: unknown) => {
  console.error("wheelhouse worker: failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
