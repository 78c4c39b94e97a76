/**
 * Which versions of a PyPI project an advisory affects, following OSV's evaluation
 * (https://ossf.github.io/osv-schema/#evaluation): a version is affected when it is listed in
 * `versions` or falls in one of the ECOSYSTEM (or SEMVER) ranges, compared with PEP 440 ordering.
 */
import { Version, canonicalizeVersion, tryParseVersion, type NormalizedName } from "@wheelhouse/packaging";

/** One event of a stored range. `limit` is not kept: OSV uses it for GIT ranges only. */
export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string };

/** What an advisory says of one PyPI project (the AdvisoryPackage row). */
export interface AffectedPackage {
  name: NormalizedName;
  /** ECOSYSTEM/SEMVER ranges, each a list of events in the record's order. */
  ranges: RangeEvent[][];
  /** Versions listed explicitly. */
  versions: string[];
  /** The `fixed` events' versions, in PEP 440 order, each once. */
  fixedIn: string[];
}

interface CompiledEvent {
  kind: "introduced" | "fixed" | "last_affected";
  /** null: `introduced: "0"`, before every version. */
  version: Version | null;
}

/** A matcher built once per AffectedPackage: versions parsed, events sorted. */
export type AffectedMatcher = (version: string | Version) => boolean;

/** OSV: `introduced: "0"` means "from the first version on". */
export const INTRODUCED_AT_START = "0";

function eventKind(event: RangeEvent): CompiledEvent["kind"] {
  if ("introduced" in event) return "introduced";
  if ("fixed" in event) return "fixed";
  return "last_affected";
}

export function eventVersion(event: RangeEvent): string {
  if ("introduced" in event) return event.introduced;
  if ("fixed" in event) return event.fixed;
  return event.last_affected;
}

/** Lenient key for an explicit version: PEP 440 canonical form, or the trimmed lowercase text of a legacy one. */
function versionKey(version: string | Version): string {
  if (typeof version !== "string") return canonicalizeVersion(version);
  const parsed = tryParseVersion(version);
  return parsed ? canonicalizeVersion(parsed) : version.trim().toLowerCase();
}

function compileRange(events: RangeEvent[]): CompiledEvent[] {
  const compiled = events.map((event): CompiledEvent => {
    const kind = eventKind(event);
    const text = eventVersion(event);
    if (kind === "introduced" && text === INTRODUCED_AT_START) return { kind, version: null };
    // Stored ranges were validated on import; a version that does not parse here is a bug.
    return { kind, version: new Version(text) };
  });
  // OSV: evaluate the events sorted by version ("0" first). The sort is stable, so events at the
  // same version keep the record's order.
  return compiled.sort((a, b) => {
    if (a.version === null || b.version === null) return a.version === b.version ? 0 : a.version === null ? -1 : 1;
    return a.version.compare(b.version);
  });
}

/** OSV's IncludedInRange: walk the sorted events, switching "vulnerable" on and off. */
function inRange(version: Version, events: CompiledEvent[]): boolean {
  let vulnerable = false;
  for (const event of events) {
    if (event.kind === "introduced") {
      if (event.version === null || version.compare(event.version) >= 0) vulnerable = true;
    } else if (event.kind === "fixed") {
      // `fixed` is exclusive: the fixed version itself is not affected.
      if (version.compare(event.version!) >= 0) vulnerable = false;
    } else if (version.compare(event.version!) > 0) {
      // `last_affected` is inclusive: only versions after it are out.
      vulnerable = false;
    }
  }
  return vulnerable;
}

export function compileAffected(pkg: Pick<AffectedPackage, "ranges" | "versions">): AffectedMatcher {
  const ranges = pkg.ranges.map(compileRange);
  const listed = new Set(pkg.versions.map(versionKey));
  return (version) => {
    if (listed.has(versionKey(version))) return true;
    const parsed = typeof version === "string" ? tryParseVersion(version) : version;
    // A legacy (non-PEP 440) version can only match the explicit list.
    if (parsed === null) return false;
    return ranges.some((events) => inRange(parsed, events));
  };
}

/** Whether `version` is affected (builds the matcher each call: use compileAffected for many versions). */
export function isAffected(pkg: Pick<AffectedPackage, "ranges" | "versions">, version: string | Version): boolean {
  return compileAffected(pkg)(version);
}
