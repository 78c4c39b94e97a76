/**
 * Distribution filenames: wheels (PEP 427, PEP 491) and source distributions (PEP 625, plus
 * the legacy names PyPI still serves).
 */
import { canonicalizeName, isValidProjectName, type NormalizedName } from "./names.ts";
import { InvalidTag, type Tag, parseTag } from "./tags.ts";
import { type Version, tryParseVersion } from "./version.ts";

export class InvalidWheelFilename extends Error {
  override name = "InvalidWheelFilename";
  constructor(
    readonly filename: string,
    reason: string,
  ) {
    super(`Invalid wheel filename ${JSON.stringify(filename)}: ${reason}`);
  }
}

export class InvalidSdistFilename extends Error {
  override name = "InvalidSdistFilename";
  constructor(
    readonly filename: string,
    reason: string,
  ) {
    super(`Invalid sdist filename ${JSON.stringify(filename)}: ${reason}`);
  }
}

/** PEP 427: the optional build tag, as (leading number, rest), e.g. `1abc` → [1, "abc"]. */
export type BuildTag = [number, string];

export interface WheelFilename {
  name: NormalizedName;
  version: Version;
  build: BuildTag | null;
  tags: Tag[];
}

export type SdistExtension = ".tar.gz" | ".zip";

export interface SdistFilename {
  name: NormalizedName;
  version: Version;
  extension: SdistExtension;
}

// PEP 427: the name component escapes every run of non-alphanumerics as `_`; pip and
// pypa/packaging accept `.` too (older wheels) but never `-` and never `__`.
const WHEEL_NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/;
// PEP 427: the build tag must start with a digit.
const BUILD_RE = /^([0-9]+)([A-Za-z0-9_.]*)$/;

/**
 * Parses `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. Compressed tag sets
 * (`py2.py3-none-any`) expand to one Tag each. Throws InvalidWheelFilename with the reason.
 */
export function parseWheelFilename(filename: string): WheelFilename {
  const fail = (reason: string): never => {
    throw new InvalidWheelFilename(filename, reason);
  };
  if (!filename.endsWith(".whl")) fail('the extension must be ".whl"');
  if (/[/\\]/.test(filename)) fail("a filename may not contain a path separator");
  const parts = filename.slice(0, -".whl".length).split("-");
  // PEP 427: 5 parts, or 6 with a build tag.
  if (parts.length !== 5 && parts.length !== 6) {
    fail(`expected {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, found ${parts.length} dash-separated parts`);
  }
  const [namePart, versionPart] = parts as [string, string];
  if (!WHEEL_NAME_RE.test(namePart) || namePart.includes("__")) fail(`invalid project name ${JSON.stringify(namePart)}`);
  const version = tryParseVersion(versionPart);
  // A version with whitespace is never part of a filename.
  if (version === null || /\s/.test(versionPart)) return fail(`invalid version ${JSON.stringify(versionPart)}`);

  let build: BuildTag | null = null;
  if (parts.length === 6) {
    const buildPart = parts[2]!;
    const m = BUILD_RE.exec(buildPart);
    // PEP 427: the build tag must start with a digit.
    if (!m) return fail(`invalid build tag ${JSON.stringify(buildPart)}: it must start with a digit`);
    build = [Number(m[1]), m[2]!];
  }

  const tagText = parts.slice(-3).join("-");
  let tags: Tag[] = [];
  try {
    tags = parseTag(tagText);
  } catch (e) {
    if (e instanceof InvalidTag) fail(`invalid compatibility tag ${JSON.stringify(tagText)}`);
    throw e;
  }
  return { name: canonicalizeName(namePart), version, build, tags };
}

const SDIST_EXTENSIONS: readonly SdistExtension[] = [".tar.gz", ".zip"];
// Extensions PyPI no longer accepts for new uploads (PEP 527), named in the error.
const LEGACY_EXTENSIONS = [".tar.bz2", ".tar.xz", ".tar.Z", ".tgz", ".tbz", ".tar", ".egg", ".exe", ".msi", ".rpm", ".dmg", ".deb"];

export interface ParseSdistOptions {
  /**
   * The project the file belongs to, when known (as on upload): the split is then where the
   * prefix normalizes to this name, as warehouse and pip do, which settles names like
   * `foo-1.0-1.0.tar.gz` whose version could start at either dash.
   */
  project?: string;
}

/**
 * Parses `{name}-{version}.tar.gz` or `.zip`. PEP 625 names escape `-` as `_`; legacy names
 * may contain dashes (`python-dateutil-2.8.2.tar.gz`), so the split is at the last dash whose
 * tail is a valid version. Throws InvalidSdistFilename with the reason.
 */
export function parseSdistFilename(filename: string, options: ParseSdistOptions = {}): SdistFilename {
  const fail = (reason: string): never => {
    throw new InvalidSdistFilename(filename, reason);
  };
  if (/[/\\]/.test(filename)) fail("a filename may not contain a path separator");
  const extension = SDIST_EXTENSIONS.find((ext) => filename.endsWith(ext));
  if (!extension) {
    const legacy = LEGACY_EXTENSIONS.find((ext) => filename.toLowerCase().endsWith(ext.toLowerCase()));
    // PEP 527 / PEP 625: only .tar.gz and .zip source distributions are accepted.
    return fail(legacy ? `${legacy} is not an accepted sdist format; use .tar.gz or .zip` : 'the extension must be ".tar.gz" or ".zip"');
  }
  const stem = filename.slice(0, -extension.length);
  if (!stem.includes("-")) return fail("expected {name}-{version}, found no dash");

  const wanted = options.project === undefined ? null : canonicalizeName(options.project);
  // Candidate dash positions, last first: the version never contains a dash in PEP 625
  // names, but legacy versions may (`1.0-1` is an implicit post release).
  let badVersion: string | null = null;
  for (let i = stem.lastIndexOf("-"); i >= 0; i = i === 0 ? -1 : stem.lastIndexOf("-", i - 1)) {
    const namePart = stem.slice(0, i);
    const versionPart = stem.slice(i + 1);
    if (wanted !== null && canonicalizeName(namePart) !== wanted) continue;
    const version = /\s/.test(versionPart) ? null : tryParseVersion(versionPart);
    if (version === null) {
      badVersion ??= versionPart;
      continue;
    }
    if (!isValidProjectName(namePart)) return fail(`invalid project name ${JSON.stringify(namePart)}`);
    return { name: canonicalizeName(namePart), version, extension };
  }
  if (wanted !== null && badVersion === null) {
    return fail(`the name does not match the project ${JSON.stringify(options.project)}`);
  }
  return fail(`invalid version ${JSON.stringify(badVersion ?? stem.slice(stem.lastIndexOf("-") + 1))}`);
}

export type DistributionFilename = ({ kind: "wheel" } & WheelFilename) | ({ kind: "sdist" } & SdistFilename);

/** Parses a wheel or an sdist filename; throws InvalidWheelFilename / InvalidSdistFilename. */
export function parseDistributionFilename(filename: string, options: ParseSdistOptions = {}): DistributionFilename {
  if (filename.endsWith(".whl")) return { kind: "wheel", ...parseWheelFilename(filename) };
  return { kind: "sdist", ...parseSdistFilename(filename, options) };
}

export function isValidWheelFilename(filename: string): boolean {
  try {
    parseWheelFilename(filename);
    return true;
  } catch (e) {
    if (e instanceof InvalidWheelFilename) return false;
    throw e;
  }
}

export function isValidSdistFilename(filename: string): boolean {
  try {
    parseSdistFilename(filename);
    return true;
  } catch (e) {
    if (e instanceof InvalidSdistFilename) return false;
    throw e;
  }
}

/** Whether `filename` is an acceptable wheel or sdist name. */
export function isValidDistributionFilename(filename: string): boolean {
  return isValidWheelFilename(filename) || isValidSdistFilename(filename);
}
