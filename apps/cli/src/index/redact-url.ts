// URLs as they may be shown: pip's redact_auth_from_url (`https://user:****@host/…`).

/** The URL with its password (or a lone token) replaced by `****`; other text is returned unchanged. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.username && !parsed.password) return url;
  // pip: `user:pass@` → `user:****@`; a lone `token@` (no password) → `****@`.
  if (parsed.password) parsed.password = "****";
  else parsed.username = "****";
  return parsed.toString();
}
