/**
 * Where a distribution's bytes live in the BlobStore: sharded by content, plus the id of the
 * write that produced them (the staging id), so no two writers ever share a key and one's
 * clean-up can never remove another's bytes (hosted uploads and mirrored files alike).
 */
export function storageKeyFor(sha256: string, writerId: string, filename: string): string {
  return `files/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}/${writerId}/${filename}`;
}

/** Prefix of blobs being written and not yet committed; garbage collection removes old ones. */
export const STAGING_PREFIX = "incoming/";
