/**
 * pip list's rows and formats: the installed distributions (filtered as the options say), those
 * no other one requires (`--not-required`), compared with the index's latest versions
 * (`--outdated`, `--uptodate`), rendered as columns, `freeze` lines or JSON.
 */
import { canonicalizeName, compareVersions, type NormalizedName } from "@wheelhouse/packaging";
import { limiter } from "../../core/concurrency/limit.ts";
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import { activeDependencies, displayVersion } from "../../core/installer/dependencies.ts";
import { installedDistributions, localOnly, type InstalledDistributionDetails } from "../../core/installer/installed-distributions.ts";
import { STDLIB_PKGS } from "../../core/installer/stdlib-packages.ts";
import { tabulate } from "../../ui/tabulate.ts";

export interface LatestVersion {
  version: string;
  filetype: "wheel" | "sdist";
}

/** The best version the index offers (honouring --pre), or null when it has none. */
export type LatestVersionLookup = (name: NormalizedName) => Promise<LatestVersion | null>;

export interface ListRow {
  dist: InstalledDistributionDetails;
  version: string;
  latest?: LatestVersion;
}

/** Index lookups at once. */
const LOOKUP_CONCURRENCY = 8;

export async function listRows(
  env: InspectedEnvironment,
  options: { local?: boolean; editableOnly?: boolean; excludeEditable?: boolean; exclude?: string[] } = {},
): Promise<ListRow[]> {
  const skip = new Set([...STDLIB_PKGS, ...(options.exclude ?? [])].map(canonicalizeName));
  return localOnly(await installedDistributions(env), env, options.local ?? false)
    .filter((d) => !skip.has(d.name))
    .filter((d) => (options.editableOnly ? d.editable : true))
    .filter((d) => (options.excludeEditable ? !d.editable : true))
    .map((dist) => ({ dist, version: displayVersion(dist.version) }));
}

/** pip's get_not_required: drop every package another listed package depends on. */
export function notRequired(rows: ListRow[], env: InspectedEnvironment): ListRow[] {
  const required = new Set(rows.flatMap((r) => activeDependencies(r.dist, env.markers).map((q) => canonicalizeName(q.name))));
  return rows.filter((r) => !required.has(r.dist.name));
}

export function formatListing(rows: ListRow[], options: { format: "columns" | "freeze" | "json"; outdated?: boolean; verbose?: number }): string {
  const sorted = [...rows].sort((a, b) => (a.dist.name < b.dist.name ? -1 : a.dist.name > b.dist.name ? 1 : 0));
  const verbose = (options.verbose ?? 0) >= 1;
  if (options.format === "json") {
    const data = sorted.map((r) => {
      const info: Record<string, string | null> = { name: r.dist.displayName, version: r.version };
      if (verbose) {
        info.location = r.dist.location;
        info.installer = r.dist.installer ?? "";
      }
      if (options.outdated && r.latest) {
        info.latest_version = displayVersion(r.latest.version);
        info.latest_filetype = r.latest.filetype;
      }
      if (r.dist.editableProjectLocation) info.editable_project_location = r.dist.editableProjectLocation;
      return info;
    });
    return `${pythonJson(data)}\n`;
  }
  if (options.format === "freeze") {
    return sorted.map((r) => `${r.dist.displayName}==${r.version}${verbose ? ` (${r.dist.location})` : ""}\n`).join("");
  }
  if (sorted.length === 0) return "";
  const header = ["Package", "Version"];
  if (options.outdated) header.push("Latest", "Type");
  const hasEditables = sorted.some((r) => r.dist.editable);
  if (hasEditables) header.push("Editable project location");
  if (verbose) header.push("Location", "Installer");
  const data = sorted.map((r) => {
    const row = [r.dist.displayName, r.version];
    if (options.outdated) row.push(displayVersion(r.latest?.version ?? ""), r.latest?.filetype ?? "");
    if (hasEditables) row.push(r.dist.editableProjectLocation ?? "");
    if (verbose) row.push(r.dist.location, r.dist.installer ?? "");
    return row;
  });
  return tabulate([header, ...data]);
}

/** json.dumps as Python writes it by default (", " and ": " separators, key order kept). */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The rows the index has a version for, kept when theirs is older (`outdated`) or the same (`uptodate`). */
export async function compareWithLatest(rows: ListRow[], latestVersion: LatestVersionLookup, keep: "outdated" | "uptodate"): Promise<ListRow[]> {
  const limit = limiter(LOOKUP_CONCURRENCY);
  const latest = await Promise.all(rows.map((row) => limit(() => latestVersion(row.dist.name))));
  return rows
    .flatMap((row, i) => (latest[i] ? [{ ...row, latest: latest[i] }] : []))
    .filter((r) => {
      const cmp = compareVersions(r.latest!.version, r.version);
      return keep === "outdated" ? cmp > 0 : cmp === 0;
    });
}
