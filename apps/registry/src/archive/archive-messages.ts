import { invalidFile, quote, type InvalidDistribution } from "./invalid-distribution.ts";
import { formatBytes, type ArchiveLimits } from "./limits.ts";

// Rejections shared by the zip and tar readers, so both formats say the same thing.

export function tooManyMembers(limits: ArchiveLimits): InvalidDistribution {
  return invalidFile(`the archive has more than ${limits.maxMembers} members.`);
}

export function tooLarge(limits: ArchiveLimits): InvalidDistribution {
  return invalidFile(`the archive expands to more than ${formatBytes(limits.maxUncompressedBytes)}.`);
}

export function archiveRatioTooHigh(limits: ArchiveLimits): InvalidDistribution {
  return invalidFile(`the archive has a compression ratio above ${limits.maxCompressionRatio}, which looks like a decompression bomb.`);
}

export function duplicateMember(name: string): InvalidDistribution {
  return invalidFile(`duplicate member name ${quote(name)}.`);
}

export function metadataTooLarge(path: string, limits: ArchiveLimits): InvalidDistribution {
  return invalidFile(`${path} is larger than ${formatBytes(limits.maxMetadataBytes)}.`);
}
