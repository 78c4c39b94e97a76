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

/** One file of a bundle, staged (verified against the manifest) and about to enter an index. */
export interface BundleFileToCheck {
  filename: string;
  /** The project and release the manifest files it under. */
  projectName: string;
  version: string;
  packageType: string;
  pythonVersion: string;
  /** The staged bytes in the blob store. */
  stagedKey: string;
}

/**
 * The registry's own checks of a distribution file, the same an upload runs (filename against
 * project and version, archive safety, core metadata), injected so that this package never
 * imports an app. Resolves to null when the file may enter, else to one sentence saying why not;
 * rejects only for failures of its own (storage).
 */
export type CheckBundleFile = (file: BundleFileToCheck) => Promise<string | null>;
