// PEP 691 content negotiation for the Simple Repository API.
//
// The server offers three representations. A client says what it wants with
// `Accept` (q-values, wildcards) or, overriding that, with a `?format=` query
// parameter whose value is a media type. PyPI answers `text/html` when there
// is no Accept header or nothing in it is acceptable (PEP 691 allows a 406
// there; PyPI and we prefer to keep old clients working).

export const SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";
export const SIMPLE_HTML = "application/vnd.pypi.simple.v1+html";
export const LEGACY_HTML = "text/html";

// PEP 691: "latest" is an alias a client may use for the newest version the
// server speaks; for us that is v1.
const LATEST_JSON = "application/vnd.pypi.simple.latest+json";
const LATEST_HTML = "application/vnd.pypi.simple.latest+html";

/** Which representation to render. `html-legacy` is PEP 503 HTML served as `text/html`. */
export type SimpleFormat = "json" | "html-v1" | "html-legacy";

/** Offers in server preference order: ties in q-value go to the earlier one. */
const OFFERS: readonly { format: SimpleFormat; type: string; subtype: string }[] = [
  { format: "json", type: "application", subtype: "vnd.pypi.simple.v1+json" },
  { format: "html-v1", type: "application", subtype: "vnd.pypi.simple.v1+html" },
  { format: "html-legacy", type: "text", subtype: "html" },
];

const CONTENT_TYPES: Readonly<Record<SimpleFormat, string>> = {
  json: SIMPLE_JSON,
  "html-v1": SIMPLE_HTML,
  "html-legacy": LEGACY_HTML,
};

/** The media type to put in `Content-Type` for a format (without charset). */
export function contentTypeFor(format: SimpleFormat): string {
  return CONTENT_TYPES[format];
}

/** Values of `?format=` we understand: PEP 691 media types, plus two short words. */
const FORMAT_PARAM: Readonly<Record<string, SimpleFormat>> = {
  [SIMPLE_JSON]: "json",
  [LATEST_JSON]: "json",
  [SIMPLE_HTML]: "html-v1",
  [LATEST_HTML]: "html-v1",
  [LEGACY_HTML]: "html-legacy",
  json: "json",
  // A person typing ?format=html in a browser wants a page the browser shows.
  html: "html-legacy",
};

/**
 * PEP 691 negotiation. `?format=` wins when given (a PEP 691 media type, or
 * "json"/"html"); an unknown `?format=` gives null so the route can answer 406.
 * Otherwise `Accept` is parsed with q-values (q=0 means not acceptable; the
 * most specific matching range decides an offer's q, as RFC 9110 §12.5.1 says);
 * the highest q wins; ties go to the more specific range, then JSON, then v1
 * HTML, then text/html; a q reached only through the full wildcard gives text/html.
 * No Accept, or nothing acceptable: "html-legacy", as PyPI does.
 */
export function negotiateSimpleFormat(accept: string | undefined, formatParam: string | undefined): SimpleFormat | null {
  if (formatParam !== undefined && formatParam.trim() !== "") {
    const mediaType = formatParam.split(";")[0]!.trim().toLowerCase();
    return FORMAT_PARAM[mediaType] ?? null;
  }
  if (accept === undefined || accept.trim() === "") return "html-legacy";

  const ranges = parseAccept(accept);
  let best: { format: SimpleFormat; q: number; specificity: number } | null = null;
  for (const offer of OFFERS) {
    const { q, specificity } = qualityOf(offer.type, offer.subtype, ranges);
    if (q <= 0) continue;
    // A format the client named beats one it reached only through a wildcard at the same q.
    if (best === null || q > best.q || (q === best.q && specificity > best.specificity)) best = { format: offer.format, q, specificity };
  }
  // A bare `*/*` (curl, browsers' fallbacks) names none of our types: answer text/html as PyPI does.
  if (best?.specificity === 0) return "html-legacy";
  return best?.format ?? "html-legacy";
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Parses an Accept header leniently: a malformed range is skipped, not fatal. */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(",")) {
    const [mediaType = "", ...params] = part.split(";");
    const match = /^([a-z0-9!#$%&'*+.^_`|~-]+)\/([a-z0-9!#$%&'*+.^_`|~-]+)$/.exec(mediaType.trim().toLowerCase());
    if (match === null) continue;
    let [, type = "", subtype = ""] = match;
    if (type === "*" && subtype !== "*") continue; // "*/json" is not a media range
    // PEP 691's "latest" aliases stand for the v1 types.
    if (type === "application" && subtype === "vnd.pypi.simple.latest+json") subtype = "vnd.pypi.simple.v1+json";
    if (type === "application" && subtype === "vnd.pypi.simple.latest+html") subtype = "vnd.pypi.simple.v1+html";

    let q = 1;
    let valid = true;
    for (const param of params) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      if (param.slice(0, eq).trim().toLowerCase() !== "q") continue;
      const value = param.slice(eq + 1).trim();
      // RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
      if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value)) valid = false;
      else q = Number(value);
      break; // parameters after q are accept-extensions
    }
    if (valid) ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The q-value the most specific matching range gives an offer (0 when none matches), and how specific that range was. */
function qualityOf(type: string, subtype: string, ranges: readonly MediaRange[]): { q: number; specificity: number } {
  let specificity = -1;
  let q = 0;
  for (const range of ranges) {
    let s: number;
    if (range.type === type && range.subtype === subtype) s = 2;
    else if (range.type === type && range.subtype === "*") s = 1;
    else if (range.type === "*" && range.subtype === "*") s = 0;
    else continue;
    // Equally specific duplicates: keep the first, like most servers.
    if (s > specificity) {
      specificity = s;
      q = range.q;
    }
  }
  return { q, specificity };
}
