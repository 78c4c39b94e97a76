// What PyPI checks about an uploaded filename before it looks inside the file.
import { canonicalizeName, canonicalizeVersion, parseSdistFilename, parseWheelFilename, type NormalizedName } from "@wheelhouse/packaging";
import { BadRequest } from "../errors.ts";
import type { UploadForm } from "./upload-form.ts";

export interface CheckedFilename {
  filename: string;
  name: NormalizedName;
  /** Canonical PEP 440 form of the version in the filename. */
  canonicalVersion: string;
  pythonVersion: string;
}

// A distribution filename is one path segment of plain characters: this is also what
// keeps `../`, absolute paths and control characters out of storage keys and URLs.
const MAX_FILENAME_LENGTH = 255;
const SAFE_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+!~-]*$/;

export function checkFilename(rawFilename: string, form: UploadForm): CheckedFilename {
  // The route keeps the client's filename whole (multer's preservePath): a name with a path is
  // refused, as PyPI refuses it, never cut down to its last segment and stored under that.
  if (rawFilename.includes("/") || rawFilename.includes("\\")) {
    throw new BadRequest("Cannot upload a file with '/' or '\\' in the name.", "bad-filename");
  }
  const filename = rawFilename.trim();
  // The filename is the last segment of the file's storage key and of its URL: file systems
  // (and the bundle format) take at most 255 bytes there.
  if (filename.length > MAX_FILENAME_LENGTH) {
    throw new BadRequest(
      `Invalid filename: a distribution filename is at most ${MAX_FILENAME_LENGTH} characters, this one has ${filename.length}.`,
      "bad-filename",
    );
  }
  if (!SAFE_FILENAME.test(filename) || filename.includes("..")) {
    throw new BadRequest(`Invalid filename '${printable(filename)}': a distribution filename is a single name with no path.`, "bad-filename");
  }
  const isWheel = filename.endsWith(".whl");
  const isSdist = filename.endsWith(".tar.gz") || filename.endsWith(".zip");
  if (!isWheel && !isSdist) {
    throw new BadRequest(`Invalid file extension in '${filename}': use .whl, .tar.gz or .zip (PEP 527).`, "bad-extension");
  }
  if (isWheel !== (form.filetype === "bdist_wheel")) {
    throw new BadRequest(`The filetype '${form.filetype}' does not match the file '${filename}'.`, "bad-filetype");
  }
  let parsed: { name: NormalizedName; version: { toString(): string } };
  let pythonVersion: string;
  try {
    if (isWheel) {
      const wheel = parseWheelFilename(filename);
      parsed = wheel;
      pythonVersion = form.pyversion || [...new Set(wheel.tags.map((t) => t.interpreter))].join(".");
    } else {
      parsed = parseSdistFilename(filename);
      pythonVersion = "source";
    }
  } catch (err) {
    throw new BadRequest(`Invalid distribution filename '${filename}': ${(err as Error).message}`, "bad-filename");
  }
  const formName = canonicalizeName(form.name);
  const formVersion = safeCanonicalVersion(form.version);
  const fileVersion = canonicalizeVersion(parsed.version.toString());
  if (parsed.name !== formName || fileVersion !== formVersion) {
    throw new BadRequest(`The filename '${filename}' does not match the project '${form.name}' version '${form.version}' of the upload.`, "filename-mismatch");
  }
  return { filename, name: formName, canonicalVersion: formVersion, pythonVersion };
}

function safeCanonicalVersion(version: string): string {
  try {
    return canonicalizeVersion(version);
  } catch {
    throw new BadRequest(`Invalid version '${version}': it is not a PEP 440 version.`, "bad-version");
  }
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
}
