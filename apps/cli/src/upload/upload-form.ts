/**
 * The multipart form of the legacy upload API, field for field as twine sends it
 * (twine/package.py metadata_dictionary, twine/repository.py _upload): the action and protocol,
 * what identifies the file, the core metadata (multi-use fields repeated), the digests, and the
 * file itself last as `content`, streamed from disk.
 */
import { openAsBlob } from "node:fs";
import type { RawMetadata } from "@wheelhouse/packaging";
import { FormData } from "undici";
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

/** A fresh form for one attempt; the file is a disk-backed Blob, read as the request body is sent. */
export async function uploadForm(pkg: PackageFile, absolute: string, comment: string | null = null): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of formFields(pkg, comment)) form.append(name, value);
  form.append("content", await openAsBlob(absolute, { type: "application/octet-stream" }), pkg.filename);
  return form;
}
