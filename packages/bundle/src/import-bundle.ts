// Import: the upload door, for many files at once. The tar is read as a stream; every file member
// is hashed while it is written to a staging key (`incoming/<uuid>`) and checked against the
// manifest. Only when every file is verified are the blobs moved to their final keys and one
// transaction makes all of them visible. Any failure removes what was staged or moved and leaves
// nothing visible; a crash leaves at most `incoming/` or unreferenced blobs, which garbage
// collection removes.
import { randomUUID } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { canonicalizeVersion } from "@wheelhouse/packaging";
import { Prisma, type Db } from "@wheelhouse/db";
import { DistributionHasher, STAGING_PREFIX, storageKeyFor, type Digests } from "@wheelhouse/mirror";
import { recordAuditEvent } from "@wheelhouse/db";
import { BundleError, invalidBundle } from "./bundle-error.ts";
import type { BundleDeps, BundleFileRead, CheckBundleFile, IndexRow } from "./bundle-deps.ts";
import {
  FILE_MEMBER_PREFIX,
  MANIFEST_MEMBER,
  MAX_MANIFEST_BYTES,
  fileMemberName,
  manifestFiles,
  parseBundleManifest,
  type BundleFile,
  type BundleManifest,
  type BundleProject,
  type BundleRelease,
  sha256Hex,
} from "./bundle-manifest.ts";
import { findBundleIndex } from "./find-bundle-index.ts";

type TarEntry = tar.ExtractEvents["entry"][1];

/** One transaction makes a whole bundle visible; a large one needs longer than Prisma's 5 s default. */
const TRANSACTION_TIMEOUT_MS = 10 * 60_000;

export interface ImportBundleOptions {
  index: string;
  input: Readable;
  /** Who imports, for the audit log; null for the server-side admin command. */
  actor?: { id: number; username: string } | null;
  /**
   * The registry's checks of every file that enters (those of an upload): a bundle is one more
   * door, and the manifest's word on a file's project, version or safety is not enough.
   */
  checkFile: CheckBundleFile;
}

export interface ImportSummary {
  /** Files that became visible (or, in a mirror index, whose bytes were missing and are now stored). */
  created: number;
  /** Files the index already had with the same sha256. */
  unchanged: number;
}

/** What the index holds of a manifest file before the import. */
type FileState =
  /** Nothing: the file is created. */
  | "new"
  /** A mirror row with the same sha256 whose bytes were never fetched: the bytes are stored. */
  | "fill"
  /** The same bytes are already served. */
  | "same";

interface ExpectedFile {
  project: BundleProject;
  release: BundleRelease;
  file: BundleFile;
  state: FileState;
}

interface ReceivedFile extends Digests {
  /** Where the verified bytes wait; null when the index already has them. */
  stagedKey: string | null;
  /** Where they were moved before the commit. */
  storageKey?: string;
  /** What the registry read from the staged file itself (null when not staged). */
  read: BundleFileRead | null;
}

export async function importBundle(deps: BundleDeps, opts: ImportBundleOptions): Promise<ImportSummary> {
  // The input may fail before it is read (the client goes away while the index is looked up):
  // the reader finds that error on the stream; until then it must not go unhandled.
  opts.input.on("error", () => {});
  const index = await findBundleIndex(deps.db, opts.index);
  const staged: string[] = [];
  /** Final keys written by this import; each is this import's alone (see storageKeyFor). */
  const moved = new Set<string>();
  try {
    const { manifest, expected, received } = await receiveBundle(deps, index, opts.input, staged, opts.checkFile);
    // Move, then commit (as an upload does): a visible row never points at a missing blob.
    for (const { file } of expected.values()) {
      // Staging keys share the upload path's prefix, so the same garbage collection covers them.
      const stagedKey = received.get(file.filename)!.stagedKey;
      if (stagedKey === null) continue;
      const key = storageKeyFor(file.sha256, stagedKey.slice(STAGING_PREFIX.length), file.filename);
      await deps.store.move(stagedKey, key);
      moved.add(key);
      received.get(file.filename)!.storageKey = key;
    }
    const { summary, used } =
      moved.size === 0
        ? { summary: { created: 0, unchanged: expected.size }, used: new Set<string>() }
        : await commitBundle(deps.db, index, opts.actor ?? null, manifest, expected, received);
    // Keys no row took (another writer filled a mirror row meanwhile) are removed like failures.
    for (const key of used) moved.delete(key);
    deps.log.info({ index: index.name, ...summary }, "bundle imported");
    return summary;
  } finally {
    for (const key of [...staged, ...moved]) {
      await deps.store.delete(key).catch((err: unknown) => deps.log.warn({ err, key }, "could not remove a bundle blob; left for garbage collection"));
    }
  }
}

/**
 * Reads the whole tar: the manifest first, then every file, staged and verified. On failure the
 * input is unpiped and left to its owner (an HTTP handler still answers; a file is closed).
 */
async function receiveBundle(
  deps: BundleDeps,
  index: IndexRow,
  input: Readable,
  staged: string[],
  checkFile: CheckBundleFile,
): Promise<{ manifest: BundleManifest; expected: Map<string, ExpectedFile>; received: Map<string, ReceivedFile> }> {
  const extract = tar.extract();
  // The first error of the input or of an entry: a read failure, reported as a damaged bundle.
  const stream: { error: Error | null } = { error: null };
  const onInputError = (err: Error) => {
    stream.error ??= err;
    extract.destroy(err);
  };
  input.on("error", onInputError);
  // A stream that failed or closed before we got to it never emits again: say so now.
  if (input.errored || input.destroyed) onInputError(input.errored ?? new Error("the input was closed before it was read"));
  input.pipe(extract);
  const entries = extract[Symbol.asyncIterator]();
  let manifest: BundleManifest | null = null;
  let expected = new Map<string, ExpectedFile>();
  const received = new Map<string, ReceivedFile>();
  try {
    for (;;) {
      let next: IteratorResult<TarEntry>;
      try {
        next = await entries.next();
      } catch (err) {
        throw unreadable(stream.error ?? (err as Error));
      }
      if (next.done) break;
      const entry = next.value;
      entry.on("error", (err: Error) => {
        stream.error ??= err;
      });
      const { name, type, size = 0 } = entry.header;
      try {
        if (manifest === null) {
          if (name !== MANIFEST_MEMBER || type !== "file") throw invalidBundle(`the first member must be ${MANIFEST_MEMBER}, found '${name}'.`);
          if (size > MAX_MANIFEST_BYTES) throw invalidBundle(`${MANIFEST_MEMBER} is ${size} bytes, more than the ${MAX_MANIFEST_BYTES} allowed.`);
          manifest = parseBundleManifest((await readAll(entry)).toString("utf8"));
          expected = await checkAgainstIndex(deps.db, index, manifest);
          continue;
        }
        const filename = name.startsWith(FILE_MEMBER_PREFIX) ? name.slice(FILE_MEMBER_PREFIX.length) : null;
        const want = filename === null ? undefined : expected.get(filename);
        if (type !== "file" || filename === null || !want) throw invalidBundle(`member '${name}' is not a file the manifest lists.`);
        if (received.has(filename)) throw invalidBundle(`member '${name}' appears twice.`);
        if (size !== want.file.size) throw invalidBundle(`${name} is ${size} bytes, the manifest says ${want.file.size}.`);
        const stagedKey = want.state === "same" ? null : `${STAGING_PREFIX}${randomUUID()}`;
        if (stagedKey) staged.push(stagedKey);
        const digests = await receiveFile(deps, entry, stagedKey, size);
        checkDigests(name, want.file, digests);
        // Bytes the index already serves under this name passed these checks when they entered.
        const read = stagedKey ? await checkStagedFile(checkFile, name, want, stagedKey) : null;
        received.set(filename, { ...digests, stagedKey, read });
      } catch (err) {
        if (err instanceof BundleError || stream.error === null) throw err;
        throw unreadable(stream.error);
      }
    }
    if (stream.error) throw unreadable(stream.error);
  } finally {
    input.unpipe(extract);
    input.off("error", onInputError);
    await entries.return?.();
  }
  if (manifest === null) throw invalidBundle(`the archive is empty; a bundle starts with ${MANIFEST_MEMBER}.`);
  const missing = [...expected.keys()].filter((f) => !received.has(f));
  if (missing.length > 0) {
    throw invalidBundle(`${missing.length} file(s) of the manifest are missing, first ${fileMemberName(missing[0]!)}: the bundle is truncated or incomplete.`);
  }
  return { manifest, expected, received };
}

function unreadable(err: Error): BundleError {
  return invalidBundle(`the archive is truncated or is not a tar file (${err.message}).`);
}

async function readAll(entry: TarEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Hashes one member while writing it to `stagedKey` (or, when the index has the bytes already, only hashes it). */
async function receiveFile(deps: BundleDeps, entry: TarEntry, stagedKey: string | null, size: number): Promise<Digests> {
  const hasher = await DistributionHasher.create();
  // Its failures reach us through the promises below; destroying it with an error after the
  // store gave up on it must not become an unhandled 'error' event that ends the process.
  hasher.on("error", () => {});
  // tar-stream's entries are streamx streams; read them by iteration, which surfaces a truncated
  // archive as an error (Node's pipeline may not see a streamx stream's error and then waits forever).
  const source = Readable.from(entry, { objectMode: false });
  if (stagedKey === null) {
    await pipeline(source, hasher, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
  } else {
    const written = [pipeline(source, hasher), deps.store.put(stagedKey, hasher, { size })];
    // On the first failure stop both sides; the caller removes the staging key.
    await Promise.all(
      written.map((p) =>
        p.catch((err: unknown) => {
          source.destroy();
          hasher.destroy(err instanceof Error ? err : new Error(String(err)));
          throw err;
        }),
      ),
    );
  }
  return hasher.digests();
}

async function checkStagedFile(checkFile: CheckBundleFile, member: string, want: ExpectedFile, stagedKey: string): Promise<BundleFileRead> {
  const verdict = await checkFile({
    filename: want.file.filename,
    projectName: want.project.displayName,
    version: want.release.version,
    packageType: want.file.packageType,
    pythonVersion: want.file.pythonVersion,
    stagedKey,
  });
  if ("refusal" in verdict) {
    throw invalidBundle(`${member} is refused, as an upload of it would be (${verdict.refusal.replace(/\.$/, "")}); nothing was imported.`);
  }
  return verdict;
}

function checkDigests(member: string, file: BundleFile, actual: Digests): void {
  const checks = [
    ["size", String(file.size), String(actual.size)],
    ["sha256", file.sha256, actual.sha256],
    ["md5", file.md5, actual.md5],
    ["blake2b256", file.blake2b256, actual.blake2b256],
  ] as const;
  for (const [what, declared, computed] of checks) {
    if (declared !== null && declared !== computed) {
      throw invalidBundle(
        `${member} does not match the manifest: its ${what} is ${computed}, the manifest says ${declared} (the bundle was altered or damaged).`,
      );
    }
  }
}

/** Refuses, before any byte is staged, a bundle that would reuse a filename for other bytes. */
async function checkAgainstIndex(db: Db, index: IndexRow, manifest: BundleManifest): Promise<Map<string, ExpectedFile>> {
  const expected = new Map<string, ExpectedFile>();
  for (const { project, release, file } of manifestFiles(manifest)) expected.set(file.filename, { project, release, file, state: "new" });
  const filenames = [...expected.keys()];
  const existing = await db.file.findMany({
    where: { indexId: index.id, filename: { in: filenames } },
    select: { filename: true, sha256: true, storageKey: true },
  });
  for (const row of existing) {
    const entry = expected.get(row.filename)!;
    if (row.sha256 !== entry.file.sha256) throw fileConflict(index, row.filename, row.sha256);
    entry.state = row.storageKey === null ? "fill" : "same";
  }
  const deleted = await db.deletedFilename.findFirst({ where: { indexId: index.id, filename: { in: filenames } } });
  if (deleted) throw filenameReused(index, deleted.filename);
  return expected;
}

function fileConflict(index: IndexRow, filename: string, sha256: string): BundleError {
  return new BundleError(
    `File already exists ('${filename}' in index '${index.name}', with sha256 '${sha256}') with other contents than the bundle's; nothing was imported.`,
    "conflict",
  );
}

function filenameReused(index: IndexRow, filename: string): BundleError {
  return new BundleError(
    `The filename '${filename}' was used before in index '${index.name}' and deleted; a filename is never reused. Nothing was imported.`,
    "conflict",
  );
}

/** One transaction: projects, releases and files, one `bundle.import` audit event per project changed. */
async function commitBundle(
  db: Db,
  index: IndexRow,
  actor: { id: number; username: string } | null,
  manifest: BundleManifest,
  expected: Map<string, ExpectedFile>,
  received: Map<string, ReceivedFile>,
): Promise<{ summary: ImportSummary; used: Set<string> }> {
  const used = new Set<string>();
  let created = 0;
  let unchanged = 0;
  try {
    await db.$transaction(
      async (tx) => {
        // Re-checked inside the transaction: an upload may have taken a filename meanwhile.
        const deleted = await tx.deletedFilename.findFirst({ where: { indexId: index.id, filename: { in: [...expected.keys()] } } });
        if (deleted) throw filenameReused(index, deleted.filename);
        // What the index holds of these filenames now, read once for the whole bundle.
        const present = new Map((await tx.file.findMany({ where: { indexId: index.id, filename: { in: [...expected.keys()] } } })).map((f) => [f.filename, f]));
        for (const project of manifest.projects) {
          const changes = project.releases.flatMap((r) => r.files).filter((f) => expected.get(f.filename)!.state !== "same");
          unchanged += project.releases.flatMap((r) => r.files).length - changes.length;
          if (changes.length === 0) continue;
          const projectRow = await tx.project.upsert({
            where: { indexId_name: { indexId: index.id, name: project.name } },
            create: { indexId: index.id, name: project.name, displayName: project.displayName },
            update: {},
          });
          const written: { filename: string; version: string; sha256: string }[] = [];
          for (const release of project.releases) {
            const files = release.files.filter((f) => expected.get(f.filename)!.state !== "same");
            if (files.length === 0) continue;
            const canonicalVersion = canonicalizeVersion(release.version);
            // A new release takes its fields from its files, as an upload would, not from the manifest.
            const read = files.map((f) => received.get(f.filename)?.read).find((r) => r != null);
            const releaseRow = await tx.release.upsert({
              where: { projectId_canonicalVersion: { projectId: projectRow.id, canonicalVersion } },
              create: {
                projectId: projectRow.id,
                version: release.version,
                canonicalVersion,
                summary: read ? read.release.summary : release.summary,
                requiresPython: read ? read.requiresPython : release.requiresPython,
                info: (read ? read.release.info : release.info) as Prisma.InputJsonObject,
                yanked: release.yanked,
                yankedReason: release.yankedReason,
              },
              update: {},
            });
            for (const file of files) {
              const digests = received.get(file.filename)!;
              const storageKey = digests.storageKey!;
              const current = present.get(file.filename);
              if (current && current.sha256 !== file.sha256) throw fileConflict(index, file.filename, current.sha256);
              if (current?.storageKey) {
                unchanged++;
                continue;
              }
              if (current) {
                await tx.file.update({
                  where: { id: current.id },
                  data: { storageKey, md5: current.md5 ?? digests.md5, blake2b256: current.blake2b256 ?? digests.blake2b256 },
                });
              } else {
                // What the file itself says (read by the upload checks), not what the manifest claims.
                const coreMetadata = digests.read?.coreMetadata ?? null;
                const metadataSha256 = coreMetadata === null ? null : sha256Hex(coreMetadata);
                await tx.file.create({
                  data: {
                    releaseId: releaseRow.id,
                    projectId: projectRow.id,
                    indexId: index.id,
                    filename: file.filename,
                    packageType: file.packageType,
                    pythonVersion: file.pythonVersion,
                    size: BigInt(file.size),
                    sha256: file.sha256,
                    md5: digests.md5,
                    blake2b256: digests.blake2b256,
                    requiresPython: digests.read ? digests.read.requiresPython : file.requiresPython,
                    coreMetadata,
                    metadataSha256,
                    yanked: file.yanked,
                    yankedReason: file.yankedReason,
                    uploadedAt: new Date(file.uploadTime),
                    storageKey,
                  },
                });
              }
              created++;
              used.add(storageKey);
              written.push({ filename: file.filename, version: release.version, sha256: file.sha256 });
            }
          }
          if (written.length === 0) continue;
          await recordAuditEvent(
            tx,
            {
              actor,
              action: "bundle.import",
              indexName: index.name,
              projectName: project.name,
              details: { files: written, bundle: { createdAt: manifest.createdAt, source: manifest.source } },
            },
            projectRow.id,
          );
        }
      },
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 30_000 },
    );
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new BundleError(
        `Another upload or import changed index '${index.name}' while this bundle was imported; nothing was imported, try again.`,
        "conflict",
      );
    }
    throw err;
  }
  return { summary: { created, unchanged }, used };
}
