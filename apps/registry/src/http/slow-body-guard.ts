// A client that trickles its body (slowloris: a byte every few seconds) never trips an idle
// timeout, and a flat total would also cut off an honest large upload on a slow link. So a body
// must arrive at a minimum average rate, counted from the end of the headers, once a grace
// period is over; a connection below it is closed, which aborts the request (an upload's
// staged bytes are then removed as for any interrupted upload).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpLimits } from "../config.ts";
import type { Logger } from "../logger.ts";

type BodyRate = Pick<HttpLimits, "minBodyBytesPerSecond" | "bodyRateGraceMs">;

export function guardBodyRate(req: IncomingMessage, res: ServerResponse, rate: BodyRate, log: Logger): void {
  if (rate.minBodyBytesPerSecond <= 0 || !hasBody(req)) return;
  const socket = req.socket;
  const started = Date.now();
  const bytesAtStart = socket.bytesRead;
  const timer = setInterval(
    () => {
      const elapsedMs = Date.now() - started;
      if (elapsedMs < rate.bodyRateGraceMs) return;
      const received = socket.bytesRead - bytesAtStart;
      if (received >= (rate.minBodyBytesPerSecond * elapsedMs) / 1000) return;
      stop();
      log.info({ method: req.method, url: req.url, received, elapsedMs }, "request body slower than the minimum rate; connection closed");
      socket.destroy();
    },
    Math.min(1000, Math.max(100, rate.bodyRateGraceMs / 4)),
  );
  timer.unref();
  const stop = () => clearInterval(timer);
  // Once the body is read, or the answer is sent (an unread body is then dropped), the rate no
  // longer matters.
  req.once("end", stop);
  req.once("close", stop);
  res.once("finish", stop);
  res.once("close", stop);
}

/**
 * A route that answers without reading the body (a 401 before an upload, a GET that ignores a
 * body) leaves the rest of it to node, which reads and drops it to keep the connection for the
 * next request, for as long as the client keeps sending: the rate guard above has stopped by
 * then. So a response sent before the body has fully arrived says `Connection: close`, and node
 * closes the connection once it is sent. A request whose body arrived whole keeps its connection.
 */
export function closeWhenBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!hasBody(req)) return;
  const writeHead = res.writeHead;
  // Every response goes through writeHead, explicitly or through node's implicit header.
  res.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    if (!req.complete && !this.headersSent) this.setHeader("Connection", "close");
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}
