/**
 * The registry's advisory query, as `wheelhouse audit` asks it:
 *
 *   POST {root}/api/advisories/query   {"packages": [{"name": "Foo_Bar", "version": "1.0"}, …]}
 *   200 {"results": [{"name": "foo-bar", "version": "1.0", "vulnerabilities": [Advisory, …]}, …]}
 *
 * `{root}` is the index URL without its trailing `simple/` segment (`http://h/acme/simple/` →
 * `http://h/acme/`); userinfo in the index URL stays on it, so the query is authenticated as the
 * index pages are (userinfo, netrc, keyring after a 401, through the session's HttpClient).
 * Results come back in request order; at most QUERY_BATCH packages go in one request.
 */
import { CliError } from "../../core/cli-error.ts";
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";
import { HttpError } from "../../core/net/errors.ts";
import type { HttpClient } from "../../core/net/http-client.ts";
import { registryApiRoot } from "../../core/index/registry-api.ts";

/** The most packages the registry answers for in one query. */
export const QUERY_BATCH = 10_000;

/** One advisory as the registry serves it (OSV's fields, flattened). */
export interface Advisory {
  id: string;
  aliases: string[];
  summary: string | null;
  details: string | null;
  /** Versions that fix it, as the advisory lists them (any order). */
  fixedIn: string[];
  link: string | null;
  source: string | null;
  /** When it was withdrawn (ISO 8601), or null. */
  withdrawn: string | null;
  severity: string | null;
  published: string | null;
  modified: string | null;
}

export interface PackageQuery {
  name: string;
  version: string;
}

export interface PackageAdvisories {
  name: NormalizedName;
  version: string;
  vulnerabilities: Advisory[];
}

/** The index answered the query with 404: an older registry, or not a Wheelhouse one. */
export class AdvisoriesUnavailable extends CliError {
  override name = "AdvisoriesUnavailable";
}

/** The registry answered 200 with something that is not the contract's shape. */
export class InvalidAdvisoryResponse extends CliError {
  override name = "InvalidAdvisoryResponse";
}

/** The query URL under a registry API root (core/index/registry-api.ts). */
export function advisoriesQueryUrl(root: string): string {
  return new URL("api/advisories/query", root).toString();
}

/**
 * Advisories for each package, in the order asked (QUERY_BATCH per request). Throws
 * AdvisoriesUnavailable (404), HttpError (any other non-2xx), NetworkError, InvalidAdvisoryResponse.
 */
export async function queryAdvisories(http: HttpClient, indexUrl: string, packages: readonly PackageQuery[]): Promise<PackageAdvisories[]> {
  const url = advisoriesQueryUrl(registryApiRoot(indexUrl, "audit", (u) => http.redact(u)));
  const out: PackageAdvisories[] = [];
  for (let start = 0; start < packages.length; start += QUERY_BATCH) {
    const batch = packages.slice(start, start + QUERY_BATCH);
    out.push(...(await queryBatch(http, url, indexUrl, batch)));
  }
  return out;
}

async function queryBatch(http: HttpClient, url: string, indexUrl: string, batch: readonly PackageQuery[]): Promise<PackageAdvisories[]> {
  const body = JSON.stringify({ packages: batch.map((p) => ({ name: p.name, version: p.version })) });
  const response = await http.request(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", accept: "application/json" },
  });
  if (response.status === 404) {
    await response.dump();
    throw new AdvisoriesUnavailable(
      `the index at ${http.redact(indexUrl)} does not serve advisories (404 Not Found for ${http.redact(url)}); ` +
        `audit needs a Wheelhouse registry that serves /api/advisories/query`,
    );
  }
  if (response.status < 200 || response.status > 299) {
    await response.dump();
    throw new HttpError(response.status, response.statusText, http.redact(url));
  }
  let data: unknown;
  try {
    data = JSON.parse(await response.text());
  } catch {
    throw new InvalidAdvisoryResponse(`the advisory query at ${http.redact(url)} did not answer with JSON`);
  }
  return parseResults(data, batch, http.redact(url));
}

/** The contract's 200 body, checked against what was asked. */
export function parseResults(data: unknown, asked: readonly PackageQuery[], shownUrl: string): PackageAdvisories[] {
  const invalid = (why: string): never => {
    throw new InvalidAdvisoryResponse(`the advisory query at ${shownUrl} answered with an unexpected body: ${why}`);
  };
  const results = isObject(data) ? data.results : undefined;
  if (!Array.isArray(results)) return invalid('no "results" list');
  if (results.length !== asked.length) return invalid(`${results.length} results for ${asked.length} packages`);
  return results.map((result: unknown, i) => {
    const query = asked[i]!;
    if (!isObject(result)) return invalid(`result ${i} is not an object`);
    const name = canonicalizeName(query.name);
    if (typeof result.name === "string" && canonicalizeName(result.name) !== name) {
      return invalid(`result ${i} is for ${result.name}, not ${query.name}`);
    }
    const vulnerabilities = result.vulnerabilities;
    if (!Array.isArray(vulnerabilities)) return invalid(`result ${i} has no "vulnerabilities" list`);
    return {
      name,
      version: query.version,
      vulnerabilities: vulnerabilities.map((v: unknown, j) => parseAdvisory(v, () => invalid(`advisory ${j} of ${query.name} is malformed`))),
    };
  });
}

function parseAdvisory(value: unknown, invalid: () => never): Advisory {
  if (!isObject(value) || typeof value.id !== "string") return invalid();
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
  const text = (v: unknown): string | null => (typeof v === "string" ? v : null);
  return {
    id: value.id,
    aliases: strings(value.aliases),
    summary: text(value.summary),
    details: text(value.details),
    fixedIn: strings(value.fixed_in),
    link: text(value.link),
    source: text(value.source),
    withdrawn: text(value.withdrawn),
    severity: text(value.severity),
    published: text(value.published),
    modified: text(value.modified),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
