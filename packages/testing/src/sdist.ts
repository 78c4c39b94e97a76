// Source distributions for tests (PEP 625 names, one top directory with PKG-INFO), in memory:
// a gzipped ustar written with raw-tar.ts's writer, or a zip.
import { gzipSync } from "node:zlib";
import { zipSync, type ZipOptions } from "fflate";
import { distName, metadataText, type ProjectSpec } from "./metadata.ts";
import { rawTarMember, type TarEntry } from "./raw-tar.ts";
import type { MemberContent } from "./wheel.ts";

export interface SdistSpec extends ProjectSpec {
  /** Paths under the top directory → content. Default: a pyproject.toml with an empty [build-system]. */
  files?: Record<string, MemberContent>;
  /** PKG-INFO text instead of metadataText(spec). */
  pkgInfo?: string;
  /** Default "tar.gz". */
  format?: "tar.gz" | "zip";
}

export interface BuiltSdist {
  name: string;
  version: string;
  filename: string;
  body: Buffer;
  pkgInfo: string;
}

// 2020-01-01T00:00:00Z: fixed, so the same spec gives the same bytes.
const MTIME_SECONDS = 1_577_836_800;

/** `{distName}-{version}.tar.gz` (or `.zip`). */
export function sdistFilename(spec: Pick<SdistSpec, "name" | "version" | "format">): string {
  return `${distName(spec.name)}-${spec.version}.${spec.format ?? "tar.gz"}`;
}

/** The members of the sdist (PKG-INFO first), with paths under the top directory. */
function sdistMembers(spec: SdistSpec): { path: string; content: string | Uint8Array; mode: number }[] {
  const top = `${distName(spec.name)}-${spec.version}`;
  const given = spec.files ?? { "pyproject.toml": "[build-system]\nrequires = []\n" };
  const files: Record<string, MemberContent> = { "PKG-INFO": spec.pkgInfo ?? metadataText(spec), ...given };
  return Object.entries(files).map(([path, value]) =>
    typeof value === "string" || value instanceof Uint8Array ? { path: `${top}/${path}`, content: value, mode: 0o644 } : { path: `${top}/${path}`, ...value },
  );
}

/** The sdist's members as tar-stream entries (its top directory first), for buildTarGz: a valid sdist plus what a hostile test adds. */
export function sdistTarEntries(spec: SdistSpec): TarEntry[] {
  const top = `${distName(spec.name)}-${spec.version}`;
  return [
    { header: { name: `${top}/`, type: "directory" } },
    ...sdistMembers(spec).map((m) => ({ header: { name: m.path, mode: m.mode }, data: typeof m.content === "string" ? m.content : Buffer.from(m.content) })),
  ];
}

export function buildSdist(spec: SdistSpec): BuiltSdist {
  const pkgInfo = spec.pkgInfo ?? metadataText(spec);
  const members = sdistMembers(spec);
  let body: Buffer;
  if (spec.format === "zip") {
    const zipped: Record<string, [Uint8Array, ZipOptions]> = {};
    for (const m of members) {
      const bytes = typeof m.content === "string" ? Buffer.from(m.content) : m.content;
      zipped[m.path] = [bytes, { os: 3, attrs: ((0o100000 | m.mode) << 16) >>> 0, mtime: new Date(MTIME_SECONDS * 1000) }];
    }
    body = Buffer.from(zipSync(zipped, { level: 6 }));
  } else {
    const blocks = members.map((m) => rawTarMember(m.path, "0", m.content, { mode: m.mode, mtime: MTIME_SECONDS }));
    body = gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));
  }
  return { name: spec.name, version: spec.version, filename: sdistFilename(spec), body, pkgInfo };
}
