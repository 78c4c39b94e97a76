import type { Db } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "pino";
import type { MirrorOps } from "../mirror/mirror-ops.ts";

/** What the job handlers need. */
export interface WorkerDeps {
  db: Db;
  store: BlobStore;
  log: Logger;
  /** The registry's DATA_DIR (upload temp files live under it; the cleanup job sweeps them). */
  dataDir: string;
  /** Defaults to @wheelhouse/mirror; tests pass a fake upstream. */
  mirror?: MirrorOps;
  fetch?: typeof fetch;
}
