// RFC 7617 HTTP Basic credentials: `Basic base64(user-id ":" password)`, the form pip sends from
// URL userinfo, netrc or keyring and twine from its config. The user-id cannot contain a colon,
// the password can: the split is at the FIRST colon (RFC 7617 section 2), so `alice:a:b` is
// user `alice` with password `a:b`.
import { BadRequest } from "../errors.ts";
import { hasControlCharacter } from "../text/control-characters.ts";

export interface BasicCredentials {
  username: string;
  password: string;
}

const TOKEN68 = /^[A-Za-z0-9+/]+={0,2}$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The credentials of an Authorization header; null when it is absent or names another scheme
 * (those are not ours to judge). Throws BadRequest for Basic credentials that cannot be read.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null {
  const match = /^basic(?:\s+(.*))?$/is.exec(header?.trim() ?? "");
  if (!match) return null;
  const encoded = (match[1] ?? "").trim();
  const invalid = (why: string) => new BadRequest(`Invalid Basic credentials in the Authorization header: ${why}.`, "bad-credentials");
  if (!TOKEN68.test(encoded)) throw invalid("send base64 of 'username:password'");
  let text: string;
  try {
    text = utf8.decode(Buffer.from(encoded, "base64"));
  } catch {
    throw invalid("they are not UTF-8 text");
  }
  const colon = text.indexOf(":");
  if (colon === -1) throw invalid("there is no ':' between username and password");
  const username = text.slice(0, colon);
  const password = text.slice(colon + 1);
  // RFC 7617 section 2: "The user-id and password MUST NOT contain any control characters".
  if (hasControlCharacter(username) || hasControlCharacter(password)) throw invalid("the username or password contains a control character");
  return { username, password };
}
