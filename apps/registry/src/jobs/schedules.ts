// Periodic work from the database: each mirror's sync (Index.syncIntervalSeconds), and GC.
import type { Db } from "@wheelhouse/db";
import { jobIds } from "./definitions.ts";
import type { JobQueue } from "./queue/job-queue.ts";

const SYNC_PREFIX = jobIds.syncSchedule(0).replace(/0$/, "");

/**
 * Makes the queue's sync schedules match the mirror indexes: one per mirror with an interval,
 * none for the others. Call at start and whenever an index's interval changes (idempotent).
 */
export async function syncMirrorSchedules(queue: JobQueue, db: Db): Promise<{ scheduled: number; removed: number }> {
  const mirrors = await db.index.findMany({
    where: { kind: "mirror", syncIntervalSeconds: { not: null, gt: 0 } },
    select: { id: true, syncIntervalSeconds: true },
  });
  const wanted = new Set<string>();
  for (const m of mirrors) {
    const id = jobIds.syncSchedule(m.id);
    wanted.add(id);
    await queue.schedule("mirror-sync", { indexId: m.id, trigger: "scheduled" }, m.syncIntervalSeconds! * 1000, id);
  }
  let removed = 0;
  for (const id of await queue.scheduleIds()) {
    if (id.startsWith(SYNC_PREFIX) && !wanted.has(id)) {
      await queue.unschedule(id);
      removed++;
    }
  }
  return { scheduled: mirrors.length, removed };
}

/** The cleanup job every `everySeconds` (GC of what only a crash leaves behind; one hour of grace). */
export async function scheduleCleanup(queue: JobQueue, everySeconds = 6 * 3600, graceSeconds = 3600): Promise<void> {
  await queue.schedule("cleanup", { graceSeconds }, everySeconds * 1000, jobIds.cleanupSchedule());
}
