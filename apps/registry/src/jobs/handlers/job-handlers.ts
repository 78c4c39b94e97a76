// The handler for every job definition. The queues refuse to start without one for each
// (checkHandlers), so a new definition cannot ship without its handler.
import { checkHandlers, type JobHandlers } from "../queue/job-queue.ts";
import { runCleanup } from "./cleanup.ts";
import { runFileFetch } from "./file-fetch.ts";
import { runMetadataExtract } from "./metadata-extract.ts";
import { runMirrorSync } from "./mirror-sync.ts";
import type { JobDeps } from "./job-deps.ts";

export function createJobHandlers(deps: JobDeps): JobHandlers {
  const handlers: JobHandlers = {
    "mirror-sync": (payload, ctx) => runMirrorSync(deps, payload, ctx),
    "file-fetch": (payload, ctx) => runFileFetch(deps, payload, ctx),
    "metadata-extract": (payload, ctx) => runMetadataExtract(deps, payload, ctx),
    cleanup: (payload, ctx) => runCleanup(deps, payload, ctx),
  };
  checkHandlers(handlers);
  return handlers;
}
