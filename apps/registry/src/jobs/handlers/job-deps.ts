import type { Db } from "@wheelhouse/db";
import type { Mirror, MirrorPages } from "@wheelhouse/mirror";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "pino";

/** What the job handlers need. */
export interface JobDeps {
  db: Db;
  store: BlobStore;
  log: Logger;
  /** The registry's DATA_DIR (upload temp files live under it; the cleanup job sweeps them). */
  dataDir: string;
  /** The app's one Mirror object (tests pass @wheelhouse/mirror/testing's FakeMirror). */
  mirror: MirrorPages & Pick<Mirror, "cacheFile">;
}
