// PEP 691 project pages (application/vnd.pypi.simple.v1+json), validated with zod.
import { z } from "zod";
import { hashEntry, InvalidUpstreamPage, parseUploadTime, sha256Hex, splitFragment, type UpstreamFile, type UpstreamPage } from "./upstream-page.ts";

// PEP 714: JSON uses `core-metadata`; older servers wrote `dist-info-metadata`. Both are
// `false`, `true`, or a hash dictionary.
const coreMetadataSchema = z.union([z.boolean(), z.record(z.string(), z.string())]);

const fileSchema = z.object({
  filename: z.string().min(1),
  url: z.string().min(1),
  hashes: z.record(z.string(), z.string()),
  "requires-python": z.string().nullish(),
  // PEP 691: a boolean, or a string giving the reason (which means yanked).
  yanked: z.union([z.boolean(), z.string()]).nullish(),
  "core-metadata": coreMetadataSchema.nullish(),
  "dist-info-metadata": coreMetadataSchema.nullish(),
  size: z.number().int().nonnegative().nullish(),
  "upload-time": z.string().nullish(),
});

const pageSchema = z.object({
  meta: z.object({
    "api-version": z.string(),
    "_last-serial": z.number().int().nullish(),
  }),
  name: z.string(),
  files: z.array(fileSchema),
});

/** Parses a PEP 691 project page; `pageUrl` resolves relative file URLs. Throws InvalidUpstreamPage. */
export function parseJsonPage(text: string, pageUrl: string): UpstreamPage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidUpstreamPage("the project page is not valid JSON");
  }
  const result = pageSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new InvalidUpstreamPage(`the project page is not a PEP 691 page (${issue?.message ?? "invalid"}${where})`);
  }
  const page = result.data;
  // PEP 691: a major version this client does not know must not be read.
  if (!page.meta["api-version"].startsWith("1.")) {
    throw new InvalidUpstreamPage(`the project page uses API version ${page.meta["api-version"]}, not 1.x`);
  }
  return { files: page.files.map((file) => toUpstreamFile(file, pageUrl)), lastSerial: page.meta["_last-serial"] ?? null };
}

function toUpstreamFile(file: z.infer<typeof fileSchema>, pageUrl: string): UpstreamFile {
  let url: string;
  try {
    url = splitFragment(file.url, pageUrl).url;
  } catch {
    throw new InvalidUpstreamPage(`the project page has an invalid URL for ${file.filename}`);
  }
  const metadata = file["core-metadata"] ?? file["dist-info-metadata"] ?? false;
  const hashes: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(file.hashes)) {
    const entry = hashEntry(algorithm, value);
    if (entry) hashes[entry[0]] = entry[1];
  }
  return {
    filename: file.filename,
    url,
    sha256: sha256Hex(hashes.sha256),
    hashes,
    requiresPython: file["requires-python"]?.trim() || null,
    yanked: file.yanked === true ? "" : typeof file.yanked === "string" ? file.yanked : false,
    coreMetadata: metadata === false ? false : metadata === true ? { sha256: null } : { sha256: sha256Hex(metadata.sha256) },
    size: file.size ?? null,
    uploadTime: parseUploadTime(file["upload-time"]),
  };
}
