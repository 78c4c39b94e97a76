// One rule at the edge, before any route: the request's path and query string must decode to
// text that every layer behind can take. A NUL reaches PostgreSQL as an error ("invalid byte
// sequence for encoding UTF8"), a malformed escape makes a route's decoder throw, and neither
// may ever be a 500: both are the client's mistake, so a 400 that says which part is wrong.
// (Header values need no check here: Node's HTTP parser refuses control characters in them with
// its own 400, and the one header decoded further — Basic credentials — is checked in
// authenticate.ts. JSON bodies are checked by the one JSON parser, json-body.ts.)
import type { RequestHandler } from "express";
import { BadRequest } from "../errors.ts";
import { hasControlCharacter } from "../text/control-characters.ts";

/**
 * Longer than any name or file name a registry holds (file systems stop at 255 bytes; PEP 427
 * names are far shorter), so only a hostile or broken client reaches it.
 */
const MAX_SEGMENT_LENGTH = 512;

/**
 * RFC 3986 percent-decoding into UTF-8 text, or null when it is malformed: a `%` without two hex
 * digits, or bytes that are not UTF-8 (overlong forms and lone surrogates included).
 */
function decodeStrictly(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** The problem with one decoded part of the URL, as the end of a sentence; null when it is fine. */
function problemWith(raw: string, decoded: string | null): string | null {
  if (decoded === null) return `has malformed percent-encoding or bytes that are not UTF-8 ('${raw.slice(0, 40)}')`;
  if (hasControlCharacter(decoded)) return "contains a control character (such as NUL or a line break)";
  if (decoded.length > MAX_SEGMENT_LENGTH) return `has a part longer than ${MAX_SEGMENT_LENGTH} characters`;
  return null;
}

export const edgeValidation: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl;
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  for (const segment of path.split("/")) {
    const problem = problemWith(segment, decodeStrictly(segment));
    if (problem) return next(new BadRequest(`Invalid URL: its path ${problem}.`, "bad-url"));
  }
  if (queryAt !== -1) {
    // application/x-www-form-urlencoded: `+` is a space; names and values decode alike.
    for (const pair of url.slice(queryAt + 1).split("&")) {
      for (const part of pair.split("=")) {
        const problem = problemWith(part, decodeStrictly(part.replace(/\+/g, " ")));
        if (problem) return next(new BadRequest(`Invalid URL: its query string ${problem}.`, "bad-url"));
      }
    }
  }
  next();
};
