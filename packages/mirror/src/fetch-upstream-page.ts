// One project page from upstream, revalidated with its ETag.
import type { NormalizedName } from "@wheelhouse/packaging";
import { UpstreamUnavailable } from "./errors.ts";
import { upstreamHosts, upstreamRoot, type MirrorIndexRow } from "./mirror-deps.ts";
import { InvalidUpstreamPage, parseProjectPage, type UpstreamPage } from "@wheelhouse/simple-index";
import { displayUrl, headerValue, readBodyText, upstreamAuth, type UpstreamHttp } from "./upstream-http.ts";

// What pip sends: PEP 691 JSON first, HTML understood.
const ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
/** Far above any real page (PyPI's largest are a few MB). */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;

export type PageFetch =
  | { kind: "page"; page: UpstreamPage; etag: string | null; serial: number | null }
  | { kind: "not-modified"; etag: string | null; serial: number | null }
  | { kind: "not-found" };

export function projectPageUrl(index: MirrorIndexRow, name: NormalizedName): string {
  return `${upstreamRoot(index)}${encodeURIComponent(name)}/`;
}

/** Throws UpstreamUnavailable for anything but a page, a 304 or a 404/410. */
export async function fetchUpstreamPage(http: UpstreamHttp, index: MirrorIndexRow, name: NormalizedName, etag: string | null): Promise<PageFetch> {
  const url = projectPageUrl(index, name);
  const shown = displayUrl(url);
  const headers: Record<string, string> = { accept: ACCEPT };
  if (etag) {
    headers["if-none-match"] = etag;
    headers["cache-control"] = "max-age=0";
  }
  const auth = upstreamAuth(upstreamRoot(index), index.upstreamUsername, index.upstreamPassword);
  const response = await http.get({ url, headers, auth, allowed: upstreamHosts(index) });
  const headerSerial = parseSerial(headerValue(response.headers["x-pypi-last-serial"]));
  const newEtag = headerValue(response.headers.etag) ?? null;
  if (response.statusCode === 304) {
    await response.body.dump().catch(() => {});
    return { kind: "not-modified", etag: newEtag ?? etag, serial: headerSerial };
  }
  if (response.statusCode === 404 || response.statusCode === 410) {
    await response.body.dump().catch(() => {});
    return { kind: "not-found" };
  }
  if (response.statusCode < 200 || response.statusCode > 299) {
    await response.body.dump().catch(() => {});
    throw new UpstreamUnavailable(shown, `HTTP ${response.statusCode}`);
  }
  const text = await readBodyText(response, shown, http.timeouts, MAX_PAGE_BYTES);
  const contentType = headerValue(response.headers["content-type"]) ?? "";
  let page: UpstreamPage;
  try {
    page = parseProjectPage(text, contentType, response.url);
  } catch (err) {
    if (err instanceof InvalidUpstreamPage) throw new UpstreamUnavailable(shown, err.message);
    throw err;
  }
  return { kind: "page", page, etag: newEtag, serial: headerSerial ?? parseSerial(page.lastSerial?.toString()) };
}

function parseSerial(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value.trim())) return null;
  const serial = Number(value.trim());
  return Number.isSafeInteger(serial) && serial <= 2_147_483_647 ? serial : null;
}
