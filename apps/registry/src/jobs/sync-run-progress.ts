// A SyncRun's counters. Each statement is a single atomic UPDATE, so file jobs running in
// parallel (in several worker processes) never lose an increment, and exactly one of them
// moves the run to "finished".
//
// States: running (selecting pages, queueing files) → fetching (every file job queued) →
// finished (each queued file done or failed for good) | failed (the sync itself failed).
import type { Db } from "@wheelhouse/db";

export type SyncFailure =
  | { kind: "selection"; problem: string }
  | { kind: "file"; fileId: number; filename: string | null; error: string }
  | { kind: "sync"; error: string };

export async function recordFileDone(db: Db, syncRunId: number, bytes: bigint): Promise<void> {
  await db.$executeRaw`UPDATE "SyncRun" SET "filesDone" = "filesDone" + 1, "bytesDone" = "bytesDone" + ${bytes} WHERE "id" = ${syncRunId}`;
  await finishIfDone(db, syncRunId);
}

export async function recordFileFailure(db: Db, syncRunId: number, failure: Extract<SyncFailure, { kind: "file" }>): Promise<void> {
  await db.$executeRaw`UPDATE "SyncRun" SET "failures" = "failures" || ${JSON.stringify([failure])}::jsonb WHERE "id" = ${syncRunId}`;
  await finishIfDone(db, syncRunId);
}

/** Moves a fetching run whose file jobs are all accounted for to "finished". Idempotent. */
export async function finishIfDone(db: Db, syncRunId: number): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE "SyncRun" SET "state" = 'finished', "finishedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "id" = ${syncRunId} AND "state" = 'fetching'
      AND "filesDone" + (SELECT count(*) FROM jsonb_array_elements("failures") f WHERE f->>'kind' = 'file') >= "filesQueued"`;
  return n > 0;
}

/** A SyncRun as the admin API shows it (bytes as a number). */
export function describeSyncRun(run: {
  id: number;
  indexId: number;
  trigger: string;
  state: string;
  startedAt: Date;
  finishedAt: Date | null;
  projects: number;
  filesQueued: number;
  filesDone: number;
  bytesDone: bigint;
  failures: unknown;
}) {
  return { ...run, bytesDone: Number(run.bytesDone), failures: (run.failures ?? []) as SyncFailure[] };
}
