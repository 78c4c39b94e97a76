import { pino, type Logger } from "pino";

export type { Logger };

/** `toStderr`: for commands whose standard output is their result. */
export function createLogger(level: string, opts: { toStderr?: boolean } = {}): Logger {
  const options = {
    level,
    // Never log credentials: pino-http would otherwise print the Authorization header.
    redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  };
  return opts.toStderr ? pino(options, pino.destination(2)) : pino(options);
}
