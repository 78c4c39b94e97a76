import type { ErrorRequestHandler, RequestHandler } from "express";
import { MirrorFileNotFound, UpstreamHashMismatch, UpstreamUnavailable } from "@wheelhouse/mirror";
import { AppError, BadRequest, NotFound } from "../errors.ts";
import type { Logger } from "../logger.ts";

/**
 * API clients (Accept naming JSON, or /api/ paths) get RFC 9457 problem+json; pip and twine
 * print the body as it is, so they get one plain sentence. Upload errors also go in the HTTP
 * reason phrase, where twine shows them (as PyPI does).
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) log.error({ err, url: req.originalUrl }, "request failed");
    // Every rejection by reason, as warehouse counts them (one line each, greppable by code).
    else log.info({ code: appError.code, status: appError.status, method: req.method, url: req.originalUrl }, "request rejected");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A handler may have set a file's headers before it failed: an error must never be cached
    // as if it were the immutable file, nor carry its validators.
    for (const name of ["ETag", "Last-Modified", "Content-Range", "Content-Disposition", "Accept-Ranges", "Content-Length"]) res.removeHeader(name);
    res.setHeader("Cache-Control", "no-store");
    for (const [name, value] of Object.entries(appError.headers)) res.setHeader(name, value);
    res.status(appError.status);
    res.statusMessage = reasonPhrase(appError.message);
    // pip's Accept names application/vnd.pypi.simple.v1+json: that is not a request for problem+json.
    // (/api/… and /<index>/api/… — advisories, search — are JSON APIs whatever the client sends;
    // /simple/api/ is the page of a project named "api".)
    const wantsProblem =
      req.path.startsWith("/api/") ||
      /^\/(?!simple\/)[^/]+\/api\//.test(req.path) ||
      /(^|,)\s*application\/(problem\+)?json\s*(;|,|$)/i.test(req.get("accept") ?? "");
    if (wantsProblem) {
      res
        .type("application/problem+json")
        .send(JSON.stringify({ type: `urn:wheelhouse:error:${appError.code}`, title: appError.message, status: appError.status, detail: appError.message }));
    } else {
      res.type("text/plain; charset=utf-8").send(`${appError.message}\n`);
    }
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // The mirror's failures are the upstream's, not ours: a gateway error with its one sentence.
  if (err instanceof UpstreamUnavailable || err instanceof UpstreamHashMismatch) return new AppError(502, err.message, "upstream");
  if (err instanceof MirrorFileNotFound) return new NotFound(err.message, "no-file");
  const refused = databaseRefusedInput(err);
  if (refused) return new BadRequest(`The request holds a value the database cannot store (${refused}): remove it and try again.`, "bad-input");
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  // body-parser and friends set `status` and `expose` on client errors.
  if (typeof status === "number" && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
    return new AppError(status, (err as Error).message, "bad-request");
  }
  return new AppError(500, "Internal server error.", "internal");
}

/**
 * A backstop behind the edge checks (edge-validation.ts, json-body.ts): PostgreSQL refusing a
 * value the client sent — SQLSTATE class 22 (data exception: a NUL, bad UTF-8, a value out of
 * range) or 54000 (a key too long to index) — is the client's mistake, not a 500. Prisma reports
 * the driver's error under `meta.driverAdapterError` (queries) or as the `cause` (raw queries).
 * Returns PostgreSQL's message, or null for any other error.
 */
function databaseRefusedInput(err: unknown): string | null {
  type DriverCause = { originalCode?: unknown; originalMessage?: unknown; kind?: unknown };
  const e = err as { meta?: { driverAdapterError?: { cause?: DriverCause } }; cause?: DriverCause } | null;
  const cause = e?.meta?.driverAdapterError?.cause ?? e?.cause;
  if (cause?.kind !== "postgres" || typeof cause.originalCode !== "string") return null;
  if (!cause.originalCode.startsWith("22") && cause.originalCode !== "54000") return null;
  return typeof cause.originalMessage === "string" ? cause.originalMessage : `SQLSTATE ${cause.originalCode}`;
}

/** A reason phrase must be one line of visible latin-1. */
function reasonPhrase(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, " ").slice(0, 300);
}
