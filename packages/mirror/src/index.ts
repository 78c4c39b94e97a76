// @wheelhouse/mirror: the pull-through core of mirror indexes. Project pages are cached in the
// database with a TTL and revalidated upstream with ETags; files are fetched on first request,
// verified against upstream's sha256, stored, and served from storage from then on. An app makes
// one Mirror (it owns the running work and the connections) and closes it when it stops.
// selection/: what a sync keeps warm — the sync selection, and the closure walk (walkClosure) that
// a sync and every bundle export share (a mirror's over its pages, a hosted index's over its rows).
export { Mirror, type CachedFile } from "./mirror.ts";
export type { MirrorContext, MirrorDeps, MirrorIndexRow } from "./mirror-deps.ts";
export { upstreamHosts } from "./mirror-deps.ts";
export { MirrorFileNotFound, UpstreamHashMismatch, UpstreamRefused, UpstreamUnavailable } from "./errors.ts";
// The operations one by one, over a Mirror (what its methods call; the mirror's own tests use them).
export { ensureMirrorProject, NOT_FOUND_TTL_SECONDS } from "./ensure-mirror-project.ts";
export { cacheMirrorFile, openMirrorFile } from "./open-mirror-file.ts";
export { ensureMirrorMetadata } from "./ensure-mirror-metadata.ts";
export { isQuarantined } from "./quarantine.ts";
export { STAGING_PREFIX, storageKeyFor } from "./storage-key.ts";
export { DistributionHasher } from "./distribution-hasher.ts";
export type { Digests } from "./distribution-hasher.ts";
export type { UpstreamTimeouts } from "./upstream-http.ts";
export { refusedBecause } from "./upstream-http.ts";
export { syncSelectionSchema, parseSyncSelection, InvalidSyncSelection, type SyncSelection, type SyncSelectionInput } from "./selection/sync-selection.ts";
export {
  selectMirrorFiles,
  type FileRow,
  type MirrorPages,
  type MirrorSelection,
  type SelectOptions,
  type SelectionDeps,
} from "./selection/select-mirror-files.ts";
export type { UpstreamListing } from "./selection/upstream-listing.ts";
// The closure walk itself, for a walk over another source (a bundle export from a hosted index).
export {
  requiresDistIn,
  walkClosure,
  wantOf,
  type Choice,
  type ClosureSource,
  type Pin,
  type VersionRule,
  type Want,
  type WalkOptions,
  type WalkProject,
  type WalkRelease,
  type WalkReport,
} from "./selection/walk-closure.ts";
// The page parsers, for tools that read upstream pages without the database.
// (They live in @wheelhouse/simple-index, shared with the installer CLI.)
export { InvalidUpstreamPage, parseHtmlPage, parseJsonPage, parseProjectPage } from "@wheelhouse/simple-index";
export type { UpstreamFile, UpstreamPage } from "@wheelhouse/simple-index";
