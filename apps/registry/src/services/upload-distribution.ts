import { createHash } from "node:crypto";
// The upload door: a staged (hashed, stored under a temporary key) file becomes a visible
// release file only after every check passes, in one transaction. Any failure removes the
// staged bytes; a crash leaves at most an `incoming/` blob, which garbage collection removes.
import { recordAuditEvent, Prisma, type Db } from "@wheelhouse/db";
import type { BlobStore } from "@wheelhouse/storage";
import { STAGING_PREFIX, storageKeyFor } from "@wheelhouse/mirror";
import type { Principal } from "../auth/principal.ts";
import { assertMayUploadToProject } from "../auth/authorize.ts";
import { BadRequest } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { CheckedFilename } from "../upload/check-filename.ts";
import { discardStaged, type StagedFile } from "../upload/staging-storage-engine.ts";
import type { UploadForm } from "../upload/upload-form.ts";
import { releaseInfoFromMetadata } from "./release-info.ts";
import { validateDistribution, type ReadMetadata } from "./validate-distribution.ts";

export interface UploadDeps {
  db: Db;
  store: BlobStore;
  log: Logger;
}

export interface UploadRequest {
  index: { id: number; name: string };
  principal: Principal;
  form: UploadForm;
  staged: StagedFile;
}

export type UploadOutcome = "created" | "unchanged";

export async function uploadDistribution(deps: UploadDeps, request: UploadRequest): Promise<UploadOutcome> {
  const { staged } = request;
  let committedKey: string | null = null;
  try {
    checkDigests(request.form, staged);
    const { checked, metadata } = await validateDistribution(staged.tmpPath, staged.originalname, request.form);
    // Core metadata spec: a newer minor Metadata-Version is accepted with a warning, not refused.
    for (const warning of metadata.parsed.warnings) deps.log.warn({ filename: checked.filename }, warning);
    // Permission first, as PyPI does: a non-owner learns nothing about existing files.
    await checkProjectAccess(deps.db, request, checked.name);
    const existing = await checkExistingFile(deps.db, request, checked, staged);
    if (existing === "unchanged") return "unchanged";

    committedKey = storageKeyFor(staged.sha256, staged.blobKey.slice(STAGING_PREFIX.length), checked.filename);
    await deps.store.move(staged.blobKey, committedKey);
    const outcome = await commitFile(deps.db, request, checked, metadata, committedKey);
    // Lost a race with an identical upload: the winner's row points at its own key.
    if (outcome === "unchanged") await deps.store.delete(committedKey);
    return outcome;
  } catch (err) {
    if (committedKey) await deps.store.delete(committedKey).catch(() => {});
    throw err;
  } finally {
    await discardStaged(deps.store, staged).catch((err: unknown) => deps.log.warn({ err }, "could not remove staged upload"));
  }
}

function checkDigests(form: UploadForm, staged: StagedFile): void {
  const pairs = [
    [form.digests.sha256, staged.sha256],
    [form.digests.md5, staged.md5],
    [form.digests.blake2b256, staged.blake2b256],
  ] as const;
  if (pairs.some(([given, actual]) => given !== undefined && given !== actual)) {
    throw new BadRequest("The digest supplied does not match a digest calculated from the uploaded file.", "digest-mismatch");
  }
}

/** PyPI's rules: an identical re-upload is a no-op; a filename is never reused for other bytes. */
async function checkExistingFile(db: Db, request: UploadRequest, checked: CheckedFilename, staged: StagedFile): Promise<UploadOutcome | null> {
  const file = await db.file.findUnique({ where: { indexId_filename: { indexId: request.index.id, filename: checked.filename } } });
  if (file) {
    if (file.sha256 === staged.sha256) return "unchanged";
    throw fileExists(checked.filename, file.blake2b256 ?? file.sha256);
  }
  const deleted = await db.deletedFilename.findUnique({ where: { indexId_filename: { indexId: request.index.id, filename: checked.filename } } });
  if (deleted) {
    throw new BadRequest("This filename has already been used, use a different version.", "filename-reused");
  }
  if (request.form.filetype === "sdist") {
    const otherSdist = await db.file.findFirst({
      where: { indexId: request.index.id, packageType: "sdist", release: { canonicalVersion: checked.canonicalVersion, project: { name: checked.name } } },
    });
    if (otherSdist) throw new BadRequest(`Only one sdist may be uploaded per release: ${otherSdist.filename} exists.`, "second-sdist");
  }
  return null;
}

function fileExists(filename: string, blake2b256: string): BadRequest {
  // twine --skip-existing looks for "File already exists" in the answer.
  return new BadRequest(`File already exists ('${filename}', with blake2_256 hash '${blake2b256}').`, "file-exists");
}

async function checkProjectAccess(db: Db, request: UploadRequest, name: string): Promise<void> {
  const project = await db.project.findUnique({
    where: { indexId_name: { indexId: request.index.id, name } },
    include: { owners: true },
  });
  assertMayUploadToProject(
    request.principal,
    project && { name: project.name, displayName: project.displayName, ownerIds: project.owners.map((o) => o.userId) },
    name,
  );
}

async function commitFile(db: Db, request: UploadRequest, checked: CheckedFilename, metadata: ReadMetadata, storageKey: string): Promise<UploadOutcome> {
  const { index, principal, staged, form } = request;
  const actor = principal.user;
  try {
    await db.$transaction(async (tx) => {
      // INSERT … ON CONFLICT DO NOTHING, then read: parallel uploads of one new project or
      // release (a CI matrix) wait for each other instead of failing on the unique key.
      const created = await tx.project.createMany({
        data: [{ indexId: index.id, name: checked.name, displayName: metadata.parsed.name }],
        skipDuplicates: true,
      });
      const project = await tx.project.findUniqueOrThrow({ where: { indexId_name: { indexId: index.id, name: checked.name } } });
      if (created.count === 1) {
        // PyPI: the first uploader of a project becomes its owner.
        await tx.projectOwner.create({ data: { projectId: project.id, userId: actor.id } });
      } else {
        // Re-checked inside the transaction: another upload may have created the project meanwhile.
        const owners = await tx.projectOwner.findMany({ where: { projectId: project.id } });
        assertMayUploadToProject(principal, { name: project.name, displayName: project.displayName, ownerIds: owners.map((o) => o.userId) }, checked.name);
      }
      await tx.release.createMany({
        data: [
          {
            projectId: project.id,
            version: metadata.parsed.version.toString(),
            canonicalVersion: checked.canonicalVersion,
            summary: metadata.parsed.summary ?? null,
            requiresPython: metadata.requiresPython,
            info: releaseInfoFromMetadata(metadata.parsed, metadata.requiresPython),
          },
        ],
        skipDuplicates: true,
      });
      const release = await tx.release.findUniqueOrThrow({
        where: { projectId_canonicalVersion: { projectId: project.id, canonicalVersion: checked.canonicalVersion } },
      });
      await tx.file.create({
        data: {
          releaseId: release.id,
          projectId: project.id,
          indexId: index.id,
          filename: checked.filename,
          packageType: form.filetype,
          pythonVersion: checked.pythonVersion,
          size: BigInt(staged.size),
          sha256: staged.sha256,
          md5: staged.md5,
          blake2b256: staged.blake2b256,
          requiresPython: metadata.requiresPython,
          coreMetadata: metadata.text,
          metadataSha256: sha256Hex(metadata.text),
          uploaderId: actor.id,
          storageKey,
        },
      });
      await recordAuditEvent(
        tx,
        {
          actor,
          action: "file.upload",
          indexName: index.name,
          projectName: checked.name,
          version: metadata.parsed.version.toString(),
          filename: checked.filename,
          details: { sha256: staged.sha256, size: staged.size, tokenId: principal.token?.id ?? null },
        },
        project.id,
      );
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      // Lost a race with a concurrent upload of the same filename.
      const winner = await db.file.findUnique({ where: { indexId_filename: { indexId: index.id, filename: checked.filename } } });
      if (winner?.sha256 === staged.sha256) return "unchanged";
      if (winner) throw fileExists(checked.filename, winner.blake2b256 ?? winner.sha256);
    }
    throw err;
  }
  return "created";
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
