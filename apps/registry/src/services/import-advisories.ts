// Advisory import: OSV files (a zip or a directory, e.g. OSV's PyPI export carried over an air
// gap) → Advisory and AdvisoryPackage rows. All or nothing: every file is read and validated
// first, and one malformed file refuses the whole import, naming the file and the field. Then
// one transaction writes what changed, in batches: a record replaces the stored one only when
// its `modified` is newer; a withdrawn record is stored as withdrawn. The files are read twice
// (validate, then write) rather than held in memory: an export is tens of thousands of files.
import { InvalidAdvisory, parseOsvAdvisory, type ParsedAdvisory, type ParseResult } from "@wheelhouse/advisories";
import { recordAuditEvent, type Db, type Prisma } from "@wheelhouse/db";
import { AppError, BadRequest } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { openAdvisorySource, type AdvisoryFile } from "./advisory-files.ts";

export interface AdvisoryImportSummary {
  /** OSV files read. */
  files: number;
  /** New advisories (not withdrawn). */
  added: number;
  /** Stored advisories replaced by a newer record (not withdrawn). */
  updated: number;
  /** Records whose `modified` is not newer than the stored one's: left as they were. */
  unchanged: number;
  /** New or newer records that are withdrawn: stored as withdrawn. */
  withdrawn: number;
  /** Records that name no PyPI package: not stored. */
  skippedNonPyPI: number;
  /** The advisory generation after the import (derived caches compare it). */
  generation: number;
}

type Actor = { id: number; username: string } | null;

const WRITE_BATCH = 200;
const LOOKUP_CHUNK = 5_000;
/** pg_advisory_xact_lock key: one advisory import at a time ("WHADV"). */
const IMPORT_LOCK = 0x5748414456;

function refused(err: unknown): unknown {
  if (err instanceof InvalidAdvisory) return new BadRequest(`Advisory import refused, nothing was imported: ${err.message}`, "bad-advisory");
  if (err instanceof AppError && err.status === 400) return new BadRequest(`Advisory import refused, nothing was imported: ${err.message}`, err.code);
  return err;
}

async function parseFile(file: AdvisoryFile): Promise<ParseResult> {
  return parseOsvAdvisory(await file.read(), file.name);
}

export async function importAdvisories(
  deps: { db: Db; log?: Logger },
  input: { path: string; actor: Actor /** How errors name the source (default: the path). */; label?: string },
): Promise<AdvisoryImportSummary> {
  const { db } = deps;
  const source = await openAdvisorySource(input.path, input.label).catch((err: unknown) => {
    throw refused(err);
  });

  // Pass 1: validate every file; remember where the newest record of each id is.
  const newest = new Map<string, { ordinal: number; modified: number }>();
  let files = 0;
  let skippedNonPyPI = 0;
  try {
    for await (const file of source.files()) {
      const ordinal = files++;
      const result = await parseFile(file);
      if (result.kind === "skipped") {
        skippedNonPyPI++;
        continue;
      }
      const { id, modified } = result.advisory;
      const seen = newest.get(id);
      if (!seen || modified.getTime() > seen.modified) newest.set(id, { ordinal, modified: modified.getTime() });
    }
  } catch (err) {
    throw refused(err);
  }
  if (files === 0) throw new BadRequest(`Advisory import refused: no OSV .json files in the ${source.kind}.`, "bad-advisory-source");

  const summary = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IMPORT_LOCK}::bigint)`;
      const stored = new Map<string, number>();
      const ids = [...newest.keys()];
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        const rows = await tx.advisory.findMany({ where: { id: { in: ids.slice(i, i + LOOKUP_CHUNK) } }, select: { id: true, modified: true } });
        for (const row of rows) stored.set(row.id, row.modified.getTime());
      }
      const toWrite = new Map<number, string>();
      let unchanged = 0;
      for (const [id, { ordinal, modified }] of newest) {
        const old = stored.get(id);
        if (old !== undefined && old >= modified) unchanged++;
        else toWrite.set(ordinal, id);
      }

      // Pass 2: read again only what changes, and write it in batches.
      const counts = { added: 0, updated: 0, withdrawn: 0 };
      const importedAt = new Date();
      let batch: ParsedAdvisory[] = [];
      let written = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        await writeBatch(tx, batch, importedAt);
        written += batch.length;
        batch = [];
      };
      let ordinal = 0;
      for await (const file of source.files()) {
        const id = toWrite.get(ordinal++);
        if (id === undefined) continue;
        const result = await parseFile(file);
        if (result.kind !== "advisory" || result.advisory.id !== id)
          throw new BadRequest(`${file.name} changed during the import; nothing was imported.`, "bad-advisory-source");
        const advisory = result.advisory;
        if (advisory.withdrawn) counts.withdrawn++;
        else if (stored.has(id)) counts.updated++;
        else counts.added++;
        batch.push(advisory);
        if (batch.length >= WRITE_BATCH) await flush();
      }
      await flush();
      if (written !== toWrite.size) throw new BadRequest("Files changed during the import; nothing was imported.", "bad-advisory-source");

      const totals = { files, ...counts, unchanged, skippedNonPyPI };
      const row = await tx.advisoryImport.create({ data: { ...totals, actorName: input.actor?.username ?? null } });
      await recordAuditEvent(tx, { actor: input.actor, action: "advisories.import", details: { ...totals, source: source.kind } });
      return { ...totals, generation: row.id };
    },
    // A full export is tens of thousands of rows: give the writes time.
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
  deps.log?.info({ ...summary, by: input.actor?.username }, "advisories imported");
  return summary;
}

async function writeBatch(tx: Prisma.TransactionClient, batch: ParsedAdvisory[], importedAt: Date): Promise<void> {
  // Replace whole records: the cascade removes the old package rows with them.
  await tx.advisory.deleteMany({ where: { id: { in: batch.map((a) => a.id) } } });
  // One JSON parameter per table and batch, unpacked by jsonb_to_recordset: about twice as fast as
  // createMany for a full export (tens of MB of details and raw records).
  const advisories = JSON.stringify(
    batch.map((a) => ({
      id: a.id,
      aliases: a.aliases,
      summary: a.summary,
      details: a.details,
      severity: a.severity,
      link: a.link,
      source: a.source,
      published: a.published,
      modified: a.modified,
      withdrawn: a.withdrawn,
      raw: a.raw,
    })),
  );
  await tx.$executeRaw`
    INSERT INTO "Advisory" ("id", "aliases", "summary", "details", "severity", "link", "source", "published", "modified", "withdrawn", "raw", "importedAt")
    SELECT r."id", r."aliases", r."summary", r."details", r."severity", r."link", r."source", r."published", r."modified", r."withdrawn", r."raw", ${importedAt}
    FROM jsonb_to_recordset(${advisories}::jsonb) AS r(
      "id" text, "aliases" text[], "summary" text, "details" text, "severity" text, "link" text, "source" text,
      "published" timestamp(3), "modified" timestamp(3), "withdrawn" timestamp(3), "raw" jsonb)`;
  const packages = JSON.stringify(
    batch.flatMap((a) => a.packages.map((p) => ({ advisoryId: a.id, name: p.name, ranges: p.ranges, versions: p.versions, fixedIn: p.fixedIn }))),
  );
  await tx.$executeRaw`
    INSERT INTO "AdvisoryPackage" ("advisoryId", "name", "ranges", "versions", "fixedIn")
    SELECT r."advisoryId", r."name", r."ranges", r."versions", r."fixedIn"
    FROM jsonb_to_recordset(${packages}::jsonb) AS r("advisoryId" text, "name" text, "ranges" jsonb, "versions" text[], "fixedIn" text[])`;
}
