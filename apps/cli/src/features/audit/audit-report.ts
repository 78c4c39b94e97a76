/**
 * What `wheelhouse audit` prints: pip-audit's columns (with the aliases and the summary added)
 * followed by a count, or pip-audit's JSON (`{"dependencies": […], "fixes": […]}`, every audited
 * package listed, `vulns: []` for clean ones, skipped ones with their `skip_reason`).
 */
import { compareVersions, tryParseVersion } from "@wheelhouse/packaging";
import type { Advisory } from "./advisory-client.ts";
import type { AuditedDependency, SkippedDependency } from "./audit-sources.ts";
import { tabulate } from "../../ui/tabulate.ts";

/** One audited package and the advisories that affect its version (withdrawn ones left out). */
export interface AuditResult {
  dependency: AuditedDependency;
  vulnerabilities: Advisory[];
}

/** One fix, done or not: pip-audit's `fixes` entries. */
export type FixReport =
  | { kind: "fixed"; name: string; displayName: string; from: string | null; to: string }
  | { kind: "skipped"; name: string; displayName: string; version: string; reason: string };

/** The advisory's fixed versions, deduplicated, in version order. */
export function fixVersions(advisory: Advisory): string[] {
  const unique = [...new Set(advisory.fixedIn)];
  return unique.sort((a, b) => {
    const va = tryParseVersion(a);
    const vb = tryParseVersion(b);
    if (va && vb) return compareVersions(va, vb);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

export function vulnerableResults(results: readonly AuditResult[]): AuditResult[] {
  return results.filter((r) => r.vulnerabilities.length > 0);
}

/** "Found 2 known vulnerabilities in 1 package", or null when there are none. */
export function foundLine(results: readonly AuditResult[], verb = "Found"): string | null {
  const vulnerable = vulnerableResults(results);
  const count = vulnerable.reduce((n, r) => n + r.vulnerabilities.length, 0);
  if (count === 0) return null;
  return (
    `${verb} ${count} known ${count === 1 ? "vulnerability" : "vulnerabilities"} ` +
    `in ${vulnerable.length} ${vulnerable.length === 1 ? "package" : "packages"}`
  );
}

/** The findings as a table: Name, Version, ID, Aliases, Fix Versions, Summary (one row per advisory). */
export function formatColumns(results: readonly AuditResult[]): string {
  const rows = vulnerableResults(results).flatMap((r) =>
    r.vulnerabilities.map((v) => [r.dependency.name, r.dependency.version, v.id, v.aliases.join(","), fixVersions(v).join(","), oneLine(v.summary ?? "")]),
  );
  if (rows.length === 0) return "";
  return tabulate([["Name", "Version", "ID", "Aliases", "Fix Versions", "Summary"], ...rows]);
}

/** Fix lines: `vuln: 1.0 → 1.1` (prefixed "Would upgrade" with --dry-run), and what could not be fixed. */
export function formatFixes(fixes: readonly FixReport[], dryRun: boolean): string {
  return fixes
    .map((f) => {
      if (f.kind === "skipped") return `Could not fix ${f.name} ${f.version}: ${f.reason}\n`;
      const change = f.from === null ? `(new) → ${f.to}` : `${f.from} → ${f.to}`;
      return `${dryRun ? "Would upgrade " : ""}${f.name}: ${change}\n`;
    })
    .join("");
}

/** pip-audit's JSON, as one line. */
export function formatJson(results: readonly AuditResult[], skipped: readonly SkippedDependency[], fixes: readonly FixReport[]): string {
  const dependencies: object[] = results.map((r) => ({
    name: r.dependency.name,
    version: r.dependency.version,
    vulns: r.vulnerabilities.map((v) => ({
      id: v.id,
      fix_versions: fixVersions(v),
      aliases: v.aliases,
      summary: v.summary,
      description: v.details,
      severity: v.severity,
      link: v.link,
    })),
  }));
  for (const s of skipped) dependencies.push({ name: s.name, skip_reason: s.reason });
  const fixList = fixes.map((f) =>
    f.kind === "fixed" ? { name: f.name, old_version: f.from, new_version: f.to } : { name: f.name, version: f.version, skip_reason: f.reason },
  );
  return `${JSON.stringify({ dependencies, fixes: fixList })}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
