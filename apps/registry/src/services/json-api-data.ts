// PyPI's JSON API (/pypi/<project>/json): rows mapped to the plain shapes simple-index renders.
import type { Db } from "@wheelhouse/db";
import { compareVersions, tryParseVersion, canonicalizeVersion, type NormalizedName } from "@wheelhouse/packaging";
import { renderProjectJson, renderReleaseJson, type JsonApiRelease, type JsonApiVulnerability } from "@wheelhouse/simple-index";
import { NotFound } from "../errors.ts";
import type { IndexRow } from "./find-index.ts";
import { fileUrl } from "./file-urls.ts";

/** Which files a reader may see (quarantine hides some from installers). */
export type FileFilter = (file: { uploadedAt: Date }) => boolean;

/** The advisories affecting a version of the project (registry-wide, matched by name and version). */
export type VulnerabilityLookup = (version: string) => Promise<JsonApiVulnerability[]>;

async function loadProject(db: Db, projectId: number, visible: FileFilter) {
  const project = await db.project.findUniqueOrThrow({
    where: { id: projectId },
    include: { releases: { include: { files: { orderBy: { filename: "asc" } } } } },
  });
  for (const release of project.releases) release.files = release.files.filter(visible);
  project.releases = project.releases.filter((r) => r.files.length > 0);
  project.releases.sort((a, b) => compareVersions(a.version, b.version));
  return project;
}

type LoadedProject = Awaited<ReturnType<typeof loadProject>>;

function toJsonRelease(project: LoadedProject, release: LoadedProject["releases"][number], index: IndexRow, baseUrl: string): JsonApiRelease {
  return {
    version: release.version,
    info: {
      ...(release.info as Record<string, unknown>),
      name: project.displayName,
      version: release.version,
      yanked: release.yanked,
      yanked_reason: release.yankedReason,
    },
    yanked: release.yanked,
    yankedReason: release.yankedReason,
    files: release.files.map((file) => ({
      filename: file.filename,
      url: `${baseUrl}${fileUrl("", index.name, file.filename)}`,
      hashes: { sha256: file.sha256 },
      requiresPython: file.requiresPython,
      size: file.size === null ? null : Number(file.size),
      uploadTime: file.uploadedAt,
      yanked: file.yanked ? (file.yankedReason ?? "") : false,
      coreMetadata: file.metadataSha256 ? { sha256: file.metadataSha256 } : false,
      packageType: file.packageType === "sdist" ? "sdist" : "bdist_wheel",
      pythonVersion: file.pythonVersion,
      md5: file.md5 ?? "",
      blake2b256: file.blake2b256 ?? "",
    })),
  };
}

/** The version PyPI shows in `info`: the newest that is neither yanked nor a prerelease, if any. */
function latestVersion(releases: { version: string; yanked: boolean }[]): string {
  const candidates = [releases.filter((r) => !r.yanked && !tryParseVersion(r.version)?.isPrerelease), releases.filter((r) => !r.yanked), releases];
  const chosen = candidates.find((list) => list.length > 0)!;
  return chosen[chosen.length - 1]!.version;
}

/** The JSON API answers from the project that answers for the name (for a group, its first source); file URLs go through the view. */
export async function projectJson(
  db: Db,
  view: IndexRow,
  projectId: number,
  name: NormalizedName,
  baseUrl: string,
  visible: FileFilter,
  vulnerabilities: VulnerabilityLookup,
): Promise<object> {
  const project = await loadProject(db, projectId, visible);
  const index = view;
  if (project.releases.length === 0) throw new NotFound(`Project '${name}' has no releases.`, "no-project");
  const latest = latestVersion(project.releases);
  return renderProjectJson({
    displayName: project.displayName,
    releases: project.releases.map((r) => toJsonRelease(project, r, index, baseUrl)),
    latestVersion: latest,
    lastSerial: project.lastSerial,
    baseUrl,
    // As PyPI: the vulnerabilities of the release shown in `info`.
    vulnerabilities: await vulnerabilities(latest),
  });
}

export async function releaseJson(
  db: Db,
  view: IndexRow,
  projectId: number,
  name: NormalizedName,
  version: string,
  baseUrl: string,
  visible: FileFilter,
  vulnerabilities: VulnerabilityLookup,
): Promise<object> {
  const project = await loadProject(db, projectId, visible);
  const index = view;
  let wanted: string;
  try {
    wanted = canonicalizeVersion(version);
  } catch {
    throw new NotFound(`No release '${version}' of project '${name}'.`, "no-release");
  }
  const release = project.releases.find((r) => r.canonicalVersion === wanted);
  if (!release) throw new NotFound(`No release '${version}' of project '${name}'.`, "no-release");
  return renderReleaseJson({
    displayName: project.displayName,
    release: toJsonRelease(project, release, index, baseUrl),
    lastSerial: project.lastSerial,
    baseUrl,
    vulnerabilities: await vulnerabilities(release.version),
  });
}
