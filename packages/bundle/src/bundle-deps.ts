import type { Db } from "@wheelhouse/db";
import type { Mirror } from "@wheelhouse/mirror";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "pino";

export type BundleLog = Logger;

export interface BundleDeps {
  db: Db;
  store: BlobStore;
  log: BundleLog;
  /**
   * The app's Mirror, for exports from mirror indexes (the selection walk refreshes pages, and
   * files not cached yet are fetched). Without one, an export of a mirror index makes its own
   * for the export and closes it after.
   */
  mirror?: Mirror;
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

/** What the registry read from an accepted file itself: what an upload of it would store. */
export interface BundleFileRead {
  coreMetadata: string;
  requiresPython: string | null;
  /** The release's fields as an upload of this file would create them (summary, JSON API `info`). */
  release: { summary: string | null; info: Record<string, unknown> };
}

/** What the check found: what the file itself says, or one sentence saying why it may not enter. */
export type BundleFileVerdict = { refusal: string } | BundleFileRead;

/**
 * The registry's own checks of a distribution file, the same an upload runs (filename against
 * project and version, archive safety, core metadata), injected so that this package never
 * imports an app. On acceptance it hands back the METADATA read from the file itself: that is
 * what the index serves as `.metadata` (PEP 658), never the manifest's copy, which a crafted
 * bundle could make differ from the wheel (pip 26.2 refuses such a pair). Rejects only for
 * failures of its own (storage).
 */
export type CheckBundleFile = (file: BundleFileToCheck) => Promise<BundleFileVerdict>;
