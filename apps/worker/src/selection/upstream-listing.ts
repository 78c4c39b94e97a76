// Upstream's root index: every project name, and with PEP 691 JSON from PyPI or Wheelhouse,
// each project's `_last-serial`, which lets a sync skip the pages that did not change.
import type { Index } from "@wheelhouse/db";
import { refusedBecause, upstreamHosts } from "@wheelhouse/mirror";
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";

/** name → last serial (null when upstream does not say). */
export type UpstreamListing = Map<NormalizedName, number | null>;

export async function fetchUpstreamListing(index: Index, fetchImpl: typeof fetch = fetch): Promise<UpstreamListing> {
  if (!index.upstreamUrl) throw new Error(`index '${index.name}' has no upstream URL`);
  const url = new URL(index.upstreamUrl.endsWith("/") ? index.upstreamUrl : `${index.upstreamUrl}/`);
  const headers: Record<string, string> = {
    accept: "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01",
    "user-agent": "wheelhouse-worker",
  };
  const username = index.upstreamUsername ?? (url.username ? decodeURIComponent(url.username) : null);
  const password = index.upstreamUsername ? (index.upstreamPassword ?? "") : decodeURIComponent(url.password);
  if (username) headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  url.username = "";
  url.password = "";
  const response = await getFollowingAllowedRedirects(index, url, headers, fetchImpl);
  if (!response.ok) throw new Error(`upstream root index ${url} answered HTTP ${response.status}`);
  const type = response.headers.get("content-type") ?? "";
  const body = await response.text();
  return type.includes("json") ? parseJsonListing(body) : parseHtmlListing(body);
}

const MAX_REDIRECTS = 5;

/**
 * Redirects are followed by hand so that every hop is checked as the mirror checks page and file
 * URLs (the upstream's origin or its upstreamFileHosts): a hostile upstream must not point the
 * worker at loopback or internal services. Credentials go to the upstream's origin only.
 */
async function getFollowingAllowedRedirects(index: Index, first: URL, headers: Record<string, string>, fetchImpl: typeof fetch): Promise<Response> {
  const allowed = upstreamHosts(index);
  let url = first;
  for (let hop = 0; ; hop++) {
    const refused = refusedBecause(url.toString(), allowed);
    if (refused) throw new Error(`upstream root index ${first}: refused to fetch ${url}: ${refused}`);
    const sent = { ...headers };
    if (url.origin !== first.origin) delete sent.authorization;
    const response = await fetchImpl(url, { headers: sent, redirect: "manual", signal: AbortSignal.timeout(120_000) });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new Error(`upstream root index ${first}: too many redirects`);
    url = new URL(location, url);
    url.username = "";
    url.password = "";
  }
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
