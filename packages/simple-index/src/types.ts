// Plain data the routes map their DB rows into. Nothing here knows about HTTP.

/** One distribution file as the Simple API shows it. */
export interface SimpleFile {
  filename: string;
  /** As the page should show it (relative or absolute), without a fragment: the renderer adds `#sha256=…`. */
  url: string;
  /** A hash that is "" is unknown (a mirrored PEP 503 page gave none) and is not rendered. */
  hashes: { sha256: string; [algo: string]: string };
  requiresPython: string | null;
  /** null: unknown (a mirrored PEP 503 page gave none and the file was not fetched yet). */
  size: number | null;
  uploadTime: Date | null;
  /** PEP 592: false, or the reason ("" = yanked with no reason given). */
  yanked: false | string;
  /** PEP 658/714: the digest of the `<file>.metadata` file, or false when there is none. */
  coreMetadata: false | { sha256: string };
}

/** A project detail page (`/simple/<name>/`). */
export interface SimpleProjectPage {
  /** PEP 503-normalized. */
  name: string;
  /** Rendered in the order given (JSON only). */
  files: SimpleFile[];
  /** PEP 700; rendered in the order given (JSON only). */
  versions: string[];
  lastSerial: number;
}

/** The root page (`/simple/`). */
export interface SimpleIndexPage {
  /** Rendered in the order given; names PEP 503-normalized. */
  projects: { name: string; lastSerial?: number }[];
  lastSerial: number;
}

/** One release for PyPI's JSON API (`/pypi/<project>/json`). */
export interface JsonApiRelease {
  version: string;
  /**
   * Core metadata in PyPI's snake_case `info` keys: author, author_email,
   * classifiers, description, description_content_type, download_url,
   * dynamic, home_page, keywords, license, license_expression, license_files,
   * maintainer, maintainer_email, platform, project_urls, provides_extra,
   * requires_dist, requires_python, summary. Keys the renderer computes
   * (name, version, urls, downloads, yanked…) are overwritten.
   */
  info: Record<string, unknown>;
  /** Rendered in the order given. */
  files: JsonApiFile[];
  yanked: boolean;
  yankedReason: string | null;
}

export interface JsonApiFile extends SimpleFile {
  packageType: "bdist_wheel" | "sdist";
  /** "source" for sdists, the wheel's python tag (e.g. "py3") for wheels. */
  pythonVersion: string;
  /** Hex; "" when unknown (rendered as null). */
  md5: string;
  /** Hex; "" when unknown (rendered as null). */
  blake2b256: string;
  /** Not used by the renderer: the route decides which files to pass. */
  uploaderVisible?: boolean;
}

/** A security advisory affecting a release, as the JSON API's `vulnerabilities` lists it. */
export interface JsonApiVulnerability {
  id: string;
  aliases: string[];
  summary: string;
  details: string;
  fixedIn: string[];
  link: string;
  source: string;
  /** Listed all the same, with the time it was withdrawn (as warehouse does). */
  withdrawn: Date | null;
}
