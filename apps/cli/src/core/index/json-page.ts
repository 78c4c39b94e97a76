// PEP 691 project pages read without the validating parser: the installer reads one per project
// per run, and @wheelhouse/simple-index's zod schema (and loading zod at all) costs more than the
// rest of reading a page. This reader accepts exactly what that parser accepts, giving the same
// files; for anything else (not JSON, a field of the wrong type, a version it does not know) it
// answers null and the caller runs the full parser, which gives the error.
import { hashEntry, parseUploadTime, sha256Hex, splitFragment, type UpstreamFile } from "@wheelhouse/simple-index/upstream-page";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringRecord = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === "string");
/** zod's `.nullish()` of a type: absent, undefined, null, or that type. */
const nullishOf = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || v === null || check(v);
const isCoreMetadata = (v: unknown): boolean => typeof v === "boolean" || isStringRecord(v);

/** The files of a PEP 691 page body, or null when the full parser has to look at it. */
export function readJsonPageFiles(body: string, contentType: string | null, pageUrl: string): UpstreamFile[] | null {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (!mediaType.endsWith("json")) return null;
  let page: unknown;
  try {
    page = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(page) || typeof page.name !== "string" || !Array.isArray(page.files)) return null;
  const meta = page.meta;
  if (!isObject(meta) || typeof meta["api-version"] !== "string" || !meta["api-version"].startsWith("1.")) return null;
  if (!nullishOf(meta["_last-serial"], Number.isSafeInteger)) return null;
  const files: UpstreamFile[] = [];
  for (const file of page.files) {
    const upstream = readFile(file, pageUrl);
    if (upstream === null) return null;
    files.push(upstream);
  }
  return files;
}

function readFile(file: Json, pageUrl: string): UpstreamFile | null {
  if (!isObject(file)) return null;
  const { filename, url, hashes, yanked, size } = file;
  const requiresPython = file["requires-python"];
  const coreMetadata = file["core-metadata"];
  const distInfoMetadata = file["dist-info-metadata"];
  const uploadTime = file["upload-time"];
  if (typeof filename !== "string" || filename === "" || typeof url !== "string" || url === "" || !isStringRecord(hashes)) return null;
  if (!nullishOf(requiresPython, (v) => typeof v === "string")) return null;
  if (!nullishOf(yanked, (v) => typeof v === "boolean" || typeof v === "string")) return null;
  if (!nullishOf(coreMetadata, isCoreMetadata) || !nullishOf(distInfoMetadata, isCoreMetadata)) return null;
  if (!nullishOf(size, (v) => Number.isSafeInteger(v) && (v as number) >= 0)) return null;
  if (!nullishOf(uploadTime, (v) => typeof v === "string")) return null;
  let absolute: string;
  try {
    absolute = splitFragment(url, pageUrl).url;
  } catch {
    return null;
  }
  const metadata = (coreMetadata ?? distInfoMetadata ?? false) as boolean | Record<string, string>;
  const digests: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(hashes)) {
    const entry = hashEntry(algorithm, value);
    if (entry) digests[entry[0]] = entry[1];
  }
  return {
    filename,
    url: absolute,
    sha256: sha256Hex(digests.sha256),
    hashes: digests,
    requiresPython: (requiresPython as string | null | undefined)?.trim() || null,
    yanked: yanked === true ? "" : typeof yanked === "string" ? yanked : false,
    coreMetadata: metadata === false ? false : metadata === true ? { sha256: null } : { sha256: sha256Hex(metadata.sha256) },
    size: (size as number | null | undefined) ?? null,
    uploadTime: parseUploadTime(uploadTime as string | null | undefined),
  };
}
