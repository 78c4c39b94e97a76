// PEP 658 for mirrored files: upstream's `<file>.metadata` when it offers one (verified against
// the digest it publishes), else METADATA read from the wheel: the cached copy, or upstream's by
// range requests.
import { createHash } from "node:crypto";
import { recordAuditEvent, type File, type Prisma } from "@wheelhouse/db";
import { UpstreamHashMismatch, UpstreamUnavailable } from "./errors.ts";
import { loadMirrorFile } from "./load-mirror-file.ts";
import { upstreamHosts, upstreamRoot, type MirrorContext, type MirrorIndexRow } from "./mirror-deps.ts";
import { cacheMirrorFile } from "./open-mirror-file.ts";
import { readUpstreamWheelMetadata } from "./read-upstream-wheel-metadata.ts";
import { readWheelMetadata } from "./read-wheel-metadata.ts";
import { displayUrl, readBodyText, upstreamAuth } from "./upstream-http.ts";

const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/**
 * The core metadata text of a mirrored file, stored in File.coreMetadata and metadataSha256, or
 * null when there is none to be had (an sdist, and upstream offers no `.metadata`; a wheel
 * without METADATA). Throws UpstreamUnavailable / UpstreamHashMismatch when neither upstream's
 * `.metadata` nor the wheel can be had.
 */
export async function ensureMirrorMetadata(deps: MirrorContext, index: MirrorIndexRow, fileId: number): Promise<string | null> {
  const file = await loadMirrorFile(deps, index, fileId);
  if (file.coreMetadata !== null) return file.coreMetadata;
  return deps.metadataLookups.run(`${index.id}:${file.id}`, () => lookUp(deps, index, file));
}

async function lookUp(deps: MirrorContext, index: MirrorIndexRow, file: File): Promise<string | null> {
  const wheel = file.filename.endsWith(".whl");
  const cached = wheel && file.storageKey !== null;
  if (file.metadataSha256 !== null && file.upstreamUrl) {
    try {
      const text = await fetchUpstreamMetadata(deps, index, file, file.metadataSha256);
      await deps.db.file.update({ where: { id: file.id }, data: { coreMetadata: text } });
      return text;
    } catch (err) {
      // The cached wheel was verified against its sha256; upstream's wheel read by ranges would not be.
      if (!cached || !(err instanceof UpstreamUnavailable || err instanceof UpstreamHashMismatch)) throw err;
      deps.log.warn({ index: index.name, file: file.filename, err: err.message }, "mirror: upstream metadata unavailable; reading the cached wheel");
    }
  }
  if (!wheel) return null;
  const text = cached ? await readWheelMetadata(deps.store, file.storageKey!, Number(file.size), file.filename) : await readUncachedWheel(deps, index, file);
  if (text === null) return null;
  const sha256 = sha256Hex(Buffer.from(text, "utf8"));
  await deps.db.$transaction(async (tx) => {
    await tx.file.update({ where: { id: file.id }, data: { coreMetadata: text, metadataSha256: sha256 } });
    // The page now offers a .metadata it did not (or with another digest): a new serial.
    if (file.metadataSha256 !== sha256) {
      await recordAuditEvent(
        tx,
        {
          actor: null,
          action: "mirror.metadata",
          indexName: index.name,
          projectName: await projectName(tx, file.projectId),
          filename: file.filename,
          details: { metadataSha256: sha256 },
        },
        file.projectId,
      );
    }
  });
  return text;
}

/**
 * An upstream without PEP 658 files (plain PEP 503 HTML: static trees, older devpi, Nexus): the
 * METADATA is read by range requests into the upstream wheel, or, where upstream ignores
 * ranges, from the whole wheel, fetched and verified as any download is.
 */
async function readUncachedWheel(deps: MirrorContext, index: MirrorIndexRow, file: File): Promise<string | null> {
  const text = await readUpstreamWheelMetadata(deps, index, file);
  if (text !== null) return text;
  await cacheMirrorFile(deps, index, file.id);
  const cached = await loadMirrorFile(deps, index, file.id);
  return cached.storageKey === null ? null : readWheelMetadata(deps.store, cached.storageKey, Number(cached.size), cached.filename);
}

async function projectName(tx: Prisma.TransactionClient, projectId: number): Promise<string> {
  return (await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { name: true } })).name;
}

async function fetchUpstreamMetadata(deps: MirrorContext, index: MirrorIndexRow, file: File, expected: string): Promise<string> {
  const url = `${file.upstreamUrl!}.metadata`;
  const shown = displayUrl(url);
  const auth = upstreamAuth(upstreamRoot(index), index.upstreamUsername, index.upstreamPassword);
  const response = await deps.http.getBytes({ url, shownUrl: shown, auth, allowed: upstreamHosts(index) });
  const text = await readBodyText(response, shown, deps.http.timeouts, MAX_METADATA_BYTES);
  // Hashed as we will serve it: the stored text re-encoded as UTF-8.
  if (sha256Hex(Buffer.from(text, "utf8")) !== expected) throw new UpstreamHashMismatch(`${file.filename}.metadata`);
  return text;
}

function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
