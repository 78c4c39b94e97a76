/**
 * Severity levels of advisories: GitHub's four (low, moderate, high, critical), read from a
 * record's `database_specific.severity` (GHSA style) or else from its CVSS vectors' base score.
 */
import cvss from "ae-cvss-calculator";
import type { OsvRecord } from "./osv-record.ts";

export const SEVERITY_LEVELS = ["low", "moderate", "high", "critical"] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export function isSeverityLevel(value: unknown): value is SeverityLevel {
  return typeof value === "string" && (SEVERITY_LEVELS as readonly string[]).includes(value);
}

const LABELS: Record<string, SeverityLevel> = {
  low: "low",
  moderate: "moderate",
  medium: "moderate",
  high: "high",
  critical: "critical",
};

/** GHSA's labels (LOW, MODERATE, HIGH, CRITICAL) and the common MEDIUM; null for anything else. */
export function levelFromLabel(label: unknown): SeverityLevel | null {
  return typeof label === "string" ? (LABELS[label.trim().toLowerCase()] ?? null) : null;
}

/**
 * CVSS qualitative ratings (v3.1 spec, table 14; the same bands in v4.0): 0.1–3.9 low,
 * 4.0–6.9 medium, 7.0–8.9 high, 9.0–10.0 critical. A score of 0 ("none") counts as low.
 */
export function levelFromScore(score: number): SeverityLevel | null {
  if (!Number.isFinite(score) || score < 0 || score > 10) return null;
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "moderate";
  return "low";
}

/** The base score of a CVSS vector of the given OSV severity type; null when it is not a complete vector. */
export function cvssBaseScore(type: string, vector: string): number | null {
  try {
    let scores: { base?: number } | undefined;
    const v = vector.trim();
    if (type === "CVSS_V4" && v.startsWith("CVSS:4.0/")) scores = new cvss.Cvss4P0(v).calculateScores();
    else if (type === "CVSS_V3" && v.startsWith("CVSS:3.1/")) scores = new cvss.Cvss3P1(v).calculateScores();
    else if (type === "CVSS_V3" && v.startsWith("CVSS:3.0/")) scores = new cvss.Cvss3P0(v).calculateScores();
    else if (type === "CVSS_V2" && /^\(?AV:/.test(v)) scores = new cvss.Cvss2(v).calculateScores();
    const base = scores?.base;
    return typeof base === "number" && Number.isFinite(base) ? base : null;
  } catch {
    // The calculator throws on vectors it cannot read; an unreadable vector is an unknown severity.
    return null;
  }
}

/**
 * The record's level: `database_specific.severity` when it names one, else the highest level
 * among its readable CVSS vectors (top-level `severity`, then each affected entry's), else null.
 */
export function severityOf(record: Pick<OsvRecord, "database_specific" | "severity" | "affected">): SeverityLevel | null {
  const labelled = levelFromLabel(record.database_specific?.severity);
  if (labelled) return labelled;
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  let best: SeverityLevel | null = null;
  for (const { type, score } of vectors) {
    const base = cvssBaseScore(type, score);
    const level = base === null ? null : levelFromScore(base);
    if (level && (best === null || rank(level) > rank(best))) best = level;
  }
  return best;
}

function rank(level: SeverityLevel): number {
  return SEVERITY_LEVELS.indexOf(level);
}

/**
 * Whether an advisory of `level` is at or above `threshold`. An advisory of unknown severity
 * (null) meets only the lowest threshold, "low": a policy set to "high" does not block on
 * records that give no severity at all, one set to "low" blocks on every advisory.
 */
export function meetsSeverity(level: SeverityLevel | null, threshold: SeverityLevel): boolean {
  if (level === null) return threshold === "low";
  return rank(level) >= rank(threshold);
}
