import type { Db } from "@wheelhouse/db";
import type { Mirror } from "@wheelhouse/mirror";
import type { BlobStore } from "@wheelhouse/storage";
import type { Config } from "../config.ts";
import type { JobQueue } from "../jobs/index.ts";
import type { Logger } from "../logger.ts";
import type { AdvisoryCache } from "../services/advisory-cache.ts";
import type { PageCache } from "../services/render-project-page.ts";
import type { CredentialVerifier } from "../services/verify-credentials.ts";

/** What routes receive: services and settings, never drivers they would construct themselves. */
export interface AppDeps {
  db: Db;
  store: BlobStore;
  log: Logger;
  /** The pull-through mirror: one object per app, shared with the in-process jobs. */
  mirror: Mirror;
  /** Background jobs; in the embedded default they run in this process. */
  queue: JobQueue;
  config: Pick<Config, "defaultIndex" | "maxUploadBytes" | "baseUrl" | "dataDir">;
  /** Derived state, one per app: two registries in one process (tests, a mirror of a local upstream) never share it. */
  credentials: CredentialVerifier;
  pages: PageCache;
  /** Compiled advisory matchers per project name, checked against the advisory generation. */
  advisories: AdvisoryCache;
}

/** Path prefix when the registry is served under a sub-path (from WHEELHOUSE_BASE_URL). */
export function basePath(deps: AppDeps): string {
  return deps.config.baseUrl ? new URL(deps.config.baseUrl).pathname.replace(/\/+$/, "") : "";
}
