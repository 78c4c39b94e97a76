// The one JSON body parser of every route that takes JSON. PostgreSQL text cannot hold NUL (it
// answers "invalid byte sequence for encoding UTF8"), so a NUL in any string of a body — a value
// or a key, however deep — is refused here with a 400, before a route or a query sees it.
import express, { type RequestHandler } from "express";

/** `limit`: the largest body the route expects (body-parser's syntax, e.g. "512kb"). */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    reviver: (key, value: unknown) => {
      if (key.includes("\0") || (typeof value === "string" && value.includes("\0"))) {
        // A plain Error: body-parser strips an error's own fields and answers 400 with its message.
        throw new Error("Invalid JSON body: a string contains a NUL character (\\u0000), which no field may hold.");
      }
      return value;
    },
  });
}
