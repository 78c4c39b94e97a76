/**
 * Reads a PEP 503 HTML project page the way pip does: every <a> is a file,
 * its text the filename, the URL fragment the hash, and the data-* attributes
 * carry requires-python (PEP 503), yanking (PEP 592) and core metadata (PEP 658/714).
 */
export interface SimpleLink {
  filename: string;
  href: string;
  /** From the `#sha256=` fragment, if any. */
  sha256: string | undefined;
  /** `data-requires-python`, HTML-unescaped. */
  requiresPython: string | undefined;
  /** `data-yanked`: undefined when absent, "" or the reason when present. */
  yanked: string | undefined;
  /** `data-core-metadata` (or the older `data-dist-info-metadata`). */
  coreMetadata: string | undefined;
}

const ANCHOR = /<a\b([^>]*)>([\s\S]*?)<\/a>/gi;
const ATTRIBUTE = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot|apos|#39);/gi, (_match, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower === "lt") return "<";
    if (lower === "gt") return ">";
    if (lower === "amp") return "&";
    if (lower === "quot") return '"';
    if (lower === "apos") return "'";
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    return String.fromCodePoint(parseInt(lower.slice(1), 10));
  });
}

function attributes(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1];
    if (name === undefined) continue;
    found.set(name.toLowerCase(), unescapeHtml(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return found;
}

export function parseSimpleHtml(html: string): SimpleLink[] {
  const links: SimpleLink[] = [];
  for (const match of html.matchAll(ANCHOR)) {
    const attrs = attributes(match[1] ?? "");
    const href = attrs.get("href");
    if (href === undefined) continue;
    const fragment = href.includes("#") ? href.slice(href.indexOf("#") + 1) : "";
    const sha256 = /(?:^|&)sha256=([0-9a-f]{64})/i.exec(fragment)?.[1]?.toLowerCase();
    links.push({
      filename: unescapeHtml((match[2] ?? "").replace(/<[^>]*>/g, "").trim()),
      href,
      sha256,
      requiresPython: attrs.get("data-requires-python"),
      yanked: attrs.get("data-yanked"),
      coreMetadata: attrs.get("data-core-metadata") ?? attrs.get("data-dist-info-metadata"),
    });
  }
  return links;
}

/** GETs a project page as HTML (pip's fallback format) and parses its links. */
export async function fetchSimpleLinks(pageUrl: string, headers: Record<string, string> = {}): Promise<SimpleLink[]> {
  const response = await fetch(pageUrl, { headers: { Accept: "text/html", ...headers } });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`GET ${pageUrl} → ${response.status}: ${body.slice(0, 500)}`);
  }
  return parseSimpleHtml(body);
}
