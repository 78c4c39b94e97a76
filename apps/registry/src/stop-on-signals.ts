// How both entry points (main.ts, worker-main.ts) stop: on the first SIGINT or SIGTERM, log it,
// close what they run (running work finishes first), and exit 0, or 1 when closing failed.
import type { Logger } from "./logger.ts";

export function stopOnSignals(log: Logger, message: string, close: () => Promise<unknown>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, message);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
