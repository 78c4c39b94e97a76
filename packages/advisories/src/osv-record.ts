/**
 * The OSV record format (https://ossf.github.io/osv-schema/), as far as an advisory
 * import reads it. Unknown keys are allowed (the format grows); known keys must have
 * the types the schema gives them.
 */
import { z } from "zod";

// OSV: timestamps are RFC 3339, in UTC ("Z"); offsets are accepted as the RFC allows them.
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

const timestamp = z
  .string()
  .refine((text) => RFC3339.test(text) && !Number.isNaN(Date.parse(text)), "must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z");

const text = z.string();
const record = z.record(z.string(), z.unknown());

/** One event of a range: exactly one of the four keys. */
export const osvEventSchema = z
  .object({
    introduced: text.min(1).optional(),
    fixed: text.min(1).optional(),
    last_affected: text.min(1).optional(),
    limit: text.min(1).optional(),
  })
  .refine(
    (event) => [event.introduced, event.fixed, event.last_affected, event.limit].filter((v) => v !== undefined).length === 1,
    "an event has exactly one of introduced, fixed, last_affected or limit",
  );

export const osvRangeSchema = z.object({
  type: z.enum(["ECOSYSTEM", "SEMVER", "GIT"], { error: "must be ECOSYSTEM, SEMVER or GIT" }),
  repo: text.optional(),
  events: z.array(osvEventSchema).min(1, "a range has at least one event"),
  database_specific: record.optional(),
});

export const osvSeveritySchema = z.object({ type: text.min(1), score: text.min(1) });

export const osvAffectedSchema = z.object({
  package: z
    .object({
      ecosystem: text.min(1),
      name: text.min(1),
      purl: text.optional(),
    })
    .optional(),
  severity: z.array(osvSeveritySchema).optional(),
  ranges: z.array(osvRangeSchema).optional(),
  versions: z.array(text).optional(),
  database_specific: record.optional(),
  ecosystem_specific: record.optional(),
});

export const osvRecordSchema = z.object({
  schema_version: text.optional(),
  // Used in URLs (/api/admin/advisories/<id>): letters, digits and . _ : - only.
  id: text.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, "must be an OSV id such as GHSA-xxxx-xxxx-xxxx or PYSEC-2024-1"),
  modified: timestamp,
  published: timestamp.optional(),
  withdrawn: timestamp.optional(),
  aliases: z.array(text).optional(),
  related: z.array(text).optional(),
  upstream: z.array(text).optional(),
  summary: text.optional(),
  details: text.optional(),
  severity: z.array(osvSeveritySchema).optional(),
  affected: z.array(osvAffectedSchema).optional(),
  references: z.array(z.object({ type: text, url: text })).optional(),
  database_specific: record.optional(),
});

export type OsvRecord = z.infer<typeof osvRecordSchema>;
export type OsvAffected = z.infer<typeof osvAffectedSchema>;
export type OsvRange = z.infer<typeof osvRangeSchema>;
export type OsvEvent = z.infer<typeof osvEventSchema>;
