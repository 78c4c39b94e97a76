// Every job the registry runs: its name, its payload schema and how many run at once.
// Handlers live apart (handlers/), so the registry can enqueue without loading them.
import { z } from "zod";

const id = z.number().int().positive();

export const jobDefinitions = {
  /** Refresh a mirror's selected project pages and queue the files it should hold. */
  "mirror-sync": {
    payload: z.object({ indexId: id, trigger: z.enum(["manual", "scheduled"]) }),
    concurrency: 1,
  },
  /** Fetch one mirrored file into storage, verified against upstream's sha256. */
  "file-fetch": {
    payload: z.object({ indexId: id, fileId: id, syncRunId: id.optional() }),
    concurrency: 8,
  },
  /** Make PEP 658 metadata available for a cached wheel that upstream served without it. */
  "metadata-extract": {
    payload: z.object({ indexId: id, fileId: id }),
    concurrency: 4,
  },
  /** The registry's garbage collection: staged uploads, unreferenced blobs, stale temp files. */
  cleanup: {
    payload: z.object({ graceSeconds: z.number().int().min(0) }),
    concurrency: 1,
  },
} as const;

export type JobDefinitions = typeof jobDefinitions;
export type JobName = keyof JobDefinitions;
export type PayloadOf<N extends JobName> = z.output<JobDefinitions[N]["payload"]>;

export const jobNames = Object.keys(jobDefinitions) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobDefinitions, name);
}

/** A payload that does not match its job's schema; the message names the field. */
export class InvalidJobPayload extends Error {
  override name = "InvalidJobPayload";
  constructor(
    readonly job: string,
    message: string,
  ) {
    super(`${job}: ${message}`);
  }
}

export function parsePayload<N extends JobName>(name: N, payload: unknown): PayloadOf<N> {
  const result = jobDefinitions[name].payload.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join(".") : "payload";
    throw new InvalidJobPayload(name, `${field}: ${issue.message}`);
  }
  return result.data as PayloadOf<N>;
}

// Deterministic job ids make enqueueing idempotent (BullMQ: no ':' in custom ids).
export const jobIds = {
  sync: (indexId: number) => `sync-${indexId}`,
  fetch: (fileId: number) => `fetch-${fileId}`,
  metadata: (fileId: number) => `metadata-${fileId}`,
  syncSchedule: (indexId: number) => `sync-schedule-${indexId}`,
  cleanupSchedule: () => "cleanup-schedule",
};
