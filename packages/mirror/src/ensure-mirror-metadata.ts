// PEP 658 for mirrored files: upstream's `<file>.metadata` when it offers one (verified against
// the digest it publishes), else METADATA read from the cached wheel.
import { createHash } from "node:crypto";
import { recordAuditEvent, type File, type Prisma } from "@wheelhouse/db";
import { UpstreamHashMismatch, UpstreamUnavailable } from "./errors.ts";
import { loadMirrorFile } from "./load-mirror-file.ts";
import { upstreamRoot, type MirrorDeps, type MirrorIndexRow } from "./mirror-deps.ts";
import { readWheelMetadata } from "./read-wheel-metadata.ts";
import { SingleFlight } from "./single-flight.ts";
import { displayUrl, readBodyText, resolveTimeouts, upstreamAuth, upstreamGetBytes } from "./upstream-http.ts";

const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const lookups = new SingleFlight<string | null>();

/**
 * The core metadata text of a mirrored file, stored in File.coreMetadata and metadataSha256, or
 * null when there is none to be had (an sdist or a wheel not cached yet, and upstream offers no
 * `.metadata`). Throws UpstreamUnavailable / UpstreamHashMismatch when upstream's `.metadata`
 * cannot be had and there is no cached wheel to read instead.
 */
export async function ensureMirrorMetadata(deps: MirrorDeps, index: MirrorIndexRow, fileId: number): Promise<string | null> {
  const file = await loadMirrorFile(deps, index, fileId);
  if (file.coreMetadata !== null) return file.coreMetadata;
  return lookups.run(`${index.id}:${file.id}`, () => lookUp(deps, index, file));
}

async function lookUp(deps: MirrorDeps, index: MirrorIndexRow, file: File): Promise<string | null> {
  const readable = file.storageKey !== null && file.filename.endsWith(".whl");
  if (file.metadataSha256 !== null && file.upstreamUrl) {
    try {
      const text = await fetchUpstreamMetadata(deps, index, file, file.metadataSha256);
      await deps.db.file.update({ where: { id: file.id }, data: { coreMetadata: text } });
      return text;
    } catch (err) {
      if (!readable || !(err instanceof UpstreamUnavailable || err instanceof UpstreamHashMismatch)) throw err;
      deps.log.warn({ index: index.name, file: file.filename, err: err.message }, "mirror: upstream metadata unavailable; reading the cached wheel");
    }
  }
  if (!readable) return null;
  const text = await readWheelMetadata(deps.store, file.storageKey!, Number(file.size), file.filename);
  if (text === null) return null;
  const sha256 = sha256Hex(Buffer.from(text, "utf8"));
  await deps.db.$transaction(async (tx) => {
    await tx.file.update({ where: { id: file.id }, data: { coreMetadata: text, metadataSha256: sha256 } });
    // The page now offers a .metadata it did not (or with another digest): a new serial.
    if (file.metadataSha256 !== sha256) {
      await recordAuditEvent(tx, { actor: null, action: "mirror.metadata", indexName: index.name, projectName: await projectName(tx, file.projectId), filename: file.filename, details: { metadataSha256: sha256 } }, file.projectId);
    }
  });
  return text;
}

async function projectName(tx: Prisma.TransactionClient, projectId: number): Promise<string> {
  return (await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { name: true } })).name;
}

async function fetchUpstreamMetadata(deps: MirrorDeps, index: MirrorIndexRow, file: File, expected: string): Promise<string> {
  const url = `${file.upstreamUrl!}.metadata`;
  const shown = displayUrl(url);
  const timeouts = resolveTimeouts(deps.upstreamTimeouts);
  const response = await upstreamGetBytes({ url: url, shownUrl: shown, auth: upstreamAuth(upstreamRoot(index), index.upstreamUsername, index.upstreamPassword), timeouts });
  const text = await readBodyText(response, shown, timeouts, MAX_METADATA_BYTES);
  // Hashed as we will serve it: the stored text re-encoded as UTF-8.
  if (sha256Hex(Buffer.from(text, "utf8")) !== expected) throw new UpstreamHashMismatch(`${file.filename}.metadata`);
  return text;
}

function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
