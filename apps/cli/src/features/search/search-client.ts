/**
 * The registry's project search, as `wheelhouse search` asks it:
 *
 *   GET {root}api/search?q=TERMS&limit=N
 *   200 {"results": [{"name": "Foo", "version": "1.0", "summary": "…", "index": "main"}, …]}
 *
 * (`{root}`: core/index/registry-api.ts.) Errors come back as problem+json, whose title is the
 * registry's one sentence.
 */
import { CliError } from "../../core/cli-error.ts";
import { HttpError } from "../../core/net/errors.ts";
import type { HttpClient } from "../../core/net/http-client.ts";
import { registryApiRoot } from "../../core/index/registry-api.ts";

/** The most results the registry gives for one query. */
export const SEARCH_LIMIT = 100;

export interface SearchHit {
  name: string;
  /** Null when no version is installable (all yanked). */
  version: string | null;
  summary: string;
  index: string;
}

/** The registry refused the search (404 for the index or the API, 400 for the query): its sentence, and where. */
export class SearchFailed extends CliError {
  override name = "SearchFailed";
}

/** Searches the index `indexUrl` belongs to; throws NotAWheelhouseIndex, SearchFailed, HttpError, NetworkError. */
export async function searchIndex(http: HttpClient, indexUrl: string, terms: readonly string[]): Promise<SearchHit[]> {
  const url = new URL(
    "api/search",
    registryApiRoot(indexUrl, "search", (u) => http.redact(u)),
  );
  url.searchParams.set("q", terms.join(" "));
  url.searchParams.set("limit", String(SEARCH_LIMIT));
  const shown = http.redact(url.toString());
  const response = await http.request(url.toString(), { headers: { accept: "application/json" } });
  const text = await response.text();
  if (response.status === 404 || response.status === 400) {
    const problem = problemOf(text);
    // Our registry's 404 for a route it does not have is a plain "Not Found".
    if (response.status === 404 && (problem === null || problem.type === "urn:wheelhouse:error:not-found")) {
      throw new SearchFailed(
        `the index at ${http.redact(indexUrl)} does not serve search (404 Not Found for ${shown}); search needs the index URL of a Wheelhouse registry`,
      );
    }
    if (problem !== null) throw new SearchFailed(`${problem.title} (${response.status} for ${shown})`);
  }
  if (response.status < 200 || response.status > 299) throw new HttpError(response.status, response.statusText, shown);
  return parseHits(text, shown);
}

function problemOf(text: string): { type: string; title: string } | null {
  try {
    const data = JSON.parse(text) as unknown;
    if (isObject(data) && typeof data.title === "string") return { type: typeof data.type === "string" ? data.type : "", title: data.title };
  } catch {
    // Not JSON: not our registry's answer.
  }
  return null;
}

/** The 200 body, checked: every hit has a name; anything missing elsewhere is read as empty. */
export function parseHits(text: string, shownUrl: string): SearchHit[] {
  const invalid = (why: string): never => {
    throw new SearchFailed(`the search at ${shownUrl} answered with an unexpected body: ${why}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return invalid("not JSON");
  }
  const results = isObject(data) ? data.results : undefined;
  if (!Array.isArray(results)) return invalid('no "results" list');
  return results.map((hit: unknown, i) => {
    if (!isObject(hit) || typeof hit.name !== "string") return invalid(`result ${i} has no name`);
    return {
      name: hit.name,
      version: typeof hit.version === "string" ? hit.version : null,
      summary: typeof hit.summary === "string" ? hit.summary : "",
      index: typeof hit.index === "string" ? hit.index : "",
    };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
