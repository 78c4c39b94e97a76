// Simple API pages: rendered from the database and cached per (view index, project, format).
// A cached page stays valid while the serials of the projects it was built from are unchanged
// (every write bumps them) and, on quarantined mirrors, until the next held-back file comes out
// of quarantine. A cached page costs the lookups of those serials; the cache is derived state,
// one per app, so each replica may hold its own.
import { createHash } from "node:crypto";
import type { Db } from "@wheelhouse/db";
import { compareVersions, type NormalizedName } from "@wheelhouse/packaging";
import { renderProjectPage, renderIndexPage, type SimpleFile, type SimpleFormat } from "@wheelhouse/simple-index";
import type { IndexRow } from "./find-index.ts";
import { fileUrl } from "./file-urls.ts";
import { EVERY_INDEX, walkView, type ReadAccess } from "./group-members.ts";
import type { Mirror } from "@wheelhouse/mirror";
import type { ProjectSource } from "./project-sources.ts";

export interface RenderedPage {
  body: Buffer;
  etag: string;
  lastSerial: number;
}

interface CachedPage extends RenderedPage {
  /** The serials of the projects it was built from. */
  version: string;
  /** When a quarantined file becomes visible, the page must be rebuilt. */
  validUntil: number;
}

/** Rendered pages: an LRU, one per app. */
export class PageCache {
  private readonly pages = new Map<string, CachedPage>();
  constructor(private readonly max = 500) {}

  get(key: string, version: string, now = Date.now()): RenderedPage | undefined {
    const page = this.pages.get(key);
    return page && page.version === version && page.validUntil > now ? page : undefined;
  }

  remember(key: string, page: CachedPage): RenderedPage {
    this.pages.delete(key);
    if (this.pages.size >= this.max) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(key, page);
    return page;
  }
}

function rendered(text: string, format: SimpleFormat, lastSerial: number): RenderedPage {
  const body = Buffer.from(text, "utf8");
  const etag = `"${createHash("sha256").update(format).update(body).digest("base64url").slice(0, 32)}"`;
  return { body, etag, lastSerial };
}

export interface PageRequest {
  /** The index in the URL (for a group, the group: file URLs go through it). */
  view: IndexRow;
  name: NormalizedName;
  sources: ProjectSource[];
  format: SimpleFormat;
  basePath: string;
  /** Admins see quarantined files; installers do not. */
  showQuarantined: boolean;
}

export async function projectPage(deps: { db: Db; pages: PageCache; mirror: Mirror }, request: PageRequest): Promise<RenderedPage> {
  const { view, name, sources, format, basePath, showQuarantined } = request;
  const key = [view.id, name, format, basePath, showQuarantined].join("\0");
  // The page depends on the projects' serials and on the quarantine settings that filter them.
  const version = sources
    .map((s) => `${s.index.id}:${s.projectId}:${s.lastSerial}:${s.index.quarantineDays}:${s.index.quarantineExceptions.join("|")}`)
    .join(",");
  const cached = deps.pages.get(key, version);
  if (cached) return cached;

  const now = new Date();
  let validUntil = Number.POSITIVE_INFINITY;
  const versions = new Set<string>();
  const files: (SimpleFile & { version: string })[] = [];
  const seenFilenames = new Set<string>();
  for (const source of sources) {
    const releases = await deps.db.release.findMany({ where: { projectId: source.projectId }, include: { files: { orderBy: { filename: "asc" } } } });
    const quarantineDays = source.index.kind === "mirror" ? source.index.quarantineDays : 0;
    for (const release of releases) {
      let visibleFiles = 0;
      for (const file of release.files) {
        if (seenFilenames.has(file.filename)) continue; // an earlier member's file of that name wins
        if (!showQuarantined && deps.mirror.isQuarantined(source.index, name, file.uploadedAt, now)) {
          validUntil = Math.min(validUntil, file.uploadedAt.getTime() + quarantineDays * 86_400_000);
          continue;
        }
        seenFilenames.add(file.filename);
        visibleFiles++;
        files.push({
          version: release.version,
          filename: file.filename,
          url: fileUrl(basePath, view.name, file.filename),
          hashes: { sha256: file.sha256 },
          requiresPython: file.requiresPython,
          size: file.size === null ? null : Number(file.size),
          uploadTime: file.uploadedAt,
          yanked: yankReason(release, file),
          coreMetadata: file.metadataSha256 ? { sha256: file.metadataSha256 } : false,
        });
      }
      if (visibleFiles > 0 || release.files.length === 0) versions.add(release.version);
    }
  }
  const sortedVersions = [...versions].sort(compareVersions);
  files.sort((a, b) => compareVersions(a.version, b.version) || (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  const lastSerial = sources.reduce((max, s) => Math.max(max, s.lastSerial), 0);
  const text = renderProjectPage({ name, files, versions: sortedVersions, lastSerial }, format);
  return deps.pages.remember(key, { ...rendered(text, format, lastSerial), version, validUntil });
}

/** PEP 592: a yanked release yanks all its files; a file may also be yanked alone. */
function yankReason(release: { yanked: boolean; yankedReason: string | null }, file: { yanked: boolean; yankedReason: string | null }): false | string {
  if (file.yanked) return file.yankedReason ?? "";
  if (release.yanked) return release.yankedReason ?? "";
  return false;
}

/**
 * The project list: every name the view's indexes hold locally (a mirror lists what it has seen),
 * those the reader may read. A name a member they may not read holds is left out, as its page
 * would answer 404 for them (services/project-sources.ts).
 */
export async function indexPage(db: Db, view: IndexRow, format: SimpleFormat, access: ReadAccess = EVERY_INDEX): Promise<RenderedPage> {
  const leaves = (await walkView(db, view, access)).filter((r) => r.index.kind !== "group");
  const position = new Map(leaves.map((r, i) => [r.index.id, i]));
  const leafIds = (readable: boolean) => leaves.filter((r) => r.readable === readable).map((r) => r.index.id);
  const projects = await db.project.findMany({
    where: { indexId: { in: leafIds(true) } },
    select: { name: true, lastSerial: true, indexId: true },
    orderBy: { name: "asc" },
  });
  const hidden = leafIds(false);
  const held =
    hidden.length === 0
      ? []
      : await db.project.findMany({ where: { indexId: { in: hidden }, name: { notIn: view.passThroughNames } }, select: { name: true, indexId: true } });
  // The first position at which a member hidden from the reader holds each name.
  const heldFrom = new Map<string, number>();
  for (const p of held) heldFrom.set(p.name, Math.min(heldFrom.get(p.name) ?? Infinity, position.get(p.indexId)!));
  const byName = new Map<string, number>();
  for (const p of projects) {
    if ((heldFrom.get(p.name) ?? Infinity) < position.get(p.indexId)!) continue;
    byName.set(p.name, Math.max(byName.get(p.name) ?? 0, p.lastSerial));
  }
  const list = [...byName].map(([name, lastSerial]) => ({ name, lastSerial }));
  const lastSerial = list.reduce((max, p) => Math.max(max, p.lastSerial), 0);
  return rendered(renderIndexPage({ projects: list, lastSerial }, format), format, lastSerial);
}
