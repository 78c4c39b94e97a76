// A project page in whichever format the server chose (PEP 691 content negotiation).
import { parseHtmlPage } from "./parse-html-page.ts";
import { parseJsonPage } from "./parse-json-page.ts";
import type { UpstreamPage } from "./upstream-page.ts";

/**
 * Parses a project page by its `Content-Type`: PEP 691 JSON (`application/vnd.pypi.simple.v1+json`,
 * or any `…json` type), else PEP 503 HTML. `pageUrl` is the URL the page was finally read from
 * (after redirects): relative file URLs resolve against it. Throws InvalidUpstreamPage for a
 * JSON page that is not PEP 691; HTML never throws.
 */
export function parseProjectPage(body: string, contentType: string | null | undefined, pageUrl: string): UpstreamPage {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return mediaType.endsWith("json") ? parseJsonPage(body, pageUrl) : parseHtmlPage(body, pageUrl);
}
