/**
 * The multipart form of the legacy upload API, field for field as twine sends it
 * (twine/package.py metadata_dictionary, twine/repository.py _upload): the action and protocol,
 * what identifies the file, the core metadata (multi-use fields repeated), the digests, and the
 * file itself last as `content`, streamed from disk. Encoded as fetch's FormData encodes it (line
 * breaks as CRLF, `"` and line breaks in names escaped), with its length known in advance.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { RawMetadata } from "@wheelhouse/packaging";
import type { PackageFile } from "./package-file.ts";

/** Form field → the core metadata field it carries. */
const METADATA_FIELDS: ReadonlyArray<readonly [string, keyof RawMetadata]> = [
  ["metadata_version", "metadataVersion"],
  ["summary", "summary"],
  ["home_page", "homePage"],
  ["author", "author"],
  ["author_email", "authorEmail"],
  ["maintainer", "maintainer"],
  ["maintainer_email", "maintainerEmail"],
  ["license", "license"],
  ["description", "description"],
  ["keywords", "keywords"],
  ["platform", "platforms"],
  ["classifiers", "classifiers"],
  ["download_url", "downloadUrl"],
  ["supported_platform", "supportedPlatforms"],
  // PEP 314
  ["provides", "provides"],
  ["requires", "requires"],
  ["obsoletes", "obsoletes"],
  // Metadata 1.2
  ["project_urls", "projectUrls"],
  ["provides_dist", "providesDist"],
  ["obsoletes_dist", "obsoletesDist"],
  ["requires_dist", "requiresDist"],
  ["requires_external", "requiresExternal"],
  ["requires_python", "requiresPython"],
  // Metadata 2.1
  ["provides_extra", "providesExtra"],
  ["description_content_type", "descriptionContentType"],
  // Metadata 2.2
  ["dynamic", "dynamic"],
  // Metadata 2.4
  ["license_expression", "licenseExpression"],
  ["license_file", "licenseFiles"],
];

/** The form's text fields in order (a repeated name once per value); `content` is added by `uploadForm`. */
export function formFields(pkg: PackageFile, comment: string | null = null): Array<[string, string]> {
  const meta = pkg.metadata;
  const fields: Array<[string, string]> = [
    [":action", "file_upload"],
    ["protocol_version", "1"],
    ["name", meta.name!],
    ["version", meta.version!],
    ["filetype", pkg.filetype],
    ["pyversion", pkg.pyversion],
  ];
  for (const [field, key] of METADATA_FIELDS) {
    const value = meta[key];
    if (value === undefined) continue;
    if (key === "keywords") fields.push([field, (value as string[]).join(",")]);
    // Project-URL as written in the metadata: `Label, https://…`.
    else if (key === "projectUrls") for (const [label, url] of Object.entries(value as Record<string, string>)) fields.push([field, `${label}, ${url}`]);
    else if (Array.isArray(value)) for (const item of value) fields.push([field, item]);
    else fields.push([field, value as string]);
  }
  if (comment !== null) fields.push(["comment", comment]);
  fields.push(["sha256_digest", pkg.sha256], ["blake2_256_digest", pkg.blake2b256]);
  return fields;
}

/** A multipart body to send: its headers, and a fresh stream of it for each attempt (the file read as it is sent). */
export interface UploadForm {
  contentType: string;
  contentLength: number;
  stream(): Readable;
}

/** The form of one file; its fields are encoded once, the file is read from disk by each `stream()`. */
export async function uploadForm(pkg: PackageFile, absolute: string, comment: string | null = null): Promise<UploadForm> {
  const boundary = `----wheelhouse-${randomBytes(12).toString("hex")}`;
  const prefix = `--${boundary}\r\nContent-Disposition: form-data; name=`;
  const fields = formFields(pkg, comment).map(([name, value]) => `${prefix}"${escapeName(crlf(name))}"\r\n\r\n${crlf(value)}\r\n`);
  const head = Buffer.from(`${fields.join("")}${prefix}"content"; filename="${escapeName(pkg.filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const { size } = await stat(absolute);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + size + tail.length,
    stream: () =>
      Readable.from(
        (async function* () {
          yield head;
          yield* createReadStream(absolute);
          yield tail;
        })(),
      ),
  };
}

/** Line breaks as CRLF, as the multipart/form-data encoding algorithm writes them. */
function crlf(value: string): string {
  return value.replace(/\r?\n|\r/g, "\r\n");
}

/** A field name or filename inside its quotes. */
function escapeName(name: string): string {
  return name.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}
