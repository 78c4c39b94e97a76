// HTTP/1.1 over a bare TCP socket, for what no well-behaved client sends: bodies that end early,
// requests trickled a byte at a time, `Expect: 100-continue` without the body.
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  /** The status line and header lines, as sent. */
  head: string;
  body: string;
}

export class RawConnection {
  #received = Buffer.alloc(0);
  #closed = false;
  #waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#wake();
    });
    // A reset from the server is a way of closing too; the tests look at what arrived before it.
    socket.on("error", () => {});
    this.closed = new Promise((resolve) =>
      socket.on("close", () => {
        this.#closed = true;
        this.#wake();
        resolve();
      }),
    );
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  /** Resolves once written; never rejects (a server that closed first shows in `isClosed`). */
  write(data: string | Buffer): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** Half-close: the request body ends here, as far as the server can tell. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Everything the server sent so far, as latin-1 text. */
  get text(): string {
    return this.#received.toString("latin1");
  }

  /** Interim (1xx) responses received so far. */
  get interimStatuses(): number[] {
    return [...this.text.matchAll(/^HTTP\/1\.1 (1\d\d) /gm)].map((m) => Number(m[1]));
  }

  /** The first final (non-1xx) response, whole; null when the server closes before sending one. */
  async response(): Promise<RawResponse | null> {
    return (await this.until(() => finalResponse(this.text) !== null)) ? finalResponse(this.text) : null;
  }

  /** Waits until `ready()` holds (true) or the server closes the connection first (false). */
  async until(ready: () => boolean): Promise<boolean> {
    for (;;) {
      if (ready()) return true;
      if (this.#closed) return false;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

function finalResponse(text: string): RawResponse | null {
  let rest = text;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end === -1) return null;
    const head = rest.slice(0, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
    rest = rest.slice(end + 4);
    if (status >= 100 && status < 200) continue;
    const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
    if (Buffer.byteLength(rest, "latin1") < length) return null;
    return { status, head, body: rest.slice(0, length) };
  }
}

/** The request line and headers of a POST, with the blank line that ends them. */
export function postHead(path: string, headers: Record<string, string | number>): string {
  const lines = [`POST ${path} HTTP/1.1`, "Host: localhost", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join("\r\n")}\r\n\r\n`;
}
