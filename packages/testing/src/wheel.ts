// Wheels for tests, as real builders write them (fflate's zip; a RECORD with every hash), in
// memory. The same members as raw zip entries (wheelMembers) for hostile wheels written with
// raw-zip.ts's buildZip.
import { createHash } from "node:crypto";
import { zipSync, type ZipOptions } from "fflate";
import { distName, metadataText, type ProjectSpec } from "./metadata.ts";
import type { RawZipEntry } from "./raw-zip.ts";

/** A member's content; `{ content, mode }` sets Unix permission bits (0o755 for a script). */
export type MemberContent = string | Uint8Array | { content: string | Uint8Array; mode: number };

export interface WheelSpec extends ProjectSpec {
  /** Default "py3-none-any". */
  tag?: string;
  buildTag?: string;
  /**
   * Archive path → content, written before .dist-info; `{dist-info}` and `{data}` in a path are
   * the wheel's .dist-info and .data directories. Default: `<distName>/__init__.py` with the version.
   */
  files?: Record<string, MemberContent>;
  /** '#' bytes appended to the default module (files of a given size). */
  padding?: number;
  /** `.dist-info/entry_points.txt`. */
  entryPoints?: string;
  /** Default true. */
  rootIsPurelib?: boolean;
  /** WHEEL's Generator; default "wheelhouse-tests". */
  generator?: string;
  /** METADATA text instead of metadataText(spec). */
  metadata?: string;
  /** WHEEL text instead of wheelFileText(spec). */
  wheelText?: string;
  /** Rewrites the RECORD text (valid, with every hash) before it is written: to tamper with it. */
  record?: (text: string) => string;
  /** Leave these .dist-info files out. */
  omit?: ReadonlyArray<"METADATA" | "WHEEL" | "RECORD">;
}

export interface BuiltWheel {
  name: string;
  version: string;
  filename: string;
  body: Buffer;
  /** The METADATA written (also when omitted from the archive). */
  metadata: string;
}

// Fixed, so the same spec gives the same bytes (and the same sha256) on every run.
const MTIME = new Date(2020, 0, 1);
const REGULAR_FILE = 0o100000;

/** `{distName}-{version}(-{build})?-{tag}.whl`. */
export function wheelFilename(spec: Pick<WheelSpec, "name" | "version" | "tag" | "buildTag">): string {
  const build = spec.buildTag ? `-${spec.buildTag}` : "";
  return `${distName(spec.name)}-${spec.version}${build}-${spec.tag ?? "py3-none-any"}.whl`;
}

/** The WHEEL file of `spec`. */
export function wheelFileText(spec: Pick<WheelSpec, "tag" | "buildTag" | "rootIsPurelib" | "generator">): string {
  const lines = [
    "Wheel-Version: 1.0",
    `Generator: ${spec.generator ?? "wheelhouse-tests"}`,
    `Root-Is-Purelib: ${spec.rootIsPurelib ?? true}`,
    `Tag: ${spec.tag ?? "py3-none-any"}`,
  ];
  if (spec.buildTag) lines.push(`Build: ${spec.buildTag}`);
  return `${lines.join("\n")}\n`;
}

interface Member {
  path: string;
  bytes: Uint8Array;
  mode: number;
}

/** The members of the wheel in archive order, RECORD last (with a hash for every other member). */
function members(spec: WheelSpec, options: { distInfo?: string } = {}): { members: Member[]; metadata: string } {
  const dist = distName(spec.name);
  const infoDir = options.distInfo ?? `${dist}-${spec.version}.dist-info`;
  const dataDir = `${infoDir.slice(0, -".dist-info".length)}.data`;
  const files = spec.files ?? { [`${dist}/__init__.py`]: `VERSION = "${spec.version}"\n${spec.padding ? `${"#".repeat(spec.padding)}\n` : ""}` };
  const out: Member[] = [];
  for (const [path, value] of Object.entries(files)) {
    const real = path.replaceAll("{dist-info}", infoDir).replaceAll("{data}", dataDir);
    if (typeof value === "string" || value instanceof Uint8Array) out.push({ path: real, bytes: bytesOf(value), mode: 0o644 });
    else out.push({ path: real, bytes: bytesOf(value.content), mode: value.mode });
  }
  const omit = new Set(spec.omit ?? []);
  const metadata = spec.metadata ?? metadataText(spec);
  if (!omit.has("METADATA")) out.push({ path: `${infoDir}/METADATA`, bytes: bytesOf(metadata), mode: 0o644 });
  if (!omit.has("WHEEL")) out.push({ path: `${infoDir}/WHEEL`, bytes: bytesOf(spec.wheelText ?? wheelFileText(spec)), mode: 0o644 });
  if (spec.entryPoints !== undefined) out.push({ path: `${infoDir}/entry_points.txt`, bytes: bytesOf(spec.entryPoints), mode: 0o644 });
  if (!omit.has("RECORD")) {
    const rows = out.map((m) => `${m.path},sha256=${createHash("sha256").update(m.bytes).digest("base64url")},${m.bytes.length}`);
    rows.push(`${infoDir}/RECORD,,`);
    const text = `${rows.join("\n")}\n`;
    out.push({ path: `${infoDir}/RECORD`, bytes: bytesOf(spec.record ? spec.record(text) : text), mode: 0o644 });
  }
  return { members: out, metadata };
}

/** A valid wheel of `spec`: METADATA, WHEEL, entry points when given, and a RECORD with every hash. */
export function buildWheel(spec: WheelSpec): BuiltWheel {
  const { members: list, metadata } = members(spec);
  const zipped: Record<string, [Uint8Array, ZipOptions]> = {};
  for (const m of list) zipped[m.path] = [m.bytes, { os: 3, attrs: ((REGULAR_FILE | m.mode) << 16) >>> 0, mtime: MTIME }];
  return { name: spec.name, version: spec.version, filename: wheelFilename(spec), body: Buffer.from(zipSync(zipped, { level: 6 })), metadata };
}

export interface WheelMembersOptions {
  /** The .dist-info directory's name instead of `{distName}-{version}.dist-info` (a wheel that does not match its filename). */
  distInfo?: string;
  /** Content by archive path, after RECORD is written: replaces a member, adds one (at the end), or removes it (undefined). */
  overrides?: Record<string, string | Uint8Array | undefined>;
}

/** One member of a wheel, as a raw zip entry (RawZipEntry) with a name and data. */
export interface WheelMember extends RawZipEntry {
  name: string;
  data: Buffer;
}

/**
 * buildWheel's members (RECORD with every hash) as raw zip entries: for a hostile wheel, add
 * or change entries and write them with buildZip: `buildZip([...wheelMembers(spec), { name: "../x", data: "" }])`.
 */
export function wheelMembers(spec: WheelSpec, options: WheelMembersOptions = {}): WheelMember[] {
  const { members: list } = members(spec, options.distInfo !== undefined ? { distInfo: options.distInfo } : {});
  const entries: WheelMember[] = list.map((m) => ({ name: m.path, data: Buffer.from(m.bytes), externalAttributes: ((REGULAR_FILE | m.mode) << 16) >>> 0 }));
  for (const [path, data] of Object.entries(options.overrides ?? {})) {
    const at = entries.findIndex((e) => e.name === path);
    if (data === undefined) {
      if (at !== -1) entries.splice(at, 1);
    } else {
      const bytes = Buffer.from(bytesOf(data));
      if (at !== -1) entries[at] = { ...entries[at]!, data: bytes };
      else entries.push({ name: path, data: bytes });
    }
  }
  return entries;
}

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}
