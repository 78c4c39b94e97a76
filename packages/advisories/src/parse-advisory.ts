/**
 * One OSV file → the advisory the registry stores, or "skipped" when it names no PyPI package.
 * Every problem is an InvalidAdvisory naming the file and the field.
 */
import { canonicalizeName, compareVersions, isValidProjectName, tryParseVersion, type NormalizedName } from "@wheelhouse/packaging";
import { INTRODUCED_AT_START, eventVersion, type AffectedPackage, type RangeEvent } from "./affected.ts";
import { osvRecordSchema, type OsvAffected, type OsvRecord } from "./osv-record.ts";
import { severityOf, type SeverityLevel } from "./severity.ts";

/** OSV's name for the Python Package Index. */
export const PYPI_ECOSYSTEM = "PyPI";

/** The `source` stored with advisories imported from OSV files. */
export const OSV_SOURCE = "osv";

export class InvalidAdvisory extends Error {
  override name = "InvalidAdvisory";
  constructor(
    readonly file: string,
    /** The offending field as a path (`affected[0].ranges[1].events[2].fixed`), null for the whole file. */
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(`${file}: ${field === null ? "" : `${field}: `}${problem}`);
  }
}

export interface ParsedAdvisory {
  id: string;
  aliases: string[];
  summary: string;
  details: string;
  severity: SeverityLevel | null;
  link: string;
  source: string;
  published: Date | null;
  modified: Date;
  withdrawn: Date | null;
  /** The record as read (JSON object). */
  raw: Record<string, unknown>;
  /** One entry per PyPI project it names (several `affected` entries of one name are merged). */
  packages: AffectedPackage[];
}

export type ParseResult = { kind: "advisory"; advisory: ParsedAdvisory } | { kind: "skipped"; id: string; reason: "no-pypi-package" };

function fieldPath(path: readonly PropertyKey[]): string | null {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `${out ? "." : ""}${String(part)}`;
  return out || null;
}

const JSON_KINDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
};

function jsonKind(value: unknown): string {
  if (value === null) return "null";
  return JSON_KINDS[Array.isArray(value) ? "array" : typeof value] ?? typeof value;
}

/** A missing or mistyped field in words a person fixing the file reads at once (zod's own: "Invalid input: expected string, received undefined"). */
function plainTypeIssue(issue: { code?: string; input?: unknown; expected?: string }): string | undefined {
  if (issue.code !== "invalid_type") return undefined;
  if (issue.input === undefined) return "required, but missing";
  return `must be ${JSON_KINDS[issue.expected ?? ""] ?? issue.expected}, not ${jsonKind(issue.input)}`;
}

/** Parses and validates one OSV JSON file; `file` names it in errors. */
export function parseOsvAdvisory(content: string | Uint8Array, file: string): ParseResult {
  const text = typeof content === "string" ? content : new TextDecoder("utf-8", { fatal: false }).decode(content);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidAdvisory(file, null, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InvalidAdvisory(file, null, "not an OSV record (expected a JSON object)");
  const result = osvRecordSchema.safeParse(json, { error: plainTypeIssue });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidAdvisory(file, fieldPath(issue.path), issue.message);
  }
  const record = result.data;
  const packages = pypiPackages(record, file);
  if (packages.length === 0) return { kind: "skipped", id: record.id, reason: "no-pypi-package" };
  return {
    kind: "advisory",
    advisory: {
      id: record.id,
      aliases: record.aliases ?? [],
      summary: record.summary ?? "",
      details: record.details ?? "",
      severity: severityOf(record),
      link: advisoryLink(record.id),
      source: OSV_SOURCE,
      published: record.published ? new Date(record.published) : null,
      modified: new Date(record.modified),
      withdrawn: record.withdrawn ? new Date(record.withdrawn) : null,
      raw: json as Record<string, unknown>,
      packages,
    },
  };
}

/** Where a person reads the advisory: GitHub's page for GHSA ids, osv.dev for the rest. */
export function advisoryLink(id: string): string {
  return id.startsWith("GHSA-") ? `https://github.com/advisories/${id}` : `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}

function pypiPackages(record: OsvRecord, file: string): AffectedPackage[] {
  const byName = new Map<NormalizedName, AffectedPackage>();
  (record.affected ?? []).forEach((affected, i) => {
    if (affected.package?.ecosystem !== PYPI_ECOSYSTEM) return;
    const where = `affected[${i}]`;
    const rawName = affected.package.name;
    if (!isValidProjectName(rawName.trim())) throw new InvalidAdvisory(file, `${where}.package.name`, `${JSON.stringify(rawName)} is not a valid project name`);
    const name = canonicalizeName(rawName.trim());
    const entry = byName.get(name) ?? { name, ranges: [], versions: [], fixedIn: [] };
    byName.set(name, entry);
    entry.ranges.push(...affectedRanges(affected, where, file));
    for (const version of affected.versions ?? []) if (!entry.versions.includes(version)) entry.versions.push(version);
  });
  for (const entry of byName.values()) entry.fixedIn = fixedVersions(entry.ranges);
  return [...byName.values()];
}

/** The ECOSYSTEM and SEMVER ranges, versions checked; GIT ranges name commits and do not apply to releases. */
function affectedRanges(affected: OsvAffected, where: string, file: string): RangeEvent[][] {
  const ranges: RangeEvent[][] = [];
  (affected.ranges ?? []).forEach((range, r) => {
    if (range.type === "GIT") return;
    const events: RangeEvent[] = [];
    range.events.forEach((event, e) => {
      const at = `${where}.ranges[${r}].events[${e}]`;
      // OSV: `limit` bounds GIT ranges only; in an ECOSYSTEM range it is ignored.
      if (event.limit !== undefined) return;
      const [key, value] =
        event.introduced !== undefined
          ? (["introduced", event.introduced] as const)
          : event.fixed !== undefined
            ? (["fixed", event.fixed] as const)
            : (["last_affected", event.last_affected!] as const);
      if (!(key === "introduced" && value === INTRODUCED_AT_START) && tryParseVersion(value) === null) {
        throw new InvalidAdvisory(file, `${at}.${key}`, `${JSON.stringify(value)} is not a PEP 440 version`);
      }
      events.push({ [key]: value } as RangeEvent);
    });
    if (!events.some((event) => "introduced" in event)) {
      throw new InvalidAdvisory(file, `${where}.ranges[${r}].events`, `an ${range.type} range needs an "introduced" event`);
    }
    ranges.push(events);
  });
  return ranges;
}

function fixedVersions(ranges: RangeEvent[][]): string[] {
  const fixed: string[] = [];
  for (const event of ranges.flat()) {
    if (!("fixed" in event)) continue;
    const version = eventVersion(event);
    if (!fixed.some((v) => compareVersions(v, version) === 0)) fixed.push(version);
  }
  return fixed.sort(compareVersions);
}
