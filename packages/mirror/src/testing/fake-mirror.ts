// A test helper, not a second mirror: a fake upstream, projects described in memory, written
// into Project/Release/File rows the way the Mirror object would, with calls counted. The sync's
// walk and the registry's job handlers take it where they take the Mirror.
import { createHash } from "node:crypto";
import type { Db, Index } from "@wheelhouse/db";
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";
import { UpstreamHashMismatch, UpstreamUnavailable } from "../errors.ts";
import type { CachedFile, Mirror } from "../mirror.ts";
import type { UpstreamListing } from "../selection/upstream-listing.ts";

export interface FakeFile {
  filename: string;
  size?: number;
  requiresPython?: string;
  /** Stored with the row (as upstream's PEP 658 metadata would be). */
  coreMetadata?: string;
  /** Only available through ensureMetadata. */
  lazyMetadata?: string;
  yanked?: boolean;
}

export type FakeUpstream = Record<string, Record<string, FakeFile[]>>;

export function metadataFor(name: string, version: string, requiresDist: string[] = []): string {
  return [`Metadata-Version: 2.1`, `Name: ${name}`, `Version: ${version}`, ...requiresDist.map((r) => `Requires-Dist: ${r}`), "", ""].join("\n");
}

/** What the jobs and the sync's walk call on the Mirror. */
export type MirrorOperations = Pick<Mirror, "ensureProject" | "cacheFile" | "ensureMetadata" | "upstreamListing">;

export class FakeMirror implements MirrorOperations {
  readonly calls = { ensureProject: [] as string[], cacheFile: [] as number[], ensureMetadata: [] as number[] };
  /** filename → error thrown by cacheFile ("mismatch" becomes unrecoverable). */
  readonly failures = new Map<string, "mismatch" | "down">();
  constructor(
    readonly db: Db,
    readonly upstream: FakeUpstream,
    /** Upstream's root listing, name → serial; unset: the listing is unavailable. */
    readonly listing?: Record<string, number | null>,
  ) {}

  async upstreamListing(index: Index): Promise<UpstreamListing> {
    if (!this.listing) throw new UpstreamUnavailable(index.upstreamUrl ?? "(none)", "connection refused");
    return new Map(Object.entries(this.listing).map(([name, serial]) => [canonicalizeName(name), serial]));
  }

  async ensureProject(index: Index, name: NormalizedName): Promise<{ projectId: number } | null> {
    this.calls.ensureProject.push(name);
    const releases = this.upstream[name];
    if (!releases) return null;
    const project = await this.db.project.upsert({
      where: { indexId_name: { indexId: index.id, name } },
      create: { indexId: index.id, name, displayName: name },
      update: {},
    });
    for (const [version, files] of Object.entries(releases)) {
      const release = await this.db.release.upsert({
        where: { projectId_canonicalVersion: { projectId: project.id, canonicalVersion: version } },
        create: { projectId: project.id, version, canonicalVersion: version, info: {}, yanked: files.every((f) => f.yanked) && files.length > 0 },
        update: {},
      });
      for (const f of files) {
        await this.db.file.upsert({
          where: { indexId_filename: { indexId: index.id, filename: f.filename } },
          create: {
            releaseId: release.id,
            projectId: project.id,
            indexId: index.id,
            filename: f.filename,
            packageType: f.filename.endsWith(".whl") ? "bdist_wheel" : "sdist",
            pythonVersion: f.filename.endsWith(".whl") ? "py3" : "source",
            size: BigInt(f.size ?? 100),
            sha256: createHash("sha256").update(f.filename).digest("hex"),
            requiresPython: f.requiresPython ?? null,
            coreMetadata: f.coreMetadata ?? null,
            yanked: f.yanked ?? false,
            upstreamUrl: `https://upstream.invalid/${f.filename}`,
          },
          update: {},
        });
      }
    }
    await this.db.mirrorPage.upsert({
      where: { indexId_name: { indexId: index.id, name } },
      create: { indexId: index.id, name, upstreamStatus: 200, fetchedAt: new Date() },
      update: { fetchedAt: new Date() },
    });
    return { projectId: project.id };
  }

  async cacheFile(_index: Index, fileId: number): Promise<CachedFile> {
    this.calls.cacheFile.push(fileId);
    const file = await this.db.file.findUniqueOrThrow({ where: { id: fileId } });
    if (file.storageKey) return { file, outcome: "already-cached" };
    const failure = this.failures.get(file.filename);
    if (failure === "mismatch") throw new UpstreamHashMismatch(file.filename);
    if (failure === "down") throw new Error("Upstream is unavailable: HTTP 503.");
    const stored = await this.db.file.update({ where: { id: fileId }, data: { storageKey: `files/${file.sha256}/${file.filename}` } });
    return { file: stored, outcome: "cached" };
  }

  async ensureMetadata(_index: Index, fileId: number): Promise<string | null> {
    this.calls.ensureMetadata.push(fileId);
    const file = await this.db.file.findUniqueOrThrow({ where: { id: fileId }, include: { project: true } });
    for (const files of Object.values(this.upstream[file.project.name] ?? {})) {
      const f = files.find((x) => x.filename === file.filename);
      if (f) return f.coreMetadata ?? f.lazyMetadata ?? null;
    }
    return null;
  }
}
