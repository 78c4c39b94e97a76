// PyPI's JSON API (`/pypi/<project>/json`, `/pypi/<project>/<version>/json`),
// in the shape warehouse's `legacy/api/json.py` serves and its docs show:
// keys in code-point order at every level, deprecated keys kept with their
// fixed values (downloads -1, has_sig false, bugtrack_url null).

import type { JsonApiFile, JsonApiRelease, JsonApiVulnerability } from "./types.ts";
import { formatLegacyUploadTime, formatUploadTime } from "./upload-time.ts";

/** One entry of `urls` / `releases[version]`. */
export interface JsonApiFileObject {
  comment_text: string;
  "core-metadata": false | { sha256: string };
  digests: { blake2b_256: string | null; md5: string | null; sha256: string | null };
  downloads: -1;
  filename: string;
  has_sig: false;
  md5_digest: string | null;
  packagetype: "bdist_wheel" | "sdist";
  python_version: string;
  requires_python: string | null;
  /** null: unknown (a mirrored file not fetched yet whose upstream page gave none). */
  size: number | null;
  upload_time: string | null;
  upload_time_iso_8601: string | null;
  url: string;
  yanked: boolean;
  yanked_reason: string | null;
}

/** The body of `/pypi/<project>/<version>/json`; the project endpoint adds `releases`. */
export interface JsonApiResponse {
  info: Record<string, unknown>;
  last_serial: number;
  releases?: Record<string, JsonApiFileObject[]>;
  urls: JsonApiFileObject[];
  vulnerabilities: JsonApiVulnerabilityObject[];
}

/** One entry of `vulnerabilities` (warehouse's keys, in code-point order). */
export interface JsonApiVulnerabilityObject {
  aliases: string[];
  details: string;
  fixed_in: string[];
  id: string;
  link: string;
  source: string;
  summary: string;
  /** `yyyy-mm-ddThh:mm:ssZ`, or null. */
  withdrawn: string | null;
}

/**
 * `/pypi/<project>/json`: `info` and `urls` of `latestVersion`, and every
 * release's files under `releases`, keyed in the order `releases` is given
 * (note that JS puts integer-like keys such as "2024" first; JSON clients
 * treat `releases` as a map).
 */
export function renderProjectJson(input: {
  displayName: string;
  releases: JsonApiRelease[];
  latestVersion: string;
  lastSerial: number;
  baseUrl: string;
  /** The advisories affecting `latestVersion` (PyPI lists the shown release's only). */
  vulnerabilities?: JsonApiVulnerability[];
}): JsonApiResponse {
  const latest = input.releases.find((release) => release.version === input.latestVersion);
  if (latest === undefined) {
    throw new Error(`latestVersion ${input.latestVersion} is not among the releases of ${input.displayName}`);
  }
  const releases: Record<string, JsonApiFileObject[]> = {};
  for (const release of input.releases) releases[release.version] = release.files.map((f) => fileObject(f, release));
  return {
    info: infoObject(input.displayName, latest, input.baseUrl),
    last_serial: input.lastSerial,
    releases,
    urls: releases[latest.version]!,
    vulnerabilities: (input.vulnerabilities ?? []).map(vulnerabilityObject),
  };
}

/** `/pypi/<project>/<version>/json`: like the project endpoint, without `releases` (as PyPI since 2023). */
export function renderReleaseJson(input: {
  displayName: string;
  release: JsonApiRelease;
  lastSerial: number;
  baseUrl: string;
  /** The advisories affecting the release. */
  vulnerabilities?: JsonApiVulnerability[];
}): JsonApiResponse {
  return {
    info: infoObject(input.displayName, input.release, input.baseUrl),
    last_serial: input.lastSerial,
    urls: input.release.files.map((f) => fileObject(f, input.release)),
    vulnerabilities: (input.vulnerabilities ?? []).map(vulnerabilityObject),
  };
}

/** Metadata keys PyPI always sends, null when the release has no value. */
const INFO_DEFAULTS: Readonly<Record<string, unknown>> = {
  author: null,
  author_email: null,
  classifiers: [],
  description: null,
  description_content_type: null,
  docs_url: null,
  download_url: null,
  dynamic: null,
  home_page: null,
  keywords: null,
  license: null,
  license_expression: null,
  license_files: null,
  maintainer: null,
  maintainer_email: null,
  platform: null,
  project_urls: null,
  provides_extra: null,
  requires_dist: null,
  requires_python: null,
  summary: null,
};

/** Warehouse sends these as null rather than an empty list or map. */
const EMPTY_AS_NULL = ["dynamic", "project_urls", "provides_extra", "requires_dist"] as const;

function infoObject(displayName: string, release: JsonApiRelease, baseUrl: string): Record<string, unknown> {
  const projectUrl = `${baseUrl.replace(/\/+$/, "")}/project/${pathSegment(displayName)}/`;
  const merged: Record<string, unknown> = { ...INFO_DEFAULTS };
  for (const [key, value] of Object.entries(release.info)) if (value !== undefined) merged[key] = value;
  for (const key of EMPTY_AS_NULL) if (isEmpty(merged[key])) merged[key] = null;
  Object.assign(merged, {
    bugtrack_url: null,
    downloads: { last_day: -1, last_month: -1, last_week: -1 },
    name: displayName,
    package_url: projectUrl,
    project_url: projectUrl,
    release_url: `${projectUrl}${pathSegment(release.version)}/`,
    version: release.version,
    yanked: release.yanked,
    yanked_reason: release.yankedReason || null,
  });
  const info: Record<string, unknown> = {};
  for (const key of Object.keys(merged).sort()) info[key] = merged[key];
  return info;
}

function fileObject(file: JsonApiFile, release: JsonApiRelease): JsonApiFileObject {
  // A file is yanked when its release is (PyPI yanks whole releases) or when it was yanked alone (PEP 592).
  const fileReason = file.yanked === false ? null : file.yanked || null;
  return {
    comment_text: "",
    // Current PyPI mirrors the Simple API's PEP 658/714 key here.
    "core-metadata": file.coreMetadata === false ? false : { sha256: file.coreMetadata.sha256 },
    digests: {
      blake2b_256: file.blake2b256 || null,
      md5: file.md5 || null,
      // Unknown until a mirrored file's first fetch when its upstream page gave none.
      sha256: file.hashes.sha256 || null,
    },
    downloads: -1,
    filename: file.filename,
    has_sig: false,
    md5_digest: file.md5 || null,
    packagetype: file.packageType,
    python_version: file.pythonVersion,
    requires_python: file.requiresPython || null,
    size: file.size,
    upload_time: file.uploadTime === null ? null : formatLegacyUploadTime(file.uploadTime),
    upload_time_iso_8601: file.uploadTime === null ? null : formatUploadTime(file.uploadTime),
    url: file.url,
    yanked: release.yanked || file.yanked !== false,
    yanked_reason: fileReason ?? (release.yankedReason || null),
  };
}

function vulnerabilityObject(v: JsonApiVulnerability): JsonApiVulnerabilityObject {
  return {
    aliases: [...v.aliases],
    details: v.details,
    fixed_in: [...v.fixedIn],
    id: v.id,
    link: v.link,
    source: v.source,
    summary: v.summary,
    // warehouse: withdrawn.strftime("%Y-%m-%dT%H:%M:%SZ")
    withdrawn: v.withdrawn === null ? null : `${v.withdrawn.toISOString().slice(0, 19)}Z`,
  };
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length === 0;
  return value === "";
}

/** Percent-encodes a path segment, keeping "+" (local versions) readable as warehouse's URLs do. */
function pathSegment(text: string): string {
  return encodeURIComponent(text).replace(/%2B/g, "+");
}
