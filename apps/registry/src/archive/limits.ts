const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Resource caps applied while inspecting an archive; all sizes are in bytes. */
export interface ArchiveLimits {
  /** Total uncompressed size across all members. */
  maxUncompressedBytes: number;
  /**
   * Uncompressed ÷ compressed, for the whole file. Only applied above
   * COMPRESSION_RATIO_FLOOR_BYTES, as PyPI does: real wheels carry members
   * that compress far better than 50× (onnx, music21, pysam, cmeel-boost),
   * and we never inflate a member beyond maxMetadataBytes anyway.
   */
  maxCompressionRatio: number;
  /** Number of members (files, directories, links). */
  maxMembers: number;
  /** Size of METADATA / PKG-INFO (and the WHEEL file). */
  maxMetadataBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  // The biggest legitimate wheels (CUDA builds) expand to a few GiB.
  maxUncompressedBytes: 8 * GiB,
  // PyPI rejects zips whose ratio exceeds 50 (warehouse COMPRESSION_RATIO_THRESHOLD).
  maxCompressionRatio: 50,
  maxMembers: 100_000,
  // Long READMEs end up in METADATA; a couple of MiB is generous.
  maxMetadataBytes: 2 * MiB,
});

/** Below this uncompressed size the ratio is not checked (warehouse COMPRESSION_RATIO_MIN_SIZE). */
export const COMPRESSION_RATIO_FLOOR_BYTES = 64 * MiB;

export function resolveLimits(overrides: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS };
  // Skip explicit `undefined`s so `{ maxMembers: undefined }` keeps the default.
  for (const key of Object.keys(limits) as (keyof ArchiveLimits)[]) {
    const value = overrides[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

/** True when `uncompressed` is big enough to be judged and its ratio is over the cap. */
export function exceedsRatio(uncompressed: number, compressed: number, limits: ArchiveLimits): boolean {
  return uncompressed > COMPRESSION_RATIO_FLOOR_BYTES && uncompressed / Math.max(compressed, 1) > limits.maxCompressionRatio;
}

/** "2 MiB", "8 GiB", "1500 bytes": for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", GiB],
    ["MiB", MiB],
    ["KiB", KiB],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
