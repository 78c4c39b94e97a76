import type { Db, Index } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import type { Logger } from "pino";
import type { UpstreamHosts, UpstreamTimeouts } from "./upstream-http.ts";

export interface MirrorDeps {
  db: Db;
  store: BlobStore;
  log: Logger;
  /** Overrides the default upstream timeouts (connect 10 s, headers 10 s, idle 30 s). */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
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
