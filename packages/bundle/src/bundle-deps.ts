import type { Db } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "pino";

export type BundleLog = Logger;

export interface BundleDeps {
  db: Db;
  store: BlobStore;
  log: BundleLog;
}

export type IndexRow = NonNullable<Awaited<ReturnType<Db["index"]["findUnique"]>>>;
