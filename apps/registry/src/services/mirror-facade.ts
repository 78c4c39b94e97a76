// What the registry asks of the mirror (packages/mirror), as one small interface: routes and
// services depend on this, and server.ts plugs the real implementation in.
import type { Readable } from "node:stream";
import type { ByteRange } from "@wheelhouse/storage";
import type { NormalizedName } from "@wheelhouse/packaging";
import { ensureMirrorMetadata, ensureMirrorProject, isQuarantined, openMirrorFile, type MirrorDeps } from "@wheelhouse/mirror";
import type { IndexRow } from "./find-index.ts";

export interface MirrorFacade {
  /** Refresh (within TTL: nothing to do) and return the local project, or null when upstream has none. */
  ensureProject(index: IndexRow, name: NormalizedName): Promise<{ projectId: number } | null>;
  /** Bytes of a mirrored file, fetched from upstream on first use. */
  openFile(index: IndexRow, fileId: number, range?: ByteRange): Promise<{ stream: Readable; size: number }>;
  /** PEP 658 metadata of a mirrored file, fetched or extracted on first use; null when unavailable. */
  ensureMetadata(index: IndexRow, fileId: number): Promise<string | null>;
  /** Held back from installers by the index's quarantine? */
  isQuarantined(index: IndexRow, projectName: string, uploadedAt: Date | null, now?: Date): boolean;
}

/** The facade over packages/mirror, bound to this registry's database, storage and log. */
export function createMirrorFacade(deps: MirrorDeps): MirrorFacade {
  return {
    ensureProject: (index, name) => ensureMirrorProject(deps, index, name),
    openFile: (index, fileId, range) => openMirrorFile(deps, index, fileId, range),
    ensureMetadata: (index, fileId) => ensureMirrorMetadata(deps, index, fileId),
    isQuarantined: (index, projectName, uploadedAt, now) => isQuarantined(index, projectName, uploadedAt, now),
  };
}
