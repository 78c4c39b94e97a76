// The one JSON body parser of every route that takes JSON. PostgreSQL text cannot hold NUL (it
// answers "invalid byte sequence for encoding UTF8") nor a lone UTF-16 surrogate (`"\ud800"` is
// valid JSON but no Unicode text: "invalid input syntax for type json"), so either in any string
// of a body — a value or a key, however deep — is refused here with a 400, before a route or a
// query sees it.
import express, { type RequestHandler } from "express";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemWith(text: string): string | null {
  if (text.includes("\0")) return "a string contains a NUL character (\\u0000), which no field may hold";
  if (LONE_SURROGATE.test(text)) return "a string contains a lone UTF-16 surrogate (such as \\ud800), which is not Unicode text";
  return null;
}

/** `limit`: the largest body the route expects (body-parser's syntax, e.g. "512kb"). */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    reviver: (key, value: unknown) => {
      const problem = problemWith(key) ?? (typeof value === "string" ? problemWith(value) : null);
      // A plain Error: body-parser strips an error's own fields and answers 400 with its message.
      if (problem) throw new Error(`Invalid JSON body: ${problem}.`);
      return value;
    },
  });
}
