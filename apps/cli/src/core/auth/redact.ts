/**
 * Credentials in URLs: split them off, strip them, hide them (pip/_internal/utils/misc.py:
 * split_auth_from_netloc, remove_auth_from_url, redact_auth_from_url). Every URL that reaches a
 * message or a log line goes through `redactUrl` (or `redactUrlsInText` for whole messages).
 *
 * Plain string surgery rather than WHATWG `URL`, which would also normalize the rest of the URL
 * (case, default ports, trailing slashes, percent-encoding) that pip leaves as written.
 */

const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s;

export interface UrlAuth {
  /** The URL without userinfo. */
  url: string;
  /** `host[:port]` as written. */
  netloc: string;
  /** Percent-decoded; null when absent. */
  username: string | null;
  password: string | null;
}

function unquote(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits `scheme://user:pass@host/…`; a string that is not a `scheme://` URL comes back unchanged with no credentials. */
export function splitAuthFromUrl(url: string): UrlAuth {
  const m = URL_RE.exec(url);
  if (!m) return { url, netloc: "", username: null, password: null };
  const [, scheme, netlocWithAuth, rest] = m as unknown as [string, string, string, string];
  const at = netlocWithAuth.lastIndexOf("@");
  if (at === -1) return { url, netloc: netlocWithAuth, username: null, password: null };
  const userinfo = netlocWithAuth.slice(0, at);
  const netloc = netlocWithAuth.slice(at + 1);
  const colon = userinfo.indexOf(":");
  const username = unquote(colon === -1 ? userinfo : userinfo.slice(0, colon));
  const password = colon === -1 ? null : unquote(userinfo.slice(colon + 1));
  return { url: scheme + netloc + rest, netloc, username, password };
}

/** The URL without its userinfo. */
export function removeAuthFromUrl(url: string): string {
  return splitAuthFromUrl(url).url;
}

/**
 * The URL with its password replaced by `****`; a lone username (often a token) is replaced
 * whole: `https://user:secret@h/` → `https://user:****@h/`, `https://token@h/` → `https://****@h/`.
 */
export function redactUrl(url: string): string {
  const m = URL_RE.exec(url);
  if (!m) return url;
  const [, scheme, netlocWithAuth, rest] = m as unknown as [string, string, string, string];
  const at = netlocWithAuth.lastIndexOf("@");
  if (at === -1) return url;
  return `${scheme + redactUserinfo(netlocWithAuth.slice(0, at))}@${netlocWithAuth.slice(at + 1)}${rest}`;
}

function redactUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(":");
  if (colon === -1) return "****";
  return `${encodeURIComponent(unquote(userinfo.slice(0, colon)))}:****`;
}

const URL_IN_TEXT_RE = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/?#]*)@/g;

/** Redacts the userinfo of every `scheme://…@` URL inside a message. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT_RE, (_all, scheme: string, userinfo: string) => `${scheme}${redactUserinfo(userinfo)}@`);
}
