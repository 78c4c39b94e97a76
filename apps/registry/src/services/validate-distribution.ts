// What every file must pass to enter a hosted index, whichever door it comes through (an upload,
// a bundle import): its filename against the project and version it claims, the archive's
// safety rules, and its core metadata against the filename. Rejections are BadRequests of one
// sentence.
import { canonicalizeName, canonicalizeVersion, parseMetadata, parseRawMetadata, InvalidMetadata, type Metadata } from "@wheelhouse/packaging";
import { inspectDistribution, InvalidDistribution } from "../archive/index.ts";
import { BadRequest } from "../errors.ts";
import { checkFilename, type CheckedFilename } from "../upload/check-filename.ts";
import type { UploadForm } from "../upload/upload-form.ts";

export interface ReadMetadata {
  text: string;
  parsed: Metadata;
  /** Requires-Python as the author wrote it (the parsed form reorders clauses). */
  requiresPython: string | null;
}

export interface ValidDistribution {
  checked: CheckedFilename;
  metadata: ReadMetadata;
}

/** Checks the file at `path` (a local copy), sent as `rawFilename` for the project and version of `form`. */
export async function validateDistribution(path: string, rawFilename: string, form: UploadForm): Promise<ValidDistribution> {
  const checked = checkFilename(rawFilename, form);
  return { checked, metadata: await readCoreMetadata(path, checked) };
}

async function readCoreMetadata(path: string, checked: CheckedFilename): Promise<ReadMetadata> {
  let text: string;
  try {
    ({ metadataText: text } = await inspectDistribution(path, checked.filename));
  } catch (err) {
    if (err instanceof InvalidDistribution) throw new BadRequest(err.message, "invalid-distribution");
    throw err;
  }
  let parsed: Metadata;
  try {
    parsed = parseMetadata(text, { validate: true });
  } catch (err) {
    if (err instanceof InvalidMetadata) throw new BadRequest(`Invalid core metadata in ${checked.filename}: ${err.message}`, "invalid-metadata");
    throw err;
  }
  const metadataName = canonicalizeName(parsed.name);
  if (metadataName !== checked.name || canonicalizeVersion(parsed.version.toString()) !== checked.canonicalVersion) {
    throw new BadRequest(
      `The core metadata of ${checked.filename} names ${parsed.name} ${parsed.version.toString()}, which does not match the filename.`,
      "metadata-mismatch",
    );
  }
  return { text, parsed, requiresPython: parseRawMetadata(text).raw.requiresPython?.trim() || null };
}
