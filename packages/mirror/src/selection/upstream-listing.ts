// Upstream's root index: every project name, and with PEP 691 JSON from PyPI or Wheelhouse,
// each project's `_last-serial`, which lets a sync skip the pages that did not change. Fetched
// through the mirror's one HTTP stack, so every redirect hop is checked against the index's
// allowed hosts (a hostile upstream must not point the mirror at loopback or internal services)
// and credentials go to the upstream's origin only.
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";
import { upstreamHosts, upstreamRoot, type MirrorIndexRow } from "../mirror-deps.ts";
import { displayUrl, headerValue, readBodyText, upstreamAuth, type UpstreamHttp } from "../upstream-http.ts";

/** name → last serial (null when upstream does not say). */
export type UpstreamListing = Map<NormalizedName, number | null>;

const ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
/** PyPI's JSON root lists every project: tens of MB. */
const MAX_LISTING_BYTES = 256 * 1024 * 1024;

/** Throws UpstreamUnavailable (UpstreamRefused for a hop outside the allowed hosts). */
export async function fetchUpstreamListing(http: UpstreamHttp, index: MirrorIndexRow): Promise<UpstreamListing> {
  const url = upstreamRoot(index);
  const shown = displayUrl(url);
  const auth = upstreamAuth(url, index.upstreamUsername, index.upstreamPassword);
  const response = await http.getBytes({ url, shownUrl: shown, auth, allowed: upstreamHosts(index), headers: { accept: ACCEPT } });
  const type = headerValue(response.headers["content-type"]) ?? "";
  const body = await readBodyText(response, shown, http.timeouts, MAX_LISTING_BYTES);
  return type.includes("json") ? parseJsonListing(body) : parseHtmlListing(body);
}

export function parseJsonListing(body: string): UpstreamListing {
  const data = JSON.parse(body) as { projects?: { name?: unknown; "_last-serial"?: unknown }[] };
  const out: UpstreamListing = new Map();
  for (const p of data.projects ?? []) {
    if (typeof p.name !== "string") continue;
    const serial = p["_last-serial"];
    out.set(canonicalizeName(p.name), typeof serial === "number" && Number.isInteger(serial) ? serial : null);
  }
  return out;
}

export function parseHtmlListing(body: string): UpstreamListing {
  const out: UpstreamListing = new Map();
  for (const m of body.matchAll(/<a\b[^>]*>([^<]+)<\/a>/gi)) out.set(canonicalizeName(m[1]!.trim()), null);
  return out;
}
