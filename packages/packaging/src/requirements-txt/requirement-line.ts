/**
 * One requirement as pip reads it from a requirements file line or a command-line argument
 * (pip/_internal/req/constructors.py, parse_req_from_line / parse_editable):
 * - a PEP 508 specifier: `pkg[extra]>=1,<2; python_version < "3.12"`, `pkg @ https://…`;
 * - a URL (`https://…/pkg-1.0.tar.gz#egg=pkg`, `git+https://…#egg=pkg`) or a local path to a
 *   wheel, an sdist or a project directory, optionally with `[extras]` and `; markers` (after
 *   "; " for URLs). A wheel names itself; otherwise `#egg=name` does, or the requirement stays
 *   unnamed (its name is known after building it);
 * - `-e`/`--editable` a project directory or a VCS URL.
 * Relative paths are taken from the current directory, as pip does (even inside a requirements
 * file). Whether a path exists, or is a directory, is asked of the caller's LocalPaths: this
 * package does no I/O.
 */
import { isAbsolute, normalize, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidWheelFilename, parseWheelFilename } from "../filenames.ts";
import { InvalidMarker, parseMarker, type Marker } from "../markers.ts";
import { InvalidRequirement, parseRequirement, Requirement } from "../requirements.ts";

/** What the parser asks of the file system (synchronously: command-line arguments parse synchronously). */
export interface LocalPaths {
  exists(path: string): boolean;
  /** False for a missing path, or any error. */
  isDirectory(path: string): boolean;
}

/** A file system with no file in it: paths stay paths, nothing is found. */
export const NO_LOCAL_PATHS: LocalPaths = { exists: () => false, isDirectory: () => false };

export class InvalidRequirementLine extends Error {
  override name = "InvalidRequirementLine";
}

/** A requirement from a file or the command line. */
export interface RequirementLine {
  /** The parsed requirement; null for an unnamed URL or path (no `#egg=`, not a wheel). */
  requirement: Requirement | null;
  /** The requirement as written (after `${VAR}` expansion), without its options. */
  text: string;
  /** `--hash` values by algorithm: `{ sha256: ["…", "…"] }`. */
  hashes: Record<string, string[]>;
  /** `requirements.txt:3`, or `command line`. */
  source: string;
  /** pip's "comes from": `-r requirements.txt (line 3)`, `-c constraints.txt (line 1)`; null on the command line. */
  comesFrom: string | null;
  isConstraint: boolean;
  /** For URL and path requirements: the URL (a local path as a file: URL). */
  url?: string;
  /** For local paths: the absolute path. */
  path?: string;
  editable?: boolean;
  /** Extras and markers of an unnamed requirement (a named one has them on `requirement`). */
  extras?: string[];
  marker?: Marker | null;
}

export interface LineLocation {
  /** e.g. `requirements.txt:3` */
  source: string;
  /** e.g. `line 3 of requirements.txt`; null on the command line. */
  lineSource: string | null;
  comesFrom: string | null;
  isConstraint: boolean;
}

export const COMMAND_LINE: LineLocation = { source: "command line", lineSource: null, comesFrom: null, isConstraint: false };

const VCS_SCHEMES = [
  "git+http",
  "git+https",
  "git+ssh",
  "git+git",
  "git+file",
  "git",
  "hg+file",
  "hg+http",
  "hg+https",
  "hg+ssh",
  "hg+static-http",
  "hg",
  "svn+ssh",
  "svn+http",
  "svn+https",
  "svn+svn",
  "svn+file",
  "svn",
  "bzr+http",
  "bzr+https",
  "bzr+ssh",
  "bzr+sftp",
  "bzr+ftp",
  "bzr+lp",
  "bzr+file",
  "bzr",
];
const URL_SCHEMES = ["http", "https", "file", "ftp", ...VCS_SCHEMES];
const ARCHIVE_EXTENSIONS = [".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma", ".tar.gz", ".tgz", ".tar"];
const OPERATORS = ["~=", "===", "==", "!=", "<=", ">=", "<", ">"];

/** pip's is_url: a scheme pip can fetch from. */
export function isUrl(text: string): boolean {
  const colon = text.indexOf(":");
  if (colon === -1) return false;
  return URL_SCHEMES.includes(text.slice(0, colon).toLowerCase());
}

function isVcsUrl(text: string): boolean {
  const colon = text.indexOf(":");
  return colon !== -1 && VCS_SCHEMES.includes(text.slice(0, colon).toLowerCase());
}

function looksLikePath(name: string): boolean {
  return name.includes(sep) || name.includes("/") || name.startsWith(".");
}

function isArchiveFile(name: string): boolean {
  const lower = name.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** `#egg=name` (or `&egg=`) of a URL. */
export function eggFragment(url: string): string | null {
  const hash = url.indexOf("#");
  if (hash === -1) return null;
  const m = /(?:^|&)egg=([^&]*)/.exec(url.slice(hash + 1));
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

/** The last path segment of a URL, without query and fragment. */
function urlFilename(url: string): string {
  const bare = url.split("#")[0]!.split("?")[0]!;
  return decodeURIComponent(bare.slice(bare.lastIndexOf("/") + 1));
}

function stripExtras(path: string): [string, string | null] {
  const m = /^(.+)(\[[^\]]+\])$/.exec(path);
  return m ? [m[1]!, m[2]!] : [path, null];
}

function parseExtras(extras: string | null): string[] {
  if (!extras) return [];
  return extras
    .slice(1, -1)
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "");
}

function withSource(text: string, where: LineLocation): string {
  return where.lineSource ? `${text} (from ${where.lineSource})` : text;
}

/** The `reason` of an InvalidRequirement (its message is `Invalid requirement: "…" (reason)`). */
function reasonOf(e: InvalidRequirement): string {
  const prefix = `Invalid requirement: ${JSON.stringify(e.requirement)} (`;
  return e.message.startsWith(prefix) && e.message.endsWith(")") ? e.message.slice(prefix.length, -1) : e.message;
}

function parseRequirementString(text: string, where: LineLocation): Requirement {
  try {
    return parseRequirement(text);
  } catch (e) {
    if (!(e instanceof InvalidRequirement)) throw e;
    let hint = "";
    if (text.includes(sep) || text.includes("/")) hint = `It looks like a path. File '${text}' does not exist.`;
    else if (text.includes("=") && !OPERATORS.some((op) => text.includes(op))) hint = "= is not a valid operator. Did you mean == ?";
    const message = `${withSource(`Invalid requirement: ${pyQuote(text)}`, where)}: ${reasonOf(e)}`;
    throw new InvalidRequirementLine(hint ? `${message}\nHint: ${hint}` : message, { cause: e });
  }
}

function parseMarkerString(text: string, where: LineLocation): Marker | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  try {
    return parseMarker(trimmed);
  } catch (e) {
    if (e instanceof InvalidMarker) {
      throw new InvalidRequirementLine(`${withSource(`Invalid marker: ${pyQuote(trimmed)}`, where)}: ${e.message}`);
    }
    throw e;
  }
}

/** Python's repr() quoting for the strings in messages ('foo==', "it's"). */
export function pyQuote(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  return quote + text.replace(/\\/g, "\\\\").split(quote).join(`\\${quote}`) + quote;
}

/**
 * Parses one requirement (not an option) as pip's parse_req_from_line does.
 * `cwd` resolves relative paths; `hashes` are attached as given.
 */
export function parseRequirementText(
  text: string,
  where: LineLocation,
  cwd: string,
  paths: LocalPaths,
  hashes: Record<string, string[]> = {},
): RequirementLine {
  const base = { text, hashes, source: where.source, comesFrom: where.comesFrom, isConstraint: where.isConstraint };
  const url = isUrl(text);
  const markerSep = url ? "; " : ";";
  let name = text;
  let marker: Marker | null = null;
  const sepAt = text.indexOf(markerSep);
  if (sepAt !== -1) {
    name = text.slice(0, sepAt);
    marker = parseMarkerString(text.slice(sepAt + markerSep.length), where);
  }
  name = name.trim();

  let link: string | null = null;
  let localPath: string | undefined;
  let extras: string[] = [];
  if (url) {
    link = name;
  } else {
    const absolute = normalize(resolve(cwd, name));
    const [pathNoExtras, extrasText] = stripExtras(absolute);
    const fromPath = urlFromPath(pathNoExtras, stripExtras(name)[0], where, paths);
    if (fromPath !== null) {
      link = fromPath;
      localPath = pathNoExtras;
      extras = parseExtras(extrasText);
    }
  }

  if (link === null) {
    // A PEP 508 requirement; as pip, the markers were split off first and are attached to it.
    const req = parseRequirementString(name, where);
    const requirement = marker === null ? req : new Requirement({ name: req.name, extras: req.extras, specifier: req.specifier, url: req.url, marker });
    return { ...base, requirement };
  }

  let reqName: string | null = null;
  const filename = urlFilename(link);
  if (filename.toLowerCase().endsWith(".whl")) {
    try {
      reqName = parseWheelFilename(filename).name;
    } catch (e) {
      if (e instanceof InvalidWheelFilename) throw new InvalidRequirementLine(`${withSource(`${filename} is not a valid wheel filename`, where)}.`);
      throw e;
    }
  } else {
    reqName = eggFragment(link);
  }
  const requirement = reqName === null ? null : withRequirementParts(parseRequirementString(reqName, where), { extras, url: link, marker });
  return {
    ...base,
    requirement,
    url: link,
    ...(localPath !== undefined ? { path: localPath } : {}),
    ...(requirement === null ? { extras, marker } : {}),
  };
}

function withRequirementParts(req: Requirement, parts: { extras: string[]; url: string; marker: Marker | null }): Requirement {
  return new Requirement({
    name: req.name,
    extras: [...req.extras, ...parts.extras],
    specifier: req.specifier,
    url: parts.url,
    marker: parts.marker,
  });
}

/** pip's _get_url_from_path: a file: URL for an existing project directory or an archive path, else null. */
function urlFromPath(path: string, name: string, where: LineLocation, paths: LocalPaths): string | null {
  if (looksLikePath(name) && paths.isDirectory(path)) {
    if (paths.exists(resolve(path, "pyproject.toml")) || paths.exists(resolve(path, "setup.py"))) return pathToFileURL(path).href;
    throw new InvalidRequirementLine(withSource(`Directory ${pyQuote(name)} is not installable. Neither 'setup.py' nor 'pyproject.toml' found.`, where));
  }
  if (!isArchiveFile(path)) return null;
  if (paths.exists(path)) return pathToFileURL(path).href;
  const at = name.indexOf("@");
  // `pkg @ https://…/x.whl` is a PEP 508 URL requirement, not a missing file.
  if (at !== -1 && !looksLikePath(name.slice(0, at))) return null;
  return pathToFileURL(path).href;
}

/** Parses the argument of `-e`/`--editable` (pip's parse_editable). */
export function parseEditableText(text: string, where: LineLocation, cwd: string, paths: LocalPaths): RequirementLine {
  const base = { text, hashes: {}, source: where.source, comesFrom: where.comesFrom, isConstraint: where.isConstraint, editable: true };
  const [noExtras, extrasText] = stripExtras(text);
  const absolute = isAbsolute(noExtras) ? noExtras : resolve(cwd, noExtras);
  let url = noExtras;
  let path: string | undefined;
  if (!isUrl(noExtras) && paths.isDirectory(absolute)) {
    url = pathToFileURL(absolute).href;
    path = absolute;
  }
  if (url.toLowerCase().startsWith("file:")) {
    const name = eggFragment(url);
    const extras = parseExtras(extrasText);
    const requirement = name === null ? null : withRequirementParts(parseRequirementString(name, where), { extras, url, marker: null });
    return { ...base, requirement, url, ...(path !== undefined ? { path } : {}), ...(requirement === null ? { extras, marker: null } : {}) };
  }
  // `git:` alone means `git+git:`.
  let vcsUrl = text;
  for (const vcs of ["git", "hg", "svn", "bzr"]) {
    if (text.toLowerCase().startsWith(`${vcs}:`)) {
      vcsUrl = `${vcs}+${text}`;
      break;
    }
  }
  if (!isVcsUrl(vcsUrl)) {
    throw new InvalidRequirementLine(
      withSource(
        `${text} is not a valid editable requirement. It should either be a path to a local project or a VCS URL ` +
          `(beginning with bzr+http, bzr+https, bzr+ssh, bzr+sftp, bzr+ftp, bzr+lp, bzr+file, ` +
          `git+http, git+https, git+ssh, git+git, git+file, hg+file, hg+http, hg+https, hg+ssh, hg+static-http, ` +
          `svn+ssh, svn+http, svn+https, svn+svn, svn+file).`,
        where,
      ),
    );
  }
  const name = eggFragment(vcsUrl);
  if (name === null) {
    throw new InvalidRequirementLine(
      withSource(`Could not detect requirement name for ${pyQuote(text)}, please specify one with #egg=your_package_name`, where),
    );
  }
  return { ...base, requirement: withRequirementParts(parseRequirementString(name, where), { extras: [], url: vcsUrl, marker: null }), url: vcsUrl };
}
