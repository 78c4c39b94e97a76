import { InvalidWheelFile, parseWheelFile } from "@wheelhouse/packaging";
import { metadataTooLarge } from "./archive-messages.ts";
import type { InspectedDistribution } from "./inspected-distribution.ts";
import { InvalidDistribution, invalidFile } from "./invalid-distribution.ts";
import type { ArchiveLimits } from "./limits.ts";
import { decodeMetadataText } from "./metadata-text.ts";
import { withZipArchive, type ZipArchive } from "./zip-archive.ts";
import type { ZipMember } from "./zip-member.ts";

const DIST_INFO = ".dist-info";
// Checked in this order; PEP 427 requires all three.
const REQUIRED_FILES = ["WHEEL", "METADATA", "RECORD"] as const;

/** Inspects a wheel: zip rules, then the one .dist-info directory and its files. */
export async function inspectWheel(path: string, filename: string, limits: ArchiveLimits): Promise<InspectedDistribution> {
  const expectedDistInfo = `${wheelNameVersion(filename)}${DIST_INFO}`;
  return withZipArchive(path, limits, async (archive) => {
    const distInfo = findDistInfo(archive.members, expectedDistInfo);
    const files = new Map<string, ZipMember>();
    for (const member of archive.members) {
      const [top, file, ...rest] = member.segments;
      if (top === distInfo && file !== undefined && rest.length === 0 && !member.isDirectory) files.set(file, member);
    }
    for (const required of REQUIRED_FILES) {
      if (!files.has(required)) throw invalidFile(`the wheel has no ${distInfo}/${required}.`);
    }
    const wheelText = await readText(archive, files.get("WHEEL")!, `${distInfo}/WHEEL`, limits);
    checkWheelFile(wheelText, `${distInfo}/WHEEL`);
    const metadataText = await readText(archive, files.get("METADATA")!, `${distInfo}/METADATA`, limits);
    return { kind: "wheel", metadataText, wheelText };
  });
}

/**
 * `{name}-{version}` from `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`
 * (PEP 427). The upload route has parsed the filename already; this only
 * guards against being called with something else.
 */
function wheelNameVersion(filename: string): string {
  const parts = filename.slice(0, -".whl".length).split("-");
  if ((parts.length !== 5 && parts.length !== 6) || parts.some((part) => part === "")) {
    throw new InvalidDistribution("Invalid wheel filename: expected {name}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl.");
  }
  return `${parts[0]}-${parts[1]}`;
}

/**
 * Exactly one top-level `*.dist-info` directory, named after the filename's
 * name and version. Tools disagree on escaping (`Foo.Bar-1.0` vs
 * `foo_bar-1.0`), so both sides are compared canonicalized (PEP 503 style:
 * lowercase, runs of `-_.` folded), as pip does.
 */
function findDistInfo(members: readonly ZipMember[], expected: string): string {
  const found = new Set<string>();
  for (const member of members) {
    const [top] = member.segments;
    const isDirectory = member.segments.length > 1 || member.isDirectory;
    if (top !== undefined && isDirectory && top.endsWith(DIST_INFO)) found.add(top);
  }
  const [distInfo, ...others] = [...found].sort();
  if (distInfo === undefined) throw invalidFile(`the wheel has no ${expected} directory.`);
  if (others.length > 0) {
    throw invalidFile(`the wheel has more than one .dist-info directory (${[distInfo, ...others].join(", ")}).`);
  }
  if (canonical(distInfo) !== canonical(expected)) {
    throw invalidFile(`the wheel's ${distInfo} directory does not match the filename; expected ${expected}.`);
  }
  return distInfo;
}

function canonical(distInfo: string): string {
  return distInfo
    .slice(0, -DIST_INFO.length)
    .toLowerCase()
    .replace(/[-_.]+/g, "-");
}

/**
 * PEP 427: an installer must refuse a wheel whose Wheel-Version major is greater than the one it
 * knows (1), and 0.x never existed: upload rules (`strict`). `path` names the file in messages.
 */
function checkWheelFile(wheelText: string, path: string): void {
  try {
    parseWheelFile(wheelText, { strict: true });
  } catch (err) {
    if (!(err instanceof InvalidWheelFile)) throw err;
    switch (err.problem) {
      case "missing-version":
        throw invalidFile(`${path} has no Wheel-Version.`);
      case "invalid-version":
        throw invalidFile(`${path} has an invalid Wheel-Version ${JSON.stringify(err.value)}.`);
      case "unsupported-version":
        throw invalidFile(`Wheel-Version ${err.value} is not supported; only 1.x wheels are accepted.`);
    }
  }
}

async function readText(archive: ZipArchive, member: ZipMember, label: string, limits: ArchiveLimits): Promise<string> {
  const bytes = await archive.read(member, limits.maxMetadataBytes, () => metadataTooLarge(label, limits));
  return decodeMetadataText(bytes, label);
}
