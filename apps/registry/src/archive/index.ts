/**
 * Inspection of an uploaded distribution file before it becomes visible:
 * the archive must be well-formed and safe to unpack, and its core metadata
 * is returned for the caller to parse. Every rejection is an
 * InvalidDistribution whose message is one sentence for the uploader.
 */
import type { InspectedDistribution } from "./inspected-distribution.ts";
import { InvalidDistribution } from "./invalid-distribution.ts";
import { resolveLimits, type ArchiveLimits } from "./limits.ts";
import { inspectTarGzSdist } from "./sdist-tar.ts";
import { inspectZipSdist } from "./sdist-zip.ts";
import { inspectWheel } from "./wheel.ts";

export { InvalidDistribution } from "./invalid-distribution.ts";
export { DEFAULT_ARCHIVE_LIMITS, COMPRESSION_RATIO_FLOOR_BYTES } from "./limits.ts";
export type { ArchiveLimits } from "./limits.ts";
export type { InspectedDistribution } from "./inspected-distribution.ts";

/**
 * Validates the archive at `path` (a local temp file) and returns its core
 * metadata. `filename` is the client's filename, already checked by the
 * upload route; its extension decides the format (PEP 527: .whl, .tar.gz and
 * .zip only) and, for wheels, which `.dist-info` directory to expect.
 */
export async function inspectDistribution(path: string, filename: string, limits?: Partial<ArchiveLimits>): Promise<InspectedDistribution> {
  const resolved = resolveLimits(limits);
  if (filename.endsWith(".whl")) return inspectWheel(path, filename, resolved);
  if (filename.endsWith(".tar.gz")) return inspectTarGzSdist(path, resolved);
  if (filename.endsWith(".zip")) return inspectZipSdist(path, resolved);
  throw new InvalidDistribution("Invalid file extension: use .whl, .tar.gz or .zip.");
}
