import type { Db, Index } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "pino";
import type { Download } from "./download.ts";
import type { SingleFlight } from "./single-flight.ts";
import type { UpstreamHosts, UpstreamHttp, UpstreamTimeouts } from "./upstream-http.ts";

/** What an app hands its mirror object (createMirror). */
export interface MirrorDeps {
  db: Db;
  store: BlobStore;
  log: Logger;
  /** Overrides the default upstream timeouts (connect 10 s, headers 10 s, idle 30 s). */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
}

/**
 * What the mirror's operations run with: the app's deps and the state one mirror object owns.
 * The running work is keyed by database ids, unique in one database only: two registries in one
 * process each have their own mirror object, so they never join each other's work.
 */
export interface MirrorContext {
  db: Db;
  store: BlobStore;
  log: Logger;
  /** The keep-alive connections and timeouts to upstream. */
  http: UpstreamHttp;
  /** File fetches running (and just finished) in this process, by `indexId:fileId`. */
  downloads: Map<string, Download>;
  /** Page refreshes running, by index id and project name. */
  pageRefreshes: SingleFlight<{ projectId: number } | null>;
  /** Metadata look-ups running, by index and file id. */
  metadataLookups: SingleFlight<string | null>;
}

/** The Index row of a mirror index (kind "mirror", upstreamUrl set). */
export type MirrorIndexRow = Index;

/** The upstream Simple API root, always ending with `/`. Throws when the index has none. */
export function upstreamRoot(index: MirrorIndexRow): string {
  if (!index.upstreamUrl) throw new Error(`Index '${index.name}' has no upstream URL.`);
  return index.upstreamUrl.endsWith("/") ? index.upstreamUrl : `${index.upstreamUrl}/`;
}

/** Where this mirror may fetch pages and files from: its upstream's origin and its upstreamFileHosts. */
export function upstreamHosts(index: MirrorIndexRow): UpstreamHosts {
  return { origin: new URL(upstreamRoot(index)).origin, hosts: index.upstreamFileHosts.map((host) => host.toLowerCase()) };
}
