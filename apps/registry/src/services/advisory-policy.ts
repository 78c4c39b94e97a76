// What an index's advisory policy says of a file download. "off" (the default) costs no advisory lookup;
// "warn" serves the file and names its advisories; "refuse" answers 403 for a file whose release
// has a (non-withdrawn) advisory at or above the index's minimum severity. Through a group the
// policy of every index on the way applies: the group's, those of the nested groups the file is
// served through, and that of the member that holds it (else a group of the refusing group
// would serve what it refuses).
import { isSeverityLevel, meetsSeverity, type SeverityLevel } from "@wheelhouse/advisories";
import type { Db, File } from "@wheelhouse/db";
import { compareVersions, tryParseVersion } from "@wheelhouse/packaging";
import { AppError } from "../errors.ts";
import type { AdvisoryCache, AdvisoryInfo } from "./advisory-cache.ts";
import type { IndexRow } from "./find-index.ts";
import { pathToIndex } from "./group-members.ts";

export const ADVISORY_POLICIES = ["off", "warn", "refuse"] as const;
export type AdvisoryPolicy = (typeof ADVISORY_POLICIES)[number];

export type DownloadVerdict = { action: "serve" } | { action: "warn"; advisories: AdvisoryInfo[] };

export class DownloadRefused extends AppError {
  constructor(message: string) {
    super(403, message, "advisory-policy");
  }
}

type PolicyIndex = Pick<IndexRow, "id" | "name" | "advisoryPolicy" | "advisoryMinSeverity">;

/** The view, the nested groups between it and the holder, and the holder. */
async function policyIndexes(db: Db, view: IndexRow, holder: IndexRow): Promise<PolicyIndex[]> {
  if (view.id === holder.id) return [view];
  return (await pathToIndex(db, view, holder.id)) ?? [view, holder];
}

function isActive(index: PolicyIndex): boolean {
  return index.advisoryPolicy === "warn" || index.advisoryPolicy === "refuse";
}

function threshold(index: PolicyIndex): SeverityLevel {
  return isSeverityLevel(index.advisoryMinSeverity) ? index.advisoryMinSeverity : "high";
}

/**
 * Decides for one download. `view` is the index in the URL, `index` the hosted or mirror index
 * that holds the file (the same index outside groups), `reached` every index the view reaches.
 * Throws DownloadRefused.
 */
export async function checkDownload(
  deps: { db: Db; advisories: AdvisoryCache },
  view: IndexRow,
  { index: holder, file, reached }: { index: IndexRow; file: Pick<File, "filename" | "releaseId">; reached: readonly PolicyIndex[] },
): Promise<DownloadVerdict> {
  // The path to the holder is among the reached indexes: when none has a policy, no walk.
  if (!reached.some(isActive)) return { action: "serve" };
  const active = (await policyIndexes(deps.db, view, holder)).filter(isActive);
  if (active.length === 0) return { action: "serve" };

  const release = await deps.db.release.findUnique({ where: { id: file.releaseId }, select: { version: true, project: { select: { name: true } } } });
  if (!release) return { action: "serve" };
  const known = (await deps.advisories.forRelease(deps.db, release.project.name, release.version)).filter((a) => a.withdrawn === null);
  if (known.length === 0) return { action: "serve" };

  for (const index of active.filter((i) => i.advisoryPolicy === "refuse")) {
    const blocking = known.filter((a) => meetsSeverity(a.severity, threshold(index)));
    if (blocking.length > 0) throw new DownloadRefused(refusal(file.filename, index.name, release.version, blocking));
  }
  const warned = known.filter((a) => active.some((i) => meetsSeverity(a.severity, threshold(i))));
  return warned.length > 0 ? { action: "warn", advisories: warned } : { action: "serve" };
}

/** `Download of x-1.0-py3-none-any.whl refused by index 'acme' policy: known vulnerabilities GHSA-… (CVE-…) severity high; fixed in 1.1` */
export function refusal(filename: string, indexName: string, version: string, advisories: AdvisoryInfo[]): string {
  const listed = advisories.map((a) => `${a.id}${a.aliases.length > 0 ? ` (${a.aliases.join(", ")})` : ""} severity ${a.severity ?? "unknown"}`).join(", ");
  return `Download of ${filename} refused by index '${indexName}' policy: known vulnerabilities ${listed}; ${fixedIn(version, advisories)}`;
}

/** The fixed versions newer than this one, lowest first; all of them when none is newer. */
function fixedIn(version: string, advisories: AdvisoryInfo[]): string {
  const all = [...new Set(advisories.flatMap((a) => a.fixedIn))].sort(compareVersions);
  const current = tryParseVersion(version);
  const later = current ? all.filter((v) => compareVersions(v, current) > 0) : all;
  const shown = later.length > 0 ? later : all;
  return shown.length > 0 ? `fixed in ${shown.join(", ")}` : "no fixed version known";
}
