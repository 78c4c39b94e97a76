// @wheelhouse/mirror: the pull-through core of mirror indexes. Project pages are cached in the
// database with a TTL and revalidated upstream with ETags; files are fetched on first request,
// verified against upstream's sha256, stored, and served from storage from then on.
export type { MirrorDeps, MirrorIndexRow } from "./mirror-deps.ts";
export { upstreamHosts } from "./mirror-deps.ts";
export { MirrorFileNotFound, UpstreamHashMismatch, UpstreamRefused, UpstreamUnavailable } from "./errors.ts";
export { ensureMirrorProject, NOT_FOUND_TTL_SECONDS } from "./ensure-mirror-project.ts";
export { cacheMirrorFile, openMirrorFile } from "./open-mirror-file.ts";
export { ensureMirrorMetadata } from "./ensure-mirror-metadata.ts";
export { isQuarantined } from "./quarantine.ts";
export { STAGING_PREFIX, storageKeyFor } from "./storage-key.ts";
export { DistributionHasher } from "./distribution-hasher.ts";
export type { Digests } from "./distribution-hasher.ts";
export type { UpstreamTimeouts } from "./upstream-http.ts";
export { refusedBecause } from "./upstream-http.ts";
// The page parsers, for tools that read upstream pages without the database.
// (They live in @wheelhouse/simple-index, shared with the installer CLI.)
export { InvalidUpstreamPage, parseHtmlPage, parseJsonPage, parseProjectPage } from "@wheelhouse/simple-index";
export type { UpstreamFile, UpstreamPage } from "@wheelhouse/simple-index";
