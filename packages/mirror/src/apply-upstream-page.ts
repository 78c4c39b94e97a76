// Makes the database's copy of one mirrored project match an upstream page, in one
// transaction: releases and files upserted by filename, files gone upstream removed unless
// their bytes are cached, and the project's serial bumped only when something visible changed.
import { recordAuditEvent, type Db, type File, type Prisma } from "@wheelhouse/db";
import { canonicalizeVersion, parseDistributionFilename, type NormalizedName } from "@wheelhouse/packaging";
import type { Logger } from "pino";
import type { MirrorIndexRow } from "./mirror-deps.ts";
import type { UpstreamFile, UpstreamPage } from "@wheelhouse/simple-index";

/** A file of the page that names a distribution we understand. */
interface PageEntry {
  file: UpstreamFile;
  version: string;
  canonicalVersion: string;
  packageType: "bdist_wheel" | "sdist";
  pythonVersion: string;
}

export interface PageFetchInfo {
  etag: string | null;
  serial: number | null;
}

export interface ApplyResult {
  projectId: number;
  added: number;
  updated: number;
  removed: number;
}

/** Large pages (thousands of files) take a while; Prisma's default is 5 s. */
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 120_000 } as const;

export async function applyUpstreamPage(
  db: Db,
  log: Logger,
  index: MirrorIndexRow,
  name: NormalizedName,
  page: UpstreamPage,
  fetched: PageFetchInfo,
  now: Date = new Date(),
): Promise<ApplyResult> {
  const entries = pageEntries(page, name, log, index.name);
  return db.$transaction(async (tx) => {
    const project = await tx.project.upsert({
      where: { indexId_name: { indexId: index.id, name } },
      create: { indexId: index.id, name, displayName: name },
      update: {},
    });
    const counts = { added: 0, updated: 0, removed: 0 };

    const releaseIds = await ensureReleases(tx, project.id, entries);
    counts.updated += await syncReleaseState(tx, project.id, entries);

    const existing = await tx.file.findMany({ where: { projectId: project.id } });
    const byFilename = new Map(existing.map((file) => [file.filename, file]));
    const toCreate: Prisma.FileCreateManyInput[] = [];
    for (const entry of entries.values()) {
      const { file } = entry;
      const current = byFilename.get(file.filename);
      if (!current) {
        toCreate.push({
          releaseId: releaseIds.get(entry.canonicalVersion)!,
          projectId: project.id,
          indexId: index.id,
          filename: file.filename,
          packageType: entry.packageType,
          pythonVersion: entry.pythonVersion,
          // PEP 503 HTML gives no size: unknown (null), never 0; learnt on the first fetch.
          size: file.size === null ? null : BigInt(file.size),
          // A page without hashes (allowed by PEP 503): the sha256 is learnt on the first fetch.
          sha256: file.sha256 ?? "",
          requiresPython: file.requiresPython,
          metadataSha256: file.coreMetadata === false ? null : file.coreMetadata.sha256,
          yanked: file.yanked !== false,
          yankedReason: file.yanked === false || file.yanked === "" ? null : file.yanked,
          // Upstream gave no upload-time (HTML pages): first seen is the best we know (for quarantine).
          uploadedAt: file.uploadTime ?? now,
          storageKey: null,
          upstreamUrl: file.url,
        });
        continue;
      }
      const changes = fileChanges(current, file, log);
      if (Object.keys(changes).length > 0) {
        await tx.file.update({ where: { id: current.id }, data: changes });
        counts.updated++;
      }
    }
    if (toCreate.length > 0) {
      // skipDuplicates: another process may be refreshing the same page right now.
      counts.added += (await tx.file.createMany({ data: toCreate, skipDuplicates: true })).count;
    }

    // Gone upstream: bytes we never fetched are forgotten; cached bytes stay installable.
    const gone = existing.filter((file) => !entries.has(file.filename) && file.storageKey === null).map((file) => file.id);
    if (gone.length > 0) counts.removed += (await tx.file.deleteMany({ where: { id: { in: gone } } })).count;
    await tx.release.deleteMany({ where: { projectId: project.id, files: { none: {} } } });

    if (counts.added + counts.updated + counts.removed > 0) {
      await recordAuditEvent(
        tx,
        { actor: null, action: "mirror.refresh", indexName: index.name, projectName: name, details: { ...counts, upstreamSerial: fetched.serial } },
        project.id,
      );
    }
    await tx.mirrorPage.upsert({
      where: { indexId_name: { indexId: index.id, name } },
      create: { indexId: index.id, name, upstreamStatus: 200, etag: fetched.etag, upstreamSerial: fetched.serial, fetchedAt: now },
      update: { upstreamStatus: 200, etag: fetched.etag, upstreamSerial: fetched.serial, fetchedAt: now },
    });
    return { projectId: project.id, ...counts };
  }, TRANSACTION_OPTIONS);
}

/** The page's files we can place in a release, by filename (first link wins). */
function pageEntries(page: UpstreamPage, name: NormalizedName, log: Logger, indexName: string): Map<string, PageEntry> {
  const entries = new Map<string, PageEntry>();
  const skipped: string[] = [];
  for (const file of page.files) {
    if (entries.has(file.filename)) continue;
    try {
      const parsed = parseDistributionFilename(file.filename, { project: name });
      const version = parsed.version.toString();
      entries.set(file.filename, {
        file,
        version,
        canonicalVersion: canonicalizeVersion(parsed.version),
        packageType: parsed.kind === "wheel" ? "bdist_wheel" : "sdist",
        pythonVersion: parsed.kind === "wheel" ? [...new Set(parsed.tags.map((tag) => tag.interpreter))].join(".") : "source",
      });
    } catch {
      // Eggs, .exe installers, .tar.bz2 sdists, non-PEP 440 versions: installers skip them too.
      skipped.push(file.filename);
    }
  }
  if (skipped.length > 0)
    log.debug({ index: indexName, project: name, skipped: skipped.slice(0, 20), count: skipped.length }, "mirror: skipped files that are not wheels or sdists");
  return entries;
}

/** Release rows for every version on the page; returns canonical version → release id. */
async function ensureReleases(tx: Prisma.TransactionClient, projectId: number, entries: Map<string, PageEntry>): Promise<Map<string, number>> {
  const byVersion = new Map<string, PageEntry>();
  for (const entry of entries.values()) if (!byVersion.has(entry.canonicalVersion)) byVersion.set(entry.canonicalVersion, entry);
  const existing = await tx.release.findMany({ where: { projectId }, select: { id: true, canonicalVersion: true } });
  const ids = new Map(existing.map((release) => [release.canonicalVersion, release.id]));
  const missing = [...byVersion.values()].filter((entry) => !ids.has(entry.canonicalVersion));
  if (missing.length > 0) {
    await tx.release.createMany({
      data: missing.map((entry) => ({
        projectId,
        version: entry.version,
        canonicalVersion: entry.canonicalVersion,
        requiresPython: entry.file.requiresPython,
        info: {},
      })),
      skipDuplicates: true,
    });
    const created = await tx.release.findMany({
      where: { projectId, canonicalVersion: { in: missing.map((e) => e.canonicalVersion) } },
      select: { id: true, canonicalVersion: true },
    });
    for (const release of created) ids.set(release.canonicalVersion, release.id);
  }
  return ids;
}

/** PEP 592 on the simple API is per file; a release counts as yanked when all its files are. Returns the rows changed. */
async function syncReleaseState(tx: Prisma.TransactionClient, projectId: number, entries: Map<string, PageEntry>): Promise<number> {
  const files = new Map<string, UpstreamFile[]>();
  for (const entry of entries.values()) files.set(entry.canonicalVersion, [...(files.get(entry.canonicalVersion) ?? []), entry.file]);
  const releases = await tx.release.findMany({
    where: { projectId },
    select: { id: true, canonicalVersion: true, yanked: true, yankedReason: true, requiresPython: true },
  });
  let changed = 0;
  for (const release of releases) {
    const upstream = files.get(release.canonicalVersion);
    if (!upstream) continue;
    const yanked = upstream.every((file) => file.yanked !== false);
    const reason = yanked ? upstream.map((file) => file.yanked).find((r) => typeof r === "string" && r !== "") || null : null;
    const requiresPython = upstream.find((file) => file.requiresPython)?.requiresPython ?? null;
    if (release.yanked !== yanked || release.yankedReason !== (reason || null) || release.requiresPython !== requiresPython) {
      await tx.release.update({ where: { id: release.id }, data: { yanked, yankedReason: reason || null, requiresPython } });
      changed++;
    }
  }
  return changed;
}

/** What upstream changed about a file we already list. Bytes we cached are the truth for their own hash and size. */
function fileChanges(current: File, file: UpstreamFile, log: Logger): Prisma.FileUpdateInput {
  const changes: Prisma.FileUpdateInput = {};
  const cached = current.storageKey !== null;
  if (current.upstreamUrl !== file.url) changes.upstreamUrl = file.url;
  if (current.requiresPython !== file.requiresPython) changes.requiresPython = file.requiresPython;
  const yanked = file.yanked !== false;
  const yankedReason = file.yanked === false || file.yanked === "" ? null : file.yanked;
  if (current.yanked !== yanked) changes.yanked = yanked;
  if (current.yankedReason !== yankedReason) changes.yankedReason = yankedReason;
  if (file.uploadTime && current.uploadedAt.getTime() !== file.uploadTime.getTime()) changes.uploadedAt = file.uploadTime;
  if (file.sha256 && file.sha256 !== current.sha256) {
    if (cached) {
      log.warn(
        { file: current.filename, cached: current.sha256, upstream: file.sha256 },
        "mirror: upstream changed the sha256 of a file already cached; keeping the cached bytes",
      );
    } else {
      changes.sha256 = file.sha256;
    }
  }
  if (!cached && file.size !== null && BigInt(file.size) !== current.size) changes.size = BigInt(file.size);
  // PEP 658: upstream's digest wins; metadata we extracted ourselves stays when upstream offers none.
  const offered = file.coreMetadata === false ? null : file.coreMetadata.sha256;
  if (offered !== null) {
    if (current.metadataSha256 !== offered) {
      changes.metadataSha256 = offered;
      if (current.coreMetadata !== null) changes.coreMetadata = null;
    }
  } else if (current.coreMetadata === null && current.metadataSha256 !== null) {
    changes.metadataSha256 = null;
  }
  return changes;
}
