// What the registry asks of the mirror (packages/mirror), as one small interface: routes and
// services depend on this, and server.ts plugs the real implementation in.
import type { Readable } from "node:stream";
import type { ByteRange } from "@wheelhouse/storage";
import type { NormalizedName } from "@wheelhouse/packaging";
import type { File } from "@wheelhouse/db";
import { cacheMirrorFile, ensureMirrorMetadata, ensureMirrorProject, isQuarantined, openMirrorFile, type MirrorDeps } from "@wheelhouse/mirror";
import type { IndexRow } from "./find-index.ts";

export interface MirrorFacade {
  /** Refresh (within TTL: nothing to do) and return the local project, or null when upstream has none. */
  ensureProject(index: IndexRow, name: NormalizedName): Promise<{ projectId: number } | null>;
  /** Fetches a mirrored file into storage (verified) unless it is there; returns its row, now with size and sha256. */
  cacheFile(index: IndexRow, fileId: number): Promise<File>;
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
    cacheFile: async (index, fileId) => {
      await cacheMirrorFile(deps, index, fileId);
      return deps.db.file.findUniqueOrThrow({ where: { id: fileId } });
    },
    openFile: (index, fileId, range) => openMirrorFile(deps, index, fileId, range),
    ensureMetadata: (index, fileId) => ensureMirrorMetadata(deps, index, fileId),
    isQuarantined: (index, projectName, uploadedAt, now) => isQuarantined(index, projectName, uploadedAt, now),
  };
}
