// @wheelhouse/simple-index: the Simple Repository API (PEP 503/691/592/658/700/714)
// and PyPI's JSON API, rendered from plain data. No I/O.

export {
  SIMPLE_JSON,
  SIMPLE_HTML,
  LEGACY_HTML,
  contentTypeFor,
  negotiateSimpleFormat,
} from "./negotiate.ts";
export type { SimpleFormat } from "./negotiate.ts";
export { API_VERSION, renderIndexPage, renderProjectPage } from "./simple-page.ts";
export { renderProjectJson, renderReleaseJson } from "./json-api.ts";
export type { JsonApiFileObject, JsonApiResponse, JsonApiVulnerabilityObject } from "./json-api.ts";
export { escapeHtml } from "./escape-html.ts";
export { formatLegacyUploadTime, formatUploadTime } from "./upload-time.ts";
export type {
  JsonApiFile,
  JsonApiRelease,
  JsonApiVulnerability,
  SimpleFile,
  SimpleIndexPage,
  SimpleProjectPage,
} from "./types.ts";
// Reading project pages (the client side: the mirror and the installer).
export { parseProjectPage } from "./parse-project-page.ts";
export { parseHtmlPage } from "./parse-html-page.ts";
export { parseJsonPage } from "./parse-json-page.ts";
export {
  InvalidUpstreamPage,
  filenameFromUrl,
  parseCoreMetadataAttribute,
  sha256Hex,
  splitFragment,
} from "./upstream-page.ts";
export type { UpstreamFile, UpstreamPage } from "./upstream-page.ts";
