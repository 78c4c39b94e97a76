/**
 * The distributions installed in a target: every `*.dist-info` (and, read-only, `*.egg-info`)
 * directory on the scheme's search path, first one per name wins, as importlib.metadata and pip
 * see them.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { canonicalizeName, parseRawMetadata, parseRecord, tryParseRequirement, type RawMetadata, type Requirement } from "@wheelhouse/packaging";
import type { InstalledDistribution } from "../types.ts";
import type { InspectedEnvironment } from "../environment/inspect-python.ts";
import { parseEntryPoints, type EntryPoint } from "./entry-points.ts";

/** An installed distribution with the rest of what its metadata directory says. */
export interface InstalledDistributionDetails extends InstalledDistribution {
  kind: "dist-info" | "egg-info";
  metadata: RawMetadata;
  /** PEP 610 direct_url.json, parsed, or null. */
  directUrl: DirectUrl | null;
  /** For editable installs: the project directory (from direct_url.json). */
  editableProjectLocation: string | null;
}

/** PEP 610. */
export interface DirectUrl {
  url: string;
  subdirectory?: string;
  vcs_info?: { vcs: string; commit_id: string; requested_revision?: string };
  archive_info?: { hash?: string; hashes?: Record<string, string> };
  dir_info?: { editable?: boolean };
}

/** Installed distributions, sorted by normalized name. */
export async function installedDistributions(env: InspectedEnvironment): Promise<InstalledDistributionDetails[]> {
  const byName = new Map<string, InstalledDistributionDetails>();
  for (const dir of env.searchPaths) {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith(".dist-info") && !name.endsWith(".egg-info")) continue;
      const dist = await readDistribution(path.join(dir, name));
      if (dist && !byName.has(dist.name)) byName.set(dist.name, dist);
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The installed distribution with this name (any spelling), or null. */
export async function findInstalledDistribution(env: InspectedEnvironment, name: string): Promise<InstalledDistributionDetails | null> {
  const wanted = canonicalizeName(name);
  return (await installedDistributions(env)).find((d) => d.name === wanted) ?? null;
}

/** Reads one metadata directory (or egg-info file); null when it has no usable Name and Version. */
export async function readDistribution(infoPath: string): Promise<InstalledDistributionDetails | null> {
  const kind = infoPath.endsWith(".dist-info") ? "dist-info" : "egg-info";
  const st = await stat(infoPath).catch(() => null);
  if (!st) return null;
  const isDir = st.isDirectory();
  const read = async (file: string): Promise<string | null> => {
    if (!isDir) return null;
    try {
      return await readFile(path.join(infoPath, file), "utf8");
    } catch {
      return null;
    }
  };
  const metadataText = isDir ? await read(kind === "dist-info" ? "METADATA" : "PKG-INFO") : await readFile(infoPath, "utf8").catch(() => null);
  if (metadataText === null) return null;
  const { raw } = parseRawMetadata(metadataText);
  if (!raw.name || !raw.version) return null;
  const requiresText = kind === "dist-info" ? null : await read("requires.txt");
  const requirementStrings = kind === "dist-info" ? (raw.requiresDist ?? []) : requiresTxtToRequiresDist(requiresText ?? "");
  const requires = requirementStrings.map((r) => tryParseRequirement(r)).filter((r): r is Requirement => r !== null);
  const installer = (await read("INSTALLER"))?.trim() || null;
  let directUrl: DirectUrl | null = null;
  const directUrlText = await read("direct_url.json");
  if (directUrlText) {
    try {
      directUrl = JSON.parse(directUrlText) as DirectUrl;
    } catch {
      directUrl = null;
    }
  }
  const editableProjectLocation = directUrl?.dir_info?.editable ? fileUrlToPathOrUrl(directUrl.url) : null;
  return {
    name: canonicalizeName(raw.name),
    displayName: raw.name,
    version: raw.version,
    distInfo: infoPath,
    location: path.dirname(infoPath),
    requires,
    installer,
    requested:
      isDir &&
      (await stat(path.join(infoPath, "REQUESTED")).then(
        () => true,
        () => false,
      )),
    editable: editableProjectLocation !== null,
    kind,
    metadata: raw,
    directUrl,
    editableProjectLocation,
  };
}

/** RECORD paths (relative to the location, as written), or null when there is no RECORD (nor, for egg-info, installed-files.txt). */
export async function declaredFiles(dist: InstalledDistribution): Promise<string[] | null> {
  const record = await readFile(path.join(dist.distInfo, "RECORD"), "utf8").catch(() => null);
  if (record !== null) return parseRecord(record).map((r) => r.path);
  const legacy = await readFile(path.join(dist.distInfo, "installed-files.txt"), "utf8").catch(() => null);
  if (legacy === null) return null;
  // Legacy paths are relative to the .egg-info directory; pip makes them relative to the location.
  return legacy
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .map((l) => path.relative(dist.location, path.join(dist.distInfo, l.trim())).split(path.sep).join("/"));
}

export async function distributionEntryPoints(dist: InstalledDistribution): Promise<{ text: string; entryPoints: EntryPoint[] }> {
  const text = await readFile(path.join(dist.distInfo, "entry_points.txt"), "utf8").catch(() => "");
  return { text, entryPoints: parseEntryPoints(text) };
}

/**
 * setuptools' requires.txt: bare requirements, then `[extra]`, `[:marker]` or `[extra:marker]`
 * sections; rewritten as Requires-Dist strings the way importlib.metadata does.
 */
export function requiresTxtToRequiresDist(text: string): string[] {
  const out: string[] = [];
  let marker = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const [extra = "", condition = ""] = section[1]!.split(":", 2);
      const parts: string[] = [];
      if (condition.trim()) parts.push(`(${condition.trim()})`);
      if (extra.trim()) parts.push(`extra == "${extra.trim()}"`);
      marker = parts.join(" and ");
      continue;
    }
    out.push(marker ? `${line} ; ${marker}` : line);
  }
  return out;
}

function fileUrlToPathOrUrl(url: string): string {
  if (!url.startsWith("file:")) return url;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

/** pip's `local_only`: in a virtual environment, only what is installed inside it. */
export function localOnly<T extends { location: string }>(dists: T[], env: InspectedEnvironment, local: boolean): T[] {
  if (!local || !env.isVirtualEnv) return dists;
  const prefix = env.info.prefix.endsWith("/") ? env.info.prefix : `${env.info.prefix}/`;
  return dists.filter((d) => d.location.startsWith(prefix));
}
