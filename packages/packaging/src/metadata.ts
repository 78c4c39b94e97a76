/**
 * Core metadata 1.0–2.6 (PKG-INFO, METADATA), parsed in two stages as pypa/packaging does:
 * a lenient raw parse of the RFC 822 style headers, then validation that collects every problem.
 * https://packaging.python.org/en/latest/specifications/core-metadata/
 *
 * The one reader of Metadata-Version for upload, bundle import, mirror and the CLI. The spec:
 * "Tools SHOULD warn if metadata_version is greater than the highest version they support, and
 * MUST fail if metadata_version has a greater major version than the highest version they
 * support". So every 2.x is read (a minor version newer than 2.6 with a warning: its new fields
 * are kept as unknown fields), and only 3.0 and later are refused.
 */
import { isValidProjectName } from "./names.ts";
import { InvalidRequirement, parseRequirement, type Requirement } from "./requirements.ts";
import { InvalidSpecifier, SpecifierSet } from "./specifiers.ts";
import { type Version, tryParseVersion } from "./version.ts";

export class InvalidMetadata extends Error {
  override name = "InvalidMetadata";
  constructor(readonly errors: string[]) {
    super(`Invalid metadata: ${errors.join("; ")}`);
  }
}

/** The metadata versions this parser knows field by field (2.5: PEP 794; 2.6: PEP 808, no new fields). */
export const METADATA_VERSIONS = ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"] as const;
export type KnownMetadataVersion = (typeof METADATA_VERSIONS)[number];
/** A known version, or a newer 2.x (read with a warning): `major.minor`. */
export type MetadataVersion = KnownMetadataVersion | `2.${number}`;
/** The highest major version this parser reads; a greater one is refused (core metadata spec). */
export const SUPPORTED_METADATA_MAJOR = 2;

/** Fields as found, only grouped: multi-use fields are arrays, nothing is validated. */
export interface RawMetadata {
  metadataVersion?: string;
  name?: string;
  version?: string;
  platforms?: string[];
  supportedPlatforms?: string[];
  summary?: string;
  description?: string;
  descriptionContentType?: string;
  keywords?: string[];
  homePage?: string;
  downloadUrl?: string;
  author?: string;
  authorEmail?: string;
  maintainer?: string;
  maintainerEmail?: string;
  license?: string;
  licenseExpression?: string;
  licenseFiles?: string[];
  classifiers?: string[];
  requiresDist?: string[];
  requiresPython?: string;
  requiresExternal?: string[];
  projectUrls?: Record<string, string>;
  providesExtra?: string[];
  providesDist?: string[];
  obsoletesDist?: string[];
  dynamic?: string[];
  requires?: string[];
  provides?: string[];
  obsoletes?: string[];
  /** PEP 794 (2.5): importable names, `name` or `name; private`; [] for an empty `Import-Name:` (it provides none). */
  importNames?: string[];
  importNamespaces?: string[];
}

type RawKey = keyof RawMetadata;
type FieldKind = "single" | "multi" | "keywords" | "urls";

interface Field {
  key: RawKey;
  /** The canonical header spelling, used in messages. */
  header: string;
  kind: FieldKind;
  /** Core metadata version that introduced the field. */
  since: KnownMetadataVersion;
}

const FIELDS: readonly Field[] = [
  { key: "metadataVersion", header: "Metadata-Version", kind: "single", since: "1.0" },
  { key: "name", header: "Name", kind: "single", since: "1.0" },
  { key: "version", header: "Version", kind: "single", since: "1.0" },
  { key: "platforms", header: "Platform", kind: "multi", since: "1.0" },
  { key: "summary", header: "Summary", kind: "single", since: "1.0" },
  { key: "description", header: "Description", kind: "single", since: "1.0" },
  { key: "keywords", header: "Keywords", kind: "keywords", since: "1.0" },
  { key: "homePage", header: "Home-page", kind: "single", since: "1.0" },
  { key: "author", header: "Author", kind: "single", since: "1.0" },
  { key: "authorEmail", header: "Author-email", kind: "single", since: "1.0" },
  { key: "license", header: "License", kind: "single", since: "1.0" },
  { key: "supportedPlatforms", header: "Supported-Platform", kind: "multi", since: "1.1" },
  { key: "downloadUrl", header: "Download-URL", kind: "single", since: "1.1" },
  { key: "classifiers", header: "Classifier", kind: "multi", since: "1.1" },
  { key: "requires", header: "Requires", kind: "multi", since: "1.1" },
  { key: "provides", header: "Provides", kind: "multi", since: "1.1" },
  { key: "obsoletes", header: "Obsoletes", kind: "multi", since: "1.1" },
  { key: "maintainer", header: "Maintainer", kind: "single", since: "1.2" },
  { key: "maintainerEmail", header: "Maintainer-email", kind: "single", since: "1.2" },
  { key: "requiresDist", header: "Requires-Dist", kind: "multi", since: "1.2" },
  { key: "providesDist", header: "Provides-Dist", kind: "multi", since: "1.2" },
  { key: "obsoletesDist", header: "Obsoletes-Dist", kind: "multi", since: "1.2" },
  { key: "requiresPython", header: "Requires-Python", kind: "single", since: "1.2" },
  { key: "requiresExternal", header: "Requires-External", kind: "multi", since: "1.2" },
  { key: "projectUrls", header: "Project-URL", kind: "urls", since: "1.2" },
  { key: "descriptionContentType", header: "Description-Content-Type", kind: "single", since: "2.1" },
  { key: "providesExtra", header: "Provides-Extra", kind: "multi", since: "2.1" },
  { key: "dynamic", header: "Dynamic", kind: "multi", since: "2.2" },
  { key: "licenseExpression", header: "License-Expression", kind: "single", since: "2.4" },
  { key: "licenseFiles", header: "License-File", kind: "multi", since: "2.4" },
  { key: "importNames", header: "Import-Name", kind: "multi", since: "2.5" },
  { key: "importNamespaces", header: "Import-Namespace", kind: "multi", since: "2.5" },
];

const BY_HEADER = new Map(FIELDS.map((f) => [f.header.toLowerCase(), f]));

export interface RawParseResult {
  raw: RawMetadata;
  /** Headers (lowercased) that are unknown, or known but malformed (e.g. a single-use field repeated). */
  unparsed: Record<string, string[]>;
}

// RFC 822: a field name is printable ASCII except the colon.
const HEADER_RE = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/;

/**
 * Stage one: splits the headers (with continuation lines) and the body. Multi-use fields become
 * arrays; single-use fields seen twice, unknown fields and unreadable values go to `unparsed`.
 * The body after the blank line is the Description (metadata 2.1); a Description header has its
 * continuation lines unfolded by dropping the 8-space or `       |` prefix setuptools writes.
 */
export function parseRawMetadata(text: string): RawParseResult {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const headers: { name: string; first: string; continuation: string[] }[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") {
      i++;
      break;
    }
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.continuation.push(line);
      continue;
    }
    const m = HEADER_RE.exec(line);
    // As Python's email parser does, a line that is no header ends the headers and starts the body.
    if (!m) break;
    headers.push({ name: m[1]!.toLowerCase(), first: m[2]!.trimEnd(), continuation: [] });
  }
  const body = lines.slice(i).join("\n");

  const values = new Map<string, string[]>();
  for (const h of headers) {
    const field = BY_HEADER.get(h.name);
    let value: string;
    if (field?.key === "description" || field?.key === "license") {
      // Multi-line text fields: keep the lines, dropping the folding prefix.
      value = [h.first, ...h.continuation.map(unfoldTextLine)].join("\n");
    } else {
      // RFC 822 unfolding: the line break goes, the whitespace run becomes one space.
      value = [h.first, ...h.continuation.map((l) => l.trim())].filter((part, n) => n === 0 || part !== "").join(" ");
    }
    const list = values.get(h.name) ?? [];
    list.push(value);
    values.set(h.name, list);
  }

  const raw: RawMetadata = {};
  const unparsed: Record<string, string[]> = {};
  const put = <K extends RawKey>(key: K, value: RawMetadata[K]): void => {
    raw[key] = value;
  };
  for (const [name, list] of values) {
    const field = BY_HEADER.get(name);
    if (!field) {
      unparsed[name] = list;
      continue;
    }
    switch (field.kind) {
      case "multi":
        // PEP 794: one empty `Import-Name:` says the distribution has no import names at all.
        if (field.key === "importNames" && list.length === 1 && list[0] === "") put("importNames", []);
        else put(field.key, list as never);
        break;
      case "single":
        if (list.length === 1) put(field.key, list[0] as never);
        else unparsed[name] = list;
        break;
      case "keywords":
        if (list.length === 1) {
          put(
            "keywords",
            list[0]!
              .split(",")
              .map((k) => k.trim())
              .filter((k) => k !== ""),
          );
        } else unparsed[name] = list;
        break;
      case "urls": {
        // Core metadata: `Project-URL: Label, https://…`; labels must be unique.
        const urls: Record<string, string> = {};
        let ok = true;
        for (const entry of list) {
          const comma = entry.indexOf(",");
          const label = (comma === -1 ? entry : entry.slice(0, comma)).trim();
          const url = comma === -1 ? "" : entry.slice(comma + 1).trim();
          if (Object.hasOwn(urls, label)) ok = false;
          urls[label] = url;
        }
        if (ok) put("projectUrls", urls);
        else unparsed[name] = list;
        break;
      }
    }
  }

  // Metadata 2.1: the description may be the message body; both at once is ambiguous.
  if (body.trim() !== "") {
    if (raw.description !== undefined) {
      unparsed.description = [raw.description, body];
      delete raw.description;
    } else if (unparsed.description) {
      unparsed.description.push(body);
    } else {
      raw.description = body;
    }
  }
  return { raw, unparsed };
}

function unfoldTextLine(line: string): string {
  // setuptools writes 8 spaces; distutils wrote 7 spaces and a `|`.
  if (line.startsWith("        ")) return line.slice(8);
  if (/^ {7}\|/.test(line)) return line.slice(8);
  if (line.startsWith("\t")) return line.slice(1);
  return line.trimStart();
}

/** Validated core metadata, with typed values; the fields not listed here are as in RawMetadata. */
export interface Metadata extends Omit<RawMetadata, "metadataVersion" | "name" | "version" | "requiresDist" | "requiresPython"> {
  metadataVersion: MetadataVersion;
  /** The name as written; canonicalizeName() gives the PEP 503 form. */
  name: string;
  version: Version;
  requiresDist?: Requirement[];
  requiresPython?: SpecifierSet;
  /** Fields this parser does not know, lowercased, as found. */
  unknownFields: Record<string, string[]>;
  /** What the spec says to warn about, not refuse: a Metadata-Version newer than this parser knows. */
  warnings: string[];
}

export interface ParseMetadataOptions {
  /**
   * true (default): throw InvalidMetadata listing every problem. false: never throw for optional
   * fields (unreadable ones are left out); a missing or invalid Metadata-Version, Name or Version
   * still throws, as the result cannot exist without them.
   */
  validate?: boolean;
  /**
   * Also reject what pypa/packaging and PyPI reject but older tools wrote: unknown fields, and
   * fields newer than the declared Metadata-Version. Default false.
   */
  strict?: boolean;
}

const CONTENT_TYPES = ["text/plain", "text/x-rst", "text/markdown"];
const MARKDOWN_VARIANTS = ["GFM", "CommonMark"];
// Core metadata 2.2: these can never be dynamic.
const NEVER_DYNAMIC = ["name", "version", "metadata-version"];

/** Stage two: parses and validates; throws InvalidMetadata with every problem found. */
export function parseMetadata(text: string, options: ParseMetadataOptions = {}): Metadata {
  const validate = options.validate ?? true;
  const strict = options.strict ?? false;
  const { raw, unparsed } = parseRawMetadata(text);
  const errors: string[] = [];
  const fatal: string[] = [];

  const unknownFields: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(unparsed)) {
    const field = BY_HEADER.get(name);
    if (field) {
      errors.push(
        field.key === "projectUrls"
          ? `"Project-URL" has duplicate labels`
          : field.key === "description"
            ? `"Description" is given both as a header and as the message body`
            : `"${field.header}" may appear only once, found ${list.length} times`,
      );
    } else {
      unknownFields[name] = list;
      if (strict) errors.push(`unrecognized field ${JSON.stringify(name)}`);
    }
  }

  // Required fields.
  const warnings: string[] = [];
  let metadataVersion: MetadataVersion | undefined;
  if (raw.metadataVersion === undefined) fatal.push('missing required field "Metadata-Version"');
  else {
    const checked = checkMetadataVersion(raw.metadataVersion);
    if (checked.problem) fatal.push(checked.problem);
    else metadataVersion = checked.version;
    if (checked.warning) warnings.push(checked.warning);
  }

  if (raw.name === undefined) fatal.push('missing required field "Name"');
  else if (!isValidProjectName(raw.name)) {
    // PEP 508 name rule.
    fatal.push(`"Name" ${JSON.stringify(raw.name)} is not a valid project name`);
  }

  let version: Version | null = null;
  if (raw.version === undefined) fatal.push('missing required field "Version"');
  else {
    version = tryParseVersion(raw.version);
    if (version === null) fatal.push(`"Version" ${JSON.stringify(raw.version)} is not a valid PEP 440 version`);
  }

  const { requiresDist: rawRequiresDist, requiresPython: rawRequiresPython, ...plain } = raw;
  const md: Partial<Metadata> = { ...(plain as Omit<RawMetadata, "requiresDist" | "requiresPython">) } as Partial<Metadata>;
  delete (md as RawMetadata).metadataVersion;
  delete (md as RawMetadata).version;

  if (rawRequiresDist !== undefined) {
    const reqs: Requirement[] = [];
    for (const r of rawRequiresDist) {
      try {
        reqs.push(parseRequirement(r));
      } catch (e) {
        if (!(e instanceof InvalidRequirement)) throw e;
        errors.push(`"Requires-Dist" ${JSON.stringify(r)} is invalid: ${e.message}`);
      }
    }
    md.requiresDist = reqs;
  }
  if (rawRequiresPython !== undefined) {
    try {
      md.requiresPython = new SpecifierSet(rawRequiresPython);
    } catch (e) {
      if (!(e instanceof InvalidSpecifier)) throw e;
      errors.push(`"Requires-Python" ${JSON.stringify(rawRequiresPython)} is invalid: ${e.message}`);
    }
  }

  // Core metadata: Summary is one line.
  if (raw.summary?.includes("\n")) errors.push('"Summary" must be a single line');

  // distutils and setuptools < 38.6 wrote "UNKNOWN" for a value nobody set (ply 3.11 on PyPI, found
  // by the conformance check, has `Description-Content-Type: UNKNOWN`): no content type was given,
  // which is allowed. pypa/packaging refuses it; the wheels exist and are installed every day.
  if (raw.descriptionContentType !== undefined && raw.descriptionContentType !== "UNKNOWN") {
    const problem = checkContentType(raw.descriptionContentType);
    if (problem) errors.push(problem);
  }

  for (const extra of raw.providesExtra ?? []) {
    // PEP 685: extra names follow the project name rule.
    if (!isValidProjectName(extra)) errors.push(`"Provides-Extra" ${JSON.stringify(extra)} is not a valid extra name`);
  }
  if (raw.providesExtra) md.providesExtra = raw.providesExtra;

  if (raw.dynamic !== undefined) {
    md.dynamic = raw.dynamic.map((d) => d.toLowerCase());
    for (const d of raw.dynamic) {
      // Core metadata 2.2: Name, Version and Metadata-Version cannot be dynamic; others must be known fields.
      if (NEVER_DYNAMIC.includes(d.toLowerCase())) errors.push(`"Dynamic" may not list ${JSON.stringify(d)}`);
      else if (!BY_HEADER.has(d.toLowerCase())) errors.push(`"Dynamic" lists ${JSON.stringify(d)}, which is not a core metadata field`);
    }
  }

  for (const field of ["importNames", "importNamespaces"] as const) {
    for (const value of raw[field] ?? []) {
      const problem = checkImportName(value);
      if (problem) errors.push(`"${field === "importNames" ? "Import-Name" : "Import-Namespace"}" ${JSON.stringify(value)} is invalid: ${problem}`);
    }
  }

  for (const path of raw.licenseFiles ?? []) {
    const problem = checkLicenseFile(path);
    if (problem) errors.push(problem);
  }

  if (raw.licenseExpression !== undefined) {
    const problem = checkLicenseExpression(raw.licenseExpression);
    if (problem) errors.push(`"License-Expression" ${JSON.stringify(raw.licenseExpression)} is invalid: ${problem}`);
  }

  if (strict && metadataVersion !== undefined) {
    const declared = rank(metadataVersion);
    for (const field of FIELDS) {
      const present = raw[field.key] !== undefined || unparsed[field.header.toLowerCase()] !== undefined;
      if (present && rank(field.since) > declared) {
        errors.push(`"${field.header}" was introduced in metadata version ${field.since}, not ${metadataVersion}`);
      }
    }
  }

  if (fatal.length > 0 || (validate && errors.length > 0)) throw new InvalidMetadata([...fatal, ...errors]);
  return { ...md, metadataVersion: metadataVersion!, name: raw.name!, version: version!, unknownFields, warnings } as Metadata;
}

interface CheckedMetadataVersion {
  version?: MetadataVersion;
  problem?: string;
  warning?: string;
}

/**
 * Core metadata spec, "Metadata-Version": `major.minor`; a newer minor version is read with a
 * warning, a newer major version is refused (its format may have changed in ways we cannot see).
 */
export function checkMetadataVersion(value: string): CheckedMetadataVersion {
  const known = METADATA_VERSIONS as readonly string[];
  if (known.includes(value)) return { version: value as KnownMetadataVersion };
  const m = /^(\d+)\.(\d+)$/.exec(value);
  const latest = METADATA_VERSIONS[METADATA_VERSIONS.length - 1]!;
  if (!m) return { problem: `"Metadata-Version" ${JSON.stringify(value)} is not a metadata version (the form is major.minor, e.g. ${latest})` };
  const major = Number(m[1]);
  if (major > SUPPORTED_METADATA_MAJOR) {
    return {
      problem:
        `"Metadata-Version" ${JSON.stringify(value)} is a newer major version than this tool reads ` +
        `(up to ${SUPPORTED_METADATA_MAJOR}.x); use a newer release of it`,
    };
  }
  if (major === SUPPORTED_METADATA_MAJOR && Number(m[2]) > Number(latest.split(".")[1])) {
    return {
      version: `2.${Number(m[2])}`,
      warning:
        `"Metadata-Version" ${JSON.stringify(value)} is newer than the latest version this tool knows (${latest}); ` +
        `fields it does not know are kept as they are`,
    };
  }
  // A 1.x or 2.x that never existed (1.3, 2.05): not a version any tool wrote.
  return { problem: `"Metadata-Version" ${JSON.stringify(value)} is not a known metadata version (${METADATA_VERSIONS.join(", ")})` };
}

function rank(v: MetadataVersion): number {
  // Metadata 2.0 (from PEP 426, withdrawn) was written by wheel < 0.31 with Provides-Extra
  // and Description-Content-Type: treat it as 2.1 when checking which fields it may carry.
  const i = (METADATA_VERSIONS as readonly string[]).indexOf(v === "2.0" ? "2.1" : v);
  // A newer 2.x than we know carries every field we know.
  return i === -1 ? METADATA_VERSIONS.length : i;
}

// Python's keywords (`keyword.kwlist`, 3.13): not importable names.
const PYTHON_KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from global " +
    "if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);
// Python identifiers (PEP 3131): XID_Start (or "_") then XID_Continue; JavaScript's ID_Start /
// ID_Continue properties are the same sets minus a handful of NFKC oddities.
const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

/**
 * PEP 794: `Import-Name` / `Import-Namespace` is a dotted name of Python identifiers, none a
 * keyword, optionally followed by `; private` (the only option). null when it is valid.
 */
function checkImportName(value: string): string | null {
  const semicolon = value.indexOf(";");
  const name = (semicolon === -1 ? value : value.slice(0, semicolon)).trimEnd();
  for (const part of name.split(".")) {
    if (!IDENTIFIER.test(part)) return `${JSON.stringify(part)} is not a valid identifier`;
    if (PYTHON_KEYWORDS.has(part)) return `${JSON.stringify(part)} is a keyword`;
  }
  if (semicolon !== -1 && value.slice(semicolon + 1).trim() !== "private") return 'the only valid option is "private"';
  return null;
}

function checkContentType(value: string): string | null {
  // RFC 2045 style: `type/subtype; param=value; …`.
  const [type, ...params] = value.split(";").map((p) => p.trim());
  const contentType = type!.toLowerCase();
  if (!CONTENT_TYPES.includes(contentType)) {
    return `"Description-Content-Type" must be one of ${CONTENT_TYPES.join(", ")}, not ${JSON.stringify(value)}`;
  }
  const parameters = new Map<string, string>();
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq === -1) continue;
    parameters.set(
      p.slice(0, eq).trim().toLowerCase(),
      p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1"),
    );
  }
  const charset = parameters.get("charset") ?? "UTF-8";
  if (charset.toUpperCase() !== "UTF-8") {
    return `"Description-Content-Type" can only specify the UTF-8 charset, not ${JSON.stringify(charset)}`;
  }
  const variant = parameters.get("variant") ?? "GFM";
  if (contentType === "text/markdown" && !MARKDOWN_VARIANTS.includes(variant)) {
    return `"Description-Content-Type" Markdown variant must be ${MARKDOWN_VARIANTS.join(" or ")}, not ${JSON.stringify(variant)}`;
  }
  return null;
}

function checkLicenseFile(path: string): string | null {
  // PEP 639: relative paths with `/` separators, inside the project, no globs.
  const p = JSON.stringify(path);
  if (path.includes("\\")) return `"License-File" ${p} must use "/" as the path separator`;
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return `"License-File" ${p} must be a relative path`;
  if (path.split("/").includes("..")) return `"License-File" ${p} may not contain ".."`;
  if (/[*?[\]]/.test(path)) return `"License-File" ${p} may not contain wildcards`;
  return null;
}

/**
 * PEP 639: checks the SPDX expression grammar (ids, LicenseRef-…, `+`, AND / OR / WITH,
 * parentheses). License ids are not checked against the SPDX list, which is data this
 * package does not carry.
 */
function checkLicenseExpression(expression: string): string | null {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  if (tokens.length === 0) return "it is empty";
  let k = 0;
  const isOp = (t: string | undefined): boolean => t !== undefined && /^(AND|OR|WITH)$/i.test(t);
  const ID = /^(?:(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9.-]+\+?)$/;
  const expr = (): string | null => {
    const first = term();
    if (first) return first;
    while (k < tokens.length && /^(AND|OR)$/i.test(tokens[k]!)) {
      k++;
      const next = term();
      if (next) return next;
    }
    return null;
  };
  const term = (): string | null => {
    const t = tokens[k];
    if (t === "(") {
      k++;
      const inner = expr();
      if (inner) return inner;
      if (tokens[k] !== ")") return 'expected ")"';
      k++;
      return null;
    }
    if (t === undefined || t === ")" || isOp(t) || !ID.test(t)) {
      return t === undefined ? "unexpected end" : `unexpected ${JSON.stringify(t)}`;
    }
    k++;
    if (tokens[k] !== undefined && /^WITH$/i.test(tokens[k]!)) {
      k++;
      const exception = tokens[k];
      if (exception === undefined || isOp(exception) || !ID.test(exception)) return "expected an exception id after WITH";
      k++;
    }
    return null;
  };
  const problem = expr();
  if (problem) return problem;
  if (k < tokens.length) return `unexpected ${JSON.stringify(tokens[k])}`;
  return null;
}
