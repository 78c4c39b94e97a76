import { pino, type Logger } from "pino";

export type { Logger };

/** `toStderr`: for commands whose standard output is their result. */
export function createLogger(level: string, opts: { toStderr?: boolean } = {}): Logger {
  const options = {
    level,
    // Never log credentials: at debug pino-http prints every request and response header.
    redact: {
      paths: ["req.headers.authorization", 'req.headers["proxy-authorization"]', "req.headers.cookie", 'res.headers["set-cookie"]'],
      censor: "[redacted]",
    },
  };
  return opts.toStderr ? pino(options, pino.destination(2)) : pino(options);
}
