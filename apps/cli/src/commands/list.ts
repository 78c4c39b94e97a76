/**
 * `wheelhouse list [--outdated|--uptodate] [--format columns|freeze|json] [--not-required]
 * [-e|--exclude-editable] [--local] [--user] [--exclude name]` — pip's listing and formats.
 * --outdated and --uptodate ask the index (through `ctx.latestVersion` when a test gives one).
 */
import { canonicalizeName, compareVersions, type NormalizedName } from "@wheelhouse/packaging";
import type { CommandContext } from "../core/config/cli-options.ts";
import type { InspectedEnvironment } from "../core/environment/inspect-python.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { activeDependencies, displayVersion } from "../core/installer/dependencies.ts";
import { installedDistributions, localOnly, type InstalledDistributionDetails } from "../core/installer/installed-distributions.ts";
import { openSession } from "../pipeline/command-session.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import { limiter } from "../core/concurrency/limit.ts";
import { latestVersionFrom } from "../core/finder/latest-version.ts";
import { tabulate } from "../ui/tabulate.ts";

export interface LatestVersion {
  version: string;
  filetype: "wheel" | "sdist";
}

export interface ListContext extends CommandContext {
  /** The best version the index offers (honouring --pre), or null when it has none. Default: the package finder. */
  latestVersion?: (name: NormalizedName) => Promise<LatestVersion | null>;
}

interface Row {
  dist: InstalledDistributionDetails;
  version: string;
  latest?: LatestVersion;
}

const STDLIB_PKGS = ["python", "wsgiref", "argparse"];

export async function run(ctx: ListContext): Promise<number> {
  const o = ctx.options;
  if (o.outdated && o.uptodate) return usage(ctx, "Options --outdated and --uptodate cannot be combined.");
  if (o.outdated && o.listFormat === "freeze") return usage(ctx, "List format 'freeze' cannot be used with the --outdated option.");
  const env = await targetEnvironment(o, ctx.env);
  let rows = await listRows(env, { local: o.local, editableOnly: o.editable, excludeEditable: o.excludeEditable, exclude: o.exclude });
  if (o.notRequired) rows = notRequired(rows, env);
  if (o.outdated || o.uptodate) {
    let session: IndexSession | null = null;
    try {
      let latestVersion = ctx.latestVersion;
      if (!latestVersion) {
        session = openSession(ctx, {});
        latestVersion = latestVersionFrom(session.finder(env), o.pre);
      }
      const ask = latestVersion;
      const limit = limiter(8);
      const latest = await Promise.all(rows.map((row) => limit(() => ask(row.dist.name))));
      rows = rows
        .flatMap((row, i) => (latest[i] ? [{ ...row, latest: latest[i] }] : []))
        .filter((r) => {
          const cmp = compareVersions(r.latest!.version, r.version);
          return o.outdated ? cmp > 0 : cmp === 0;
        });
    } finally {
      await session?.close();
    }
  }
  ctx.stdout.write(formatListing(rows, { format: o.listFormat, outdated: o.outdated, verbose: o.verbose }));
  return 0;
}

export async function listRows(
  env: InspectedEnvironment,
  options: { local?: boolean; editableOnly?: boolean; excludeEditable?: boolean; exclude?: string[] } = {},
): Promise<Row[]> {
  const skip = new Set([...STDLIB_PKGS, ...(options.exclude ?? [])].map(canonicalizeName));
  return localOnly(await installedDistributions(env), env, options.local ?? false)
    .filter((d) => !skip.has(d.name))
    .filter((d) => (options.editableOnly ? d.editable : true))
    .filter((d) => (options.excludeEditable ? !d.editable : true))
    .map((dist) => ({ dist, version: displayVersion(dist.version) }));
}

/** pip's get_not_required: drop every package another listed package depends on. */
function notRequired(rows: Row[], env: InspectedEnvironment): Row[] {
  const required = new Set(rows.flatMap((r) => activeDependencies(r.dist, env.markers).map((q) => canonicalizeName(q.name))));
  return rows.filter((r) => !required.has(r.dist.name));
}

export function formatListing(rows: Row[], options: { format: "columns" | "freeze" | "json"; outdated?: boolean; verbose?: number }): string {
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

function usage(ctx: CommandContext, message: string): number {
  ctx.stderr.write(`ERROR: ${message}\n`);
  return 1;
}
