// Export: choose releases, make sure every blob is in storage, then stream one tar — the manifest,
// then each file — from storage to `out`. Nothing is buffered but the manifest.
import { createHash } from "node:crypto";
import { Readable, Transform, type TransformCallback, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import type { File } from "@wheelhouse/db";
import { Mirror } from "@wheelhouse/mirror";
import { compareVersions, tryParseVersion } from "@wheelhouse/packaging";
import { BundleError } from "./bundle-error.ts";
import type { BundleDeps, IndexRow } from "./bundle-deps.ts";
import { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_MEMBER, fileMemberName, type BundleManifestInput } from "./bundle-manifest.ts";
import { findBundleIndex } from "./find-bundle-index.ts";
import { selectBundleFiles, type BundleSelection, type SelectedRelease } from "./select-bundle-files.ts";

export interface ExportBundleOptions extends BundleSelection {
  index: string;
  /** Recorded in the manifest as `source.registry` (e.g. the registry's base URL). */
  registry?: string;
}

/** A bundle ready to be written: the manifest and, in the same order, the storage key of each file. */
export interface BundlePlan {
  manifest: BundleManifestInput;
  files: { filename: string; size: number; sha256: string; storageKey: string }[];
}

export interface ExportSummary {
  files: number;
  /** Sum of the file sizes (the tar adds headers and padding). */
  bytes: number;
}

/** Selects and checks everything an export needs, before a byte is written (so errors can still be a clean 4xx). */
export async function planBundle(deps: BundleDeps, opts: ExportBundleOptions): Promise<BundlePlan> {
  const index = await findBundleIndex(deps.db, opts.index);
  if (index.kind !== "mirror" || deps.mirror) return planFrom(deps, index, opts);
  const mirror = new Mirror(deps);
  try {
    return await planFrom({ ...deps, mirror }, index, opts);
  } finally {
    await mirror.close();
  }
}

async function planFrom(deps: BundleDeps, index: IndexRow, opts: ExportBundleOptions): Promise<BundlePlan> {
  const selected = sortSelection(await selectBundleFiles(deps, index, opts));
  if (index.kind === "mirror") await ensureCached(deps, index, selected);
  const missing: string[] = [];
  const files: BundlePlan["files"] = [];
  for (const { files: rows } of selected) {
    for (const file of rows) {
      const stored = file.storageKey ? await deps.store.head(file.storageKey) : null;
      if (!stored || stored.size !== Number(file.size)) missing.push(file.filename);
      else files.push({ filename: file.filename, size: Number(file.size), sha256: file.sha256, storageKey: file.storageKey! });
    }
  }
  if (missing.length > 0) {
    throw new BundleError(
      `${missing.length} selected file(s) of index '${index.name}' are not in storage: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}.`,
      "bad-selection",
    );
  }
  return { manifest: buildManifest(index, opts.registry, selected), files };
}

/** Streams the bundle to `out` and ends it. On failure `out` is destroyed, so a half bundle never looks whole. */
export async function writeBundle(deps: BundleDeps, plan: BundlePlan, out: Writable): Promise<ExportSummary> {
  const pack = tar.pack();
  pack.on("error", () => {}); // reported through the iteration below
  // tar-stream's streams are streamx streams: read the pack by iteration, so its errors reach
  // Node's pipeline (which then destroys `out`).
  const writing = pipeline(Readable.from(pack, { objectMode: false }), out);
  writing.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  let bytes = 0;
  try {
    await addEntry(pack, MANIFEST_MEMBER, Buffer.from(`${JSON.stringify(plan.manifest, null, 1)}\n`, "utf8"));
    for (const file of plan.files) {
      const checked = new Sha256Check(file);
      pipeline(await deps.store.get(file.storageKey), checked).catch(() => {}); // its errors end the iteration below
      await addStreamEntry(pack, fileMemberName(file.filename), file.size, checked);
      bytes += file.size;
    }
    pack.finalize();
    await writing;
  } catch (err) {
    // pipeline() then destroys `out` too, with the error.
    pack.destroy(err as Error);
    await writing.catch(() => {});
    throw err;
  }
  return { files: plan.files.length, bytes };
}

/**
 * Writes a bundle of the selected releases of one index (hosted or mirror) to `out`. When the
 * selection is refused nothing is written and `out` is left open; a failure while writing
 * destroys `out`.
 */
export async function exportBundle(deps: BundleDeps, opts: ExportBundleOptions & { out: Writable }): Promise<ExportSummary> {
  const plan = await planBundle(deps, opts);
  const summary = await writeBundle(deps, plan, opts.out);
  deps.log.info({ index: opts.index, ...summary }, "bundle exported");
  return summary;
}

function addEntry(pack: tar.Pack, name: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: body.length, mode: 0o644, mtime: new Date() }, body, (err) => (err ? reject(err) : resolve()));
  });
}

/** Copies `body` into a new member, with backpressure; a failing body destroys the member (and so the pack). */
async function addStreamEntry(pack: tar.Pack, name: string, size: number, body: AsyncIterable<Buffer>): Promise<void> {
  let settle!: (err?: Error | null) => void;
  const written = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  const sink = pack.entry({ name, size, mode: 0o644, mtime: new Date(0) }, (err) => settle(err));
  sink.on("error", () => {}); // reported through the entry's callback
  try {
    for await (const chunk of body) {
      if (!sink.write(chunk)) await Promise.race([new Promise<void>((resolve) => sink.once("drain", () => resolve())), written]);
    }
    sink.end(null);
  } catch (err) {
    written.catch(() => {});
    sink.destroy(err as Error);
    throw err;
  }
  await written;
}

/** Storage is trusted, but not blindly: a blob that no longer matches its row stops the export. */
class Sha256Check extends Transform {
  private readonly hash = createHash("sha256");
  constructor(private readonly file: { filename: string; sha256: string }) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    const actual = this.hash.digest("hex");
    callback(actual === this.file.sha256 ? null : new Error(`stored blob of ${this.file.filename} has sha256 ${actual}, expected ${this.file.sha256}`));
  }
}

async function ensureCached(deps: BundleDeps, index: IndexRow, selected: SelectedRelease[]): Promise<void> {
  const uncached = selected.flatMap((s) => s.files.filter((f) => f.storageKey === null));
  if (uncached.length === 0) return;
  for (const file of uncached) {
    let fresh: File;
    try {
      fresh = (await deps.mirror!.cacheFile(index, file.id)).file;
    } catch (err) {
      throw new BundleError(
        `Could not fetch ${file.filename} from the upstream of index '${index.name}' (${(err as Error).message}); sync the index first.`,
        "bad-selection",
      );
    }
    if (!fresh.storageKey) throw new BundleError(`Could not cache ${file.filename} from the upstream of index '${index.name}'.`, "bad-selection");
    Object.assign(file, fresh);
  }
}

/** Projects by name, releases by version (oldest first), files by filename: the same selection gives the same bundle. */
function sortSelection(selected: SelectedRelease[]): SelectedRelease[] {
  const byVersion = (a: string, b: string) => {
    const [x, y] = [tryParseVersion(a), tryParseVersion(b)];
    return x && y ? compareVersions(x, y) : a < b ? -1 : a > b ? 1 : 0;
  };
  return [...selected]
    .map((s) => ({ ...s, files: [...s.files].sort((a, b) => (a.filename < b.filename ? -1 : 1)) }))
    .sort((a, b) => (a.project.name === b.project.name ? byVersion(a.release.version, b.release.version) : a.project.name < b.project.name ? -1 : 1));
}

function buildManifest(index: IndexRow, registry: string | undefined, selected: SelectedRelease[]): BundleManifestInput {
  const projects: BundleManifestInput["projects"] = [];
  for (const { project, release, files } of selected) {
    let entry = projects.at(-1);
    if (entry?.name !== project.name) projects.push((entry = { name: project.name, displayName: project.displayName, releases: [] }));
    entry.releases.push({
      version: release.version,
      yanked: release.yanked,
      yankedReason: release.yankedReason,
      requiresPython: release.requiresPython,
      summary: release.summary,
      info: (release.info ?? {}) as Record<string, unknown>,
      files: files.map(manifestFile),
    });
  }
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: new Date().toISOString(),
    source: registry ? { index: index.name, registry } : { index: index.name },
    projects,
  };
}

function manifestFile(file: File): BundleManifestInput["projects"][number]["releases"][number]["files"][number] {
  return {
    filename: file.filename,
    packageType: file.packageType,
    pythonVersion: file.pythonVersion,
    size: Number(file.size),
    sha256: file.sha256,
    ...(file.md5 ? { md5: file.md5 } : {}),
    ...(file.blake2b256 ? { blake2b256: file.blake2b256 } : {}),
    requiresPython: file.requiresPython,
    yanked: file.yanked,
    yankedReason: file.yankedReason,
    uploadTime: file.uploadedAt.toISOString(),
    ...(file.coreMetadata !== null ? { coreMetadata: file.coreMetadata } : {}),
    ...(file.metadataSha256 ? { metadataSha256: file.metadataSha256 } : {}),
  };
}
