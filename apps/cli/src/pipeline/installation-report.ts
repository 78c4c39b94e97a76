/**
 * pip's installation report (`install --report FILE`, format version 1,
 * https://pip.pypa.io/en/stable/reference/installation-report/): what was installed — or, with
 * --dry-run, would be — each with its PEP 610 `download_info` and its core metadata in PEP 566's
 * JSON form, and the marker environment it was resolved for. Keys and their order are pip's
 * (models/installation_report.py, metadata/_json.py).
 */
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MarkerEnvironment } from "@wheelhouse/packaging";
import { hashFile } from "../core/hashes/hashing.ts";
import { isLocalLocation, localPath, WHEELHOUSE_VERSION } from "../core/net/http-client.ts";
import type { Planned } from "./planned.ts";

/** PEP 566 JSON-compatible metadata: lowercase keys with `_`, multiple-use fields as lists. */
export type MetadataJson = Record<string, string | string[]>;

/** PEP 610, as pip writes `download_info`. */
export type DownloadInfo = { url: string; archive_info: { hash?: string; hashes?: Record<string, string> } } | { url: string; dir_info: { editable?: true } };

export interface InstallationReportItem {
  download_info: DownloadInfo;
  /** Asked for by a direct URL or path (editables included), rather than found on an index. */
  is_direct: boolean;
  is_yanked: boolean;
  /** Asked for by the user, not pulled in as a dependency (PEP 376 REQUESTED). */
  requested: boolean;
  metadata: MetadataJson;
  /** For requested projects asked for with extras: those extras, sorted. */
  requested_extras?: string[];
}

export interface InstallationReport {
  version: "1";
  /** pip's own version in pip's report; ours here (wheelhouse's version string). */
  pip_version: string;
  install: InstallationReportItem[];
  environment: Record<string, string>;
}

// pip's METADATA_FIELDS (metadata/_json.py): the fields converted, in order, and whether each may repeat.
// (License-Expression and License-File are PEP 639's, as pip 25.1 added them.)
const METADATA_FIELDS: readonly [string, boolean][] = [
  ["Metadata-Version", false],
  ["Name", false],
  ["Version", false],
  ["Dynamic", true],
  ["Platform", true],
  ["Supported-Platform", true],
  ["Summary", false],
  ["Description", false],
  ["Description-Content-Type", false],
  ["Keywords", false],
  ["Home-page", false],
  ["Download-URL", false],
  ["Author", false],
  ["Author-email", false],
  ["Maintainer", false],
  ["Maintainer-email", false],
  ["License", false],
  ["License-Expression", false],
  ["License-File", true],
  ["Classifier", true],
  ["Requires-Dist", true],
  ["Requires-Python", false],
  ["Requires-External", true],
  ["Project-URL", true],
  ["Provides-Extra", true],
  ["Provides-Dist", true],
  ["Obsoletes-Dist", true],
];

// packaging's default_environment(), in its order.
const ENVIRONMENT_KEYS: readonly (keyof MarkerEnvironment)[] = [
  "implementation_name",
  "implementation_version",
  "os_name",
  "platform_machine",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_full_version",
  "platform_python_implementation",
  "python_version",
  "sys_platform",
];

// pip's Link (_SUPPORTED_HASHES): the hash it keeps for download_info is the first of these, in this order, that it has.
const SUPPORTED_HASHES = ["sha512", "sha384", "sha256", "sha224", "sha1", "md5"] as const;

/** The whole report. */
export function installationReport(items: InstallationReportItem[], environment: MarkerEnvironment): InstallationReport {
  return {
    version: "1",
    pip_version: WHEELHOUSE_VERSION,
    install: items,
    environment: Object.fromEntries(ENVIRONMENT_KEYS.map((key) => [key, environment[key] ?? ""])),
  };
}

/**
 * One planned pin as a report item. `archive` is its fetched file, when there is one: an archive
 * whose URL carried no hash is hashed (pip hashes what it downloaded); without it, only a local
 * file can be.
 */
export async function reportItem(item: Planned, archive: string | null): Promise<InstallationReportItem> {
  const report: InstallationReportItem = {
    download_info: await downloadInfo(item, archive),
    is_direct: item.directUrl !== null,
    is_yanked: item.file.yanked !== false,
    requested: item.requested,
    metadata: metadataToJson(item.metadataText ?? ""),
  };
  if (item.requested && item.requestedExtras.length > 0) report.requested_extras = [...item.requestedExtras].sort();
  return report;
}

/** pip's download_info: dir_info for a project directory, else archive_info with the link's hash (or the file's sha256). */
async function downloadInfo(item: Planned, archive: string | null): Promise<DownloadInfo> {
  if (item.local) return { url: pep610Url(item.local.url), dir_info: item.local.editable ? { editable: true } : {} };
  const url = pep610Url((item.directUrl ?? item.file.url).split("#")[0]!);
  const hashes = new Map(Object.entries(item.file.hashes).map(([name, value]) => [name.toLowerCase(), value]));
  const name = SUPPORTED_HASHES.find((n) => hashes.has(n));
  if (name !== undefined) {
    const value = hashes.get(name)!;
    return { url, archive_info: { hash: `${name}=${value}`, hashes: { [name]: value } } };
  }
  const file = archive ?? (isLocalLocation(item.file.url) ? localPath(item.file.url) : null);
  if (file === null) return { url, archive_info: {} };
  const sha256 = (await hashFile(file, ["sha256"])).sha256!;
  return { url, archive_info: { hash: `sha256=${sha256}`, hashes: { sha256 } } };
}

/** PEP 610's `url`: without its user:password part, unless that is a `${VAR}` (pip's DirectUrl.redacted_url). */
export function pep610Url(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m) return url;
  const netloc = m[2]!;
  const at = netloc.lastIndexOf("@");
  if (at === -1) return url;
  const userinfo = netloc.slice(0, at);
  if (/^\$\{[A-Za-z0-9-_]+\}(:\$\{[A-Za-z0-9-_]+\})?$/.test(userinfo)) return url;
  return `${m[1]}${netloc.slice(at + 1)}${m[3]}`;
}

/**
 * Core metadata (METADATA / PKG-INFO text) in PEP 566's JSON form, as pip converts it: every
 * known field present, lowercase with `_`; multiple-use fields as lists; Keywords split on commas
 * (else on whitespace); the message body, when there is one, as `description`. Header values are
 * read as Python's email parser and importlib.metadata read them (continuation lines kept,
 * RFC 822 indentation removed).
 */
export function metadataToJson(text: string): MetadataJson {
  const { headers, body } = parseMessage(text);
  const result: MetadataJson = {};
  for (const [field, multiple] of METADATA_FIELDS) {
    const wanted = field.toLowerCase();
    const values = headers.filter(([name]) => name.toLowerCase() === wanted).map(([, value]) => redent(value));
    if (values.length === 0) continue;
    const key = wanted.replace(/-/g, "_");
    if (multiple) result[key] = values;
    else if (key === "keywords") {
      const value = values[0]!;
      result[key] = value.includes(",") ? value.split(",").map((k) => k.trim()) : value.split(/\s+/).filter((k) => k !== "");
    } else result[key] = values[0]!;
  }
  if (body !== "") result.description = body;
  return result;
}

/** Python's email parser (compat32): headers as written, in order, and the body after the first empty line. */
function parseMessage(text: string): { headers: [string, string][]; body: string } {
  const lines = text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
  const headers: [string, string][] = [];
  let current: string[] | null = null;
  const flush = (): void => {
    if (current === null) return;
    const first = current[0]!;
    const colon = first.indexOf(":");
    const value = first.slice(colon + 1).replace(/^[ \t]+/, "") + current.slice(1).join("");
    headers.push([first.slice(0, colon), value.replace(/[\r\n]+$/, "")]);
    current = null;
  };
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^(?:\r\n|\r|\n)$/.test(line)) {
      i++;
      break;
    }
    if (/^[ \t]/.test(line)) {
      // A continuation line (one before any header is a defect, and dropped).
      current?.push(line);
      continue;
    }
    // feedparser's headerRE: anything else ends the headers, and starts the body.
    if (!/^[\x21-\x39\x3b-\x7e]*:/.test(line)) break;
    flush();
    if (line.startsWith(":")) continue;
    current = [line];
  }
  flush();
  return { headers, body: lines.slice(i).join("") };
}

/** importlib.metadata's _repair_headers: a multi-line value loses its RFC 822 indentation (textwrap.dedent). */
function redent(value: string): string {
  if (!value.includes("\n")) return value;
  const lines = `${" ".repeat(8)}${value}`.split("\n").map((line) => (/^[ \t]+$/.test(line) ? "" : line));
  let margin: string | null = null;
  for (const line of lines) {
    if (line === "") continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (margin === null || margin.startsWith(indent)) margin = indent;
    else if (!indent.startsWith(margin)) {
      let common = 0;
      while (margin[common] === indent[common]) common++;
      margin = margin.slice(0, common);
    }
  }
  const cut = margin?.length ?? 0;
  return lines.map((line) => (line === "" ? line : line.slice(cut))).join("\n");
}

/** The report as pip prints it with `--report -` (json, indent 2, non-ASCII kept). */
export function formatReport(report: InstallationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Writes the report to `file` atomically (a sibling temporary file renamed over it). */
export async function writeReportFile(file: string, report: InstallationReport): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, JSON.stringify(report, null, 2));
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
}
