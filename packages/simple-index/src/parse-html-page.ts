// PEP 503 project pages: one anchor per file, with PEP 592/658/714 data attributes.
import { Parser } from "htmlparser2";
import { filenameFromUrl, hashEntry, parseCoreMetadataAttribute, sha256Hex, splitFragment, type UpstreamFile, type UpstreamPage } from "./upstream-page.ts";

interface Anchor {
  attributes: Record<string, string>;
  text: string;
}

/** Parses a PEP 503 project page; hrefs are relative to `pageUrl` (or a `<base href>`). Never throws on odd markup. */
export function parseHtmlPage(html: string, pageUrl: string): UpstreamPage {
  const anchors: Anchor[] = [];
  let base = pageUrl;
  let current: Anchor | null = null;
  let lastSerial: number | null = null;
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        if (tag === "base" && attributes.href) {
          try {
            base = new URL(attributes.href, pageUrl).toString();
          } catch {
            // An unusable <base> is ignored, as browsers do.
          }
        }
        if (tag === "a") {
          current = { attributes, text: "" };
          anchors.push(current);
        }
      },
      ontext(text) {
        if (current) current.text += text;
      },
      onclosetag(tag) {
        if (tag === "a") current = null;
      },
      oncomment(comment) {
        // PyPI ends its pages with <!--SERIAL 12345-->.
        const match = /^\s*SERIAL\s+(\d+)\s*$/.exec(comment);
        if (match) lastSerial = Number(match[1]);
      },
    },
    // Attribute values come back HTML-unescaped (`&gt;=3.8` → `>=3.8`).
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  const files = anchors.flatMap((anchor) => {
    const file = toUpstreamFile(anchor, base);
    return file ? [file] : [];
  });
  return { files, lastSerial };
}

function toUpstreamFile(anchor: Anchor, base: string): UpstreamFile | null {
  const href = anchor.attributes.href;
  if (!href) return null;
  let url: string;
  let fragment: string;
  try {
    ({ url, fragment } = splitFragment(href, base));
  } catch {
    return null;
  }
  // PEP 503: the text is the filename and must match the URL's last path component.
  const filename = anchor.text.trim() || filenameFromUrl(url);
  if (!filename) return null;
  // PEP 503: the fragment is <hashname>=<hexdigest>.
  const eq = fragment.indexOf("=");
  const entry = eq > 0 ? hashEntry(fragment.slice(0, eq), fragment.slice(eq + 1)) : null;
  const hashes: Record<string, string> = entry ? { [entry[0]]: entry[1] } : {};
  const sha256 = sha256Hex(hashes.sha256);
  const attrs = anchor.attributes;
  return {
    filename,
    url,
    sha256,
    hashes,
    requiresPython: attrs["data-requires-python"]?.trim() || null,
    // PEP 592: the attribute's presence means yanked; its value is the reason.
    yanked: attrs["data-yanked"] ?? false,
    // PEP 714: data-core-metadata, or the older data-dist-info-metadata.
    coreMetadata: parseCoreMetadataAttribute(attrs["data-core-metadata"] ?? attrs["data-dist-info-metadata"]),
    size: null,
    uploadTime: null,
  };
}
