/**
 * @wheelhouse/advisories: security advisories in the OSV format, with no I/O.
 * osv-record (the format) → affected (which versions match) and severity → parse-advisory
 * (one file → what the registry stores).
 */
export { osvRecordSchema, type OsvAffected, type OsvEvent, type OsvRange, type OsvRecord } from "./osv-record.ts";
export {
  INTRODUCED_AT_START,
  compileAffected,
  eventVersion,
  isAffected,
  type AffectedMatcher,
  type AffectedPackage,
  type RangeEvent,
} from "./affected.ts";
export {
  SEVERITY_LEVELS,
  cvssBaseScore,
  isSeverityLevel,
  levelFromLabel,
  levelFromScore,
  meetsSeverity,
  severityOf,
  type SeverityLevel,
} from "./severity.ts";
export {
  InvalidAdvisory,
  OSV_SOURCE,
  PYPI_ECOSYSTEM,
  advisoryLink,
  parseOsvAdvisory,
  type ParseResult,
  type ParsedAdvisory,
} from "./parse-advisory.ts";
