// The access log: one short line per request at info (id, method, URL, client, status, time),
// the request's and response's headers only at debug, where the logger's redaction hides
// credentials. Every header on every line cost ~810 bytes a request (issue 15: 496 MB for
// 614k requests) and 11% of a request's CPU.
import type { RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "../logger.ts";

/** Health probes are not requests a person reads the log for. */
const PROBES = new Set(["/healthz", "/readyz"]);

export function requestLog(log: Logger): RequestHandler {
  const withHeaders = log.isLevelEnabled("debug");
  return pinoHttp({
    logger: log,
    autoLogging: { ignore: (req) => PROBES.has(req.url ?? "") },
    ...(withHeaders
      ? {}
      : {
          serializers: {
            req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
              remoteAddress: req.remoteAddress,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        }),
  });
}
