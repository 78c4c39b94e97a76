import type { Db } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";

/** What routes receive: services and settings, never drivers they would construct themselves. */
export interface AppDeps {
  db: Db;
  store: BlobStore;
  log: Logger;
  config: Pick<Config, "defaultIndex" | "maxUploadBytes" | "baseUrl" | "dataDir">;
}

/** Path prefix when the registry is served under a sub-path (from WHEELHOUSE_BASE_URL). */
export function basePath(deps: AppDeps): string {
  return deps.config.baseUrl ? new URL(deps.config.baseUrl).pathname.replace(/\/+$/, "") : "";
}
