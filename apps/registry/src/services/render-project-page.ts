// Simple API project pages: rendered from the database, cached per (index, project, format)
// and invalidated by the project's serial, which every write bumps. A cached page costs one
// indexed lookup of the serial; the cache is derived state, so each replica may hold its own.
import { createHash } from "node:crypto";
import type { Db } from "@wheelhouse/db";
import { compareVersions, type NormalizedName } from "@wheelhouse/packaging";
import { renderProjectPage, renderIndexPage, type SimpleFile, type SimpleFormat } from "@wheelhouse/simple-index";
import { NotFound } from "../errors.ts";
import type { IndexRow } from "./find-index.ts";
import { fileUrl } from "./file-urls.ts";

export interface RenderedPage {
  body: Buffer;
  etag: string;
  lastSerial: number;
}

const CACHE_MAX = 500;
const pageCache = new Map<string, RenderedPage>();

function remember(key: string, page: RenderedPage): RenderedPage {
  pageCache.delete(key);
  if (pageCache.size >= CACHE_MAX) pageCache.delete(pageCache.keys().next().value!);
  pageCache.set(key, page);
  return page;
}

function rendered(text: string, format: SimpleFormat, lastSerial: number): RenderedPage {
  const body = Buffer.from(text, "utf8");
  const etag = `"${createHash("sha256").update(format).update(body).digest("base64url").slice(0, 32)}"`;
  return { body, etag, lastSerial };
}

export async function projectPage(db: Db, index: IndexRow, name: NormalizedName, format: SimpleFormat, basePath: string): Promise<RenderedPage> {
  const project = await db.project.findUnique({ where: { indexId_name: { indexId: index.id, name } }, select: { id: true, lastSerial: true } });
  if (!project) throw new NotFound(`No project named '${name}' in index '${index.name}'.`, "no-project");
  const key = `${index.id}\0${name}\0${format}\0${basePath}`;
  const cached = pageCache.get(key);
  if (cached && cached.lastSerial === project.lastSerial) return cached;

  const releases = await db.release.findMany({ where: { projectId: project.id }, include: { files: { orderBy: { filename: "asc" } } } });
  releases.sort((a, b) => compareVersions(a.version, b.version));
  const files: SimpleFile[] = releases.flatMap((release) =>
    release.files.map((file) => ({
      filename: file.filename,
      url: fileUrl(basePath, index.name, file.filename),
      hashes: { sha256: file.sha256 },
      requiresPython: file.requiresPython,
      size: Number(file.size),
      uploadTime: file.uploadedAt,
      yanked: yankReason(release, file),
      coreMetadata: file.metadataSha256 ? { sha256: file.metadataSha256 } : false,
    })),
  );
  const text = renderProjectPage({ name, files, versions: releases.map((r) => r.version), lastSerial: project.lastSerial }, format);
  return remember(key, rendered(text, format, project.lastSerial));
}

/** PEP 592: a yanked release yanks all its files; a file may also be yanked alone. */
function yankReason(release: { yanked: boolean; yankedReason: string | null }, file: { yanked: boolean; yankedReason: string | null }): false | string {
  if (file.yanked) return file.yankedReason ?? "";
  if (release.yanked) return release.yankedReason ?? "";
  return false;
}

export async function indexPage(db: Db, index: IndexRow, format: SimpleFormat): Promise<RenderedPage> {
  const projects = await db.project.findMany({ where: { indexId: index.id }, select: { name: true, lastSerial: true }, orderBy: { name: "asc" } });
  const lastSerial = projects.reduce((max, p) => Math.max(max, p.lastSerial), 0);
  return rendered(renderIndexPage({ projects, lastSerial }, format), format, lastSerial);
}
