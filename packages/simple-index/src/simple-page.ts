// Simple Repository API pages: PEP 503 HTML and PEP 691 JSON, with the
// PEP 592 (yanked), PEP 658/714 (core metadata) and PEP 700 (versions, size,
// upload-time) additions. Output is a pure function of the input, byte for
// byte, because the route computes the ETag over it.

import { escapeHtml } from "./escape-html.ts";
import type { SimpleFormat } from "./negotiate.ts";
import type { SimpleFile, SimpleIndexPage, SimpleProjectPage } from "./types.ts";
import { formatUploadTime } from "./upload-time.ts";

/** PEP 700 fields (`versions`, `size`, `upload-time`) make this 1.1. */
export const API_VERSION = "1.1";
/**
 * PEP 700 makes `size` mandatory from 1.1 on, and a page never states a size it does not know.
 * A mirrored file whose upstream page gave none (PEP 503 HTML) has no size until its first
 * fetch; asking upstream for every file's size while rendering would cost a request per file.
 * So a JSON page with such a file says it is 1.0 (PEP 691, where `size` does not exist) and
 * leaves `size` out for that file; once the file is fetched the page is 1.1 again.
 */
export const API_VERSION_WITHOUT_SIZES = "1.0";

/** Renders `/simple/<name>/` in the negotiated format. Both HTML formats get the same bytes. */
export function renderProjectPage(page: SimpleProjectPage, format: SimpleFormat): string {
  return format === "json" ? projectJson(page) : projectHtml(page);
}

/** Renders `/simple/` in the negotiated format. Both HTML formats get the same bytes. */
export function renderIndexPage(page: SimpleIndexPage, format: SimpleFormat): string {
  return format === "json" ? indexJson(page) : indexHtml(page);
}

function meta(lastSerial: number, apiVersion = API_VERSION): Record<string, unknown> {
  // PEP 691: keys starting with "_" are free for server use; PyPI puts the serial here.
  return { "api-version": apiVersion, "_last-serial": lastSerial };
}

function projectJson(page: SimpleProjectPage): string {
  const sizesKnown = page.files.every((file) => file.size !== null);
  return JSON.stringify({
    meta: meta(page.lastSerial, sizesKnown ? API_VERSION : API_VERSION_WITHOUT_SIZES),
    name: page.name,
    versions: page.versions,
    files: page.files.map(fileJson),
  });
}

function fileJson(file: SimpleFile): Record<string, unknown> {
  const out: Record<string, unknown> = {
    filename: file.filename,
    url: file.url,
    hashes: sortedHashes(file.hashes),
    // Like warehouse: always present, null when the release has none.
    "requires-python": file.requiresPython || null,
  };
  // See API_VERSION_WITHOUT_SIZES: an unknown size is left out, never given as 0.
  if (file.size !== null) out.size = file.size;
  // PEP 700: upload-time is optional; omit it rather than invent one.
  if (file.uploadTime !== null) out["upload-time"] = formatUploadTime(file.uploadTime);
  // PEP 691: a non-empty string means yanked with that reason; true means yanked.
  out.yanked = file.yanked === false ? false : file.yanked === "" ? true : file.yanked;
  // PEP 714: JSON responses carry only `core-metadata`, never `dist-info-metadata`.
  out["core-metadata"] = file.coreMetadata === false ? false : { sha256: file.coreMetadata.sha256 };
  return out;
}

/**
 * Hash names in code-point order, so the bytes do not depend on how the caller built the object.
 * Unknown ("") hashes are left out: PEP 691 lets `hashes` be empty, never wrong.
 */
function sortedHashes(hashes: SimpleFile["hashes"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algo of Object.keys(hashes).sort()) if (hashes[algo]) out[algo] = hashes[algo]!;
  return out;
}

function projectHtml(page: SimpleProjectPage): string {
  const name = escapeHtml(page.name);
  const links = page.files.map((file) => `    ${fileAnchor(file)}<br />\n`).join("");
  return (
    "<!DOCTYPE html>\n" +
    '<html lang="en">\n' +
    "  <head>\n" +
    `    <meta name="pypi:repository-version" content="${API_VERSION}">\n` +
    `    <title>Links for ${name}</title>\n` +
    "  </head>\n" +
    "  <body>\n" +
    `    <h1>Links for ${name}</h1>\n` +
    links +
    "  </body>\n" +
    "</html>\n" +
    `<!--SERIAL ${page.lastSerial}-->\n`
  );
}

function fileAnchor(file: SimpleFile): string {
  // PEP 503: the hash goes in the URL fragment as <hashname>=<hexdigest>.
  const href = file.hashes.sha256 ? `${file.url}#sha256=${file.hashes.sha256}` : file.url;
  let attrs = `href="${escapeHtml(href)}"`;
  // PEP 503: data-requires-python holds the specifier HTML-escaped (`>=` as `&gt;=`).
  if (file.requiresPython) attrs += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
  if (file.coreMetadata !== false) {
    const value = escapeHtml(`sha256=${file.coreMetadata.sha256}`);
    // PEP 714: HTML keeps the old data-dist-info-metadata beside data-core-metadata for older pips.
    attrs += ` data-dist-info-metadata="${value}" data-core-metadata="${value}"`;
  }
  // PEP 592: the attribute's presence means yanked; its value is the reason, possibly empty.
  if (file.yanked !== false) attrs += ` data-yanked="${escapeHtml(file.yanked)}"`;
  return `<a ${attrs}>${escapeHtml(file.filename)}</a>`;
}

function indexJson(page: SimpleIndexPage): string {
  return JSON.stringify({
    meta: meta(page.lastSerial),
    projects: page.projects.map((project) =>
      project.lastSerial === undefined ? { name: project.name } : { name: project.name, "_last-serial": project.lastSerial },
    ),
  });
}

function indexHtml(page: SimpleIndexPage): string {
  // Relative links, so the page works wherever the route mounts `<index>/simple/`.
  const links = page.projects
    .map((project) => {
      const href = escapeHtml(`${encodeURIComponent(project.name)}/`);
      return `    <a href="${href}">${escapeHtml(project.name)}</a>\n`;
    })
    .join("");
  return (
    "<!DOCTYPE html>\n" +
    '<html lang="en">\n' +
    "  <head>\n" +
    `    <meta name="pypi:repository-version" content="${API_VERSION}">\n` +
    "    <title>Simple index</title>\n" +
    "  </head>\n" +
    "  <body>\n" +
    links +
    "  </body>\n" +
    "</html>\n"
  );
}
