import { metadataTooLarge } from "./archive-messages.ts";
import type { InspectedDistribution } from "./inspected-distribution.ts";
import type { ArchiveLimits } from "./limits.ts";
import { decodeMetadataText } from "./metadata-text.ts";
import { SdistLayout } from "./sdist-layout.ts";
import { withZipArchive } from "./zip-archive.ts";
import type { ZipMember } from "./zip-member.ts";

/** Inspects a .zip sdist: zip rules, one top-level directory, its PKG-INFO. */
export async function inspectZipSdist(path: string, limits: ArchiveLimits): Promise<InspectedDistribution> {
  return withZipArchive(path, limits, async (archive) => {
    const layout = new SdistLayout();
    for (const member of archive.members) layout.add(member.name, member.segments, member.isDirectory);
    let pkgInfo: ZipMember | undefined;
    for (const member of archive.members) {
      if (!member.isDirectory && layout.isPkgInfo(member.segments)) pkgInfo = member;
    }
    const found = layout.requirePkgInfo(pkgInfo);
    const label = layout.pkgInfoPath();
    const bytes = await archive.read(found, limits.maxMetadataBytes, () => metadataTooLarge(label, limits));
    return { kind: "sdist", metadataText: decodeMetadataText(bytes, label) };
  });
}
