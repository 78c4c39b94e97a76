// The mirror object: one per app (the registry and its job handlers share it). It owns what
// running work needs in memory — the single-flight maps of page refreshes, file fetches and
// metadata look-ups, and the keep-alive connections to upstream — so two registries in one
// process never join each other's work; close() releases the connections.
import type { Readable } from "node:stream";
import type { File } from "@wheelhouse/db";
import type { NormalizedName } from "@wheelhouse/packaging";
import type { ByteRange } from "@wheelhouse/storage";
import type { Download } from "./download.ts";
import { ensureMirrorMetadata } from "./ensure-mirror-metadata.ts";
import { ensureMirrorProject } from "./ensure-mirror-project.ts";
import type { MirrorContext, MirrorDeps, MirrorIndexRow } from "./mirror-deps.ts";
import { cacheMirrorFile, openMirrorFile } from "./open-mirror-file.ts";
import { isQuarantined } from "./quarantine.ts";
import { fetchUpstreamListing, type UpstreamListing } from "./selection/upstream-listing.ts";
import { SingleFlight } from "./single-flight.ts";
import { resolveTimeouts, UpstreamHttp } from "./upstream-http.ts";

/** A mirrored file in storage: its row, and whether this call fetched it. */
export interface CachedFile {
  file: File;
  outcome: "cached" | "already-cached";
}

export class Mirror implements MirrorContext {
  readonly db: MirrorDeps["db"];
  readonly store: MirrorDeps["store"];
  readonly log: MirrorDeps["log"];
  readonly http: UpstreamHttp;
  readonly downloads = new Map<string, Download>();
  readonly pageRefreshes = new SingleFlight<{ projectId: number } | null>();
  readonly metadataLookups = new SingleFlight<string | null>();

  constructor(deps: MirrorDeps) {
    this.db = deps.db;
    this.store = deps.store;
    this.log = deps.log;
    this.http = new UpstreamHttp(resolveTimeouts(deps.upstreamTimeouts));
  }

  /** Refresh a project page (within its TTL, or with `force`) and return the project, or null when upstream has none. */
  ensureProject(index: MirrorIndexRow, name: NormalizedName, opts?: { force?: boolean }): Promise<{ projectId: number } | null> {
    return ensureMirrorProject(this, index, name, opts);
  }

  /** Bytes of a mirrored file, fetched from upstream (and stored, verified) on first use. */
  openFile(index: MirrorIndexRow, fileId: number, range?: ByteRange): Promise<{ stream: Readable; size: number }> {
    return openMirrorFile(this, index, fileId, range);
  }

  /**
   * Fetches a mirrored file into storage (verified) unless it is there; returns its row, now with
   * size and sha256, and whether it was fetched. Throws UpstreamHashMismatch, MirrorFileNotFound, UpstreamUnavailable.
   */
  async cacheFile(index: MirrorIndexRow, fileId: number): Promise<CachedFile> {
    const outcome = await cacheMirrorFile(this, index, fileId);
    return { file: await this.db.file.findUniqueOrThrow({ where: { id: fileId } }), outcome };
  }

  /** PEP 658 metadata of a mirrored file, fetched or extracted on first use; null when there is none. */
  ensureMetadata(index: MirrorIndexRow, fileId: number): Promise<string | null> {
    return ensureMirrorMetadata(this, index, fileId);
  }

  /** Upstream's project names with their serials (the sync reads it to skip unchanged pages). */
  upstreamListing(index: MirrorIndexRow): Promise<UpstreamListing> {
    return fetchUpstreamListing(this.http, index);
  }

  /** Held back from installers by the index's quarantine? */
  isQuarantined(index: Parameters<typeof isQuarantined>[0], projectName: string, uploadedAt: Date | null, now?: Date): boolean {
    return isQuarantined(index, projectName, uploadedAt, now);
  }

  /** Releases the connections to upstream (running requests finish first). */
  close(): Promise<void> {
    return this.http.close();
  }
}
