// What a client (the mirror, the installer) reads from a project page, whichever format it came in.

/** One file link of an upstream project page. */
export interface UpstreamFile {
  filename: string;
  /** Absolute (resolved against the page URL), without the fragment. */
  url: string;
  /** Lowercase hex, or null when upstream publishes no sha256. */
  sha256: string | null;
  /**
   * Every digest the page gives (PEP 503 fragment or PEP 691 `hashes`), keyed by the
   * lowercased algorithm name, values lowercased.
   */
  hashes: Record<string, string>;
  requiresPython: string | null;
  /** PEP 592: false, or the reason ("" = yanked without one). */
  yanked: false | string;
  /**
   * PEP 658/714: whether `<url>.metadata` exists, with its sha256 when upstream gives one
   * (`data-core-metadata="true"` gives none).
   */
  coreMetadata: false | { sha256: string | null };
  /** PEP 700 (JSON only). */
  size: number | null;
  /** PEP 700 (JSON only). */
  uploadTime: Date | null;
}

export interface UpstreamPage {
  files: UpstreamFile[];
  /** `_last-serial` (JSON) or `<!--SERIAL n-->` (PyPI's HTML), when given. */
  lastSerial: number | null;
}

/** The page could not be read as a PEP 503 or PEP 691 project page. */
export class InvalidUpstreamPage extends Error {
  override readonly name = "InvalidUpstreamPage";
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A sha256 as lowercase hex, or null when the value is not one. */
export function sha256Hex(value: string | undefined | null): string | null {
  const hex = value?.trim().toLowerCase();
  return hex && SHA256_HEX.test(hex) ? hex : null;
}

/**
 * PEP 658/714 attribute values: "true", or "<hashname>=<hexdigest>". Anything else (including
 * "false", which some servers write) means no metadata file.
 */
export function parseCoreMetadataAttribute(value: string | undefined): UpstreamFile["coreMetadata"] {
  if (value === undefined) return false;
  const text = value.trim();
  if (text.toLowerCase() === "true") return { sha256: null };
  const eq = text.indexOf("=");
  if (eq <= 0) return false;
  const algo = text.slice(0, eq).trim().toLowerCase();
  return { sha256: algo === "sha256" ? sha256Hex(text.slice(eq + 1)) : null };
}

const HEX = /^[0-9a-f]+$/;

/** A digest pair from a page, normalized; null when the value is not hex or the name is empty. */
export function hashEntry(algorithm: string, value: string): [string, string] | null {
  const name = algorithm.trim().toLowerCase();
  const hex = value.trim().toLowerCase();
  return name && HEX.test(hex) ? [name, hex] : null;
}

/** Dates as PEP 700 writes them (ISO 8601); null when unreadable. */
export function parseUploadTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The absolute URL without its fragment, and the fragment (without `#`). */
export function splitFragment(href: string, base: string): { url: string; fragment: string } {
  const resolved = new URL(href, base);
  const fragment = resolved.hash.replace(/^#/, "");
  resolved.hash = "";
  return { url: resolved.toString(), fragment };
}

/** The filename a URL names: its last path segment, decoded. */
export function filenameFromUrl(url: string): string {
  const path = new URL(url).pathname;
  const segment = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
