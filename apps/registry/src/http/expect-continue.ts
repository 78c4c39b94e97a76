// RFC 9110 §10.1.1: a client that sends `Expect: 100-continue` holds the body back until the
// server says `100 Continue`, so a request the server will refuse costs no upload. Node writes
// the 100 as soon as the headers arrive unless the server handles 'checkContinue'; we write it
// the first time something starts reading the body instead. A route that refuses first (an
// anonymous upload gets its 401 before multer reads a byte) answers without it, and the client
// never sends the body.
import type { IncomingMessage, ServerResponse } from "node:http";

/** Writes `100 Continue` when the first 'data' or 'readable' listener is added to `req`. */
export function continueWhenBodyRead(req: IncomingMessage, res: ServerResponse): void {
  const onListener = (event: string | symbol) => {
    if (event !== "data" && event !== "readable") return;
    req.off("newListener", onListener);
    if (!res.headersSent && !res.writableEnded) res.writeContinue();
  };
  req.on("newListener", onListener);
}
