/**
 * The installer's wire: HTTP/1.1 through Node's own `http`/`https` modules with keep-alive
 * agents, one request at a time per socket.
 *
 * Why not undici, which the rest of the project uses: a CLI pays its start-up on every run, and
 * measured on this project's install benchmark, loading undici and warming its WebAssembly HTTP
 * parser cost each `wheelhouse` process 80–150 ms — more than a whole warm install. `node:http`
 * is part of Node's start-up snapshot and parses with the native llhttp. Proxies (`--proxy`) go
 * through http-proxy-agent / https-proxy-agent (CONNECT for https), loaded only when one is set.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import type { Agent } from "node:http";
import type { request as HttpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface TransportOptions {
  /** Connect, wait for the headers, and between body chunks. */
  timeoutMs: number;
  /** Kept-alive sockets per origin. */
  connections: number;
  /** Verify server certificates (false for pip's --trusted-host). */
  verify: boolean;
  /** PEM CA bundle replacing the default roots. */
  ca?: string;
  /** PEM holding the client certificate and its key. */
  clientCert?: string;
  /** `http://[user:pass@]host:port`. */
  proxy?: string | null;
}

export interface TransportRequest {
  method: string;
  /** Lowercase names (with a stream body, the caller gives its `content-length`). */
  headers: Record<string, string>;
  /** A stream is piped as it is read (an upload's file is never held in memory). */
  body?: string | Uint8Array | Readable;
  /** How long the server may take to answer once the body is sent (default: `timeoutMs`). */
  answerTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** The reason phrase as the server sent it (may be empty). */
  statusMessage: string;
  /** Lowercase names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Readable;
}

/** Thrown (as the request's error) when a connection or a read waited longer than the timeout. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(readonly code: "WH_CONNECT_TIMEOUT" | "WH_READ_TIMEOUT") {
    super(code === "WH_CONNECT_TIMEOUT" ? "connection timed out" : "read timed out");
  }
}

/** What a body left unread may be drained (rather than the socket closed) to keep the connection. */
const DRAIN_LIMIT = 256 * 1024;

export class NodeTransport {
  readonly #options: TransportOptions;
  /**
   * Made on first use, each: an HTTP-only run never builds a TLS context, nor loads node:https
   * and node:tls (some 4 ms of a warm install's start-up).
   */
  #agents: { http?: Promise<Agent>; https?: Promise<Agent> } | null = {};
  #httpsRequest: typeof HttpsRequest | null = null;
  #tls: Promise<{ rejectUnauthorized: boolean; secureContext?: import("node:tls").SecureContext }> | null = null;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  async send(url: URL, request: TransportRequest): Promise<TransportResponse> {
    const https = url.protocol === "https:";
    const agents = (this.#agents ??= {});
    const agent = await (https ? (agents.https ??= this.#makeAgent(true)) : (agents.http ??= this.#makeAgent(false)));
    const headers = { ...request.headers };
    const body = request.body;
    if (typeof body === "string" || body instanceof Uint8Array) headers["content-length"] = String(Buffer.byteLength(body));
    return new Promise<TransportResponse>((resolve, reject) => {
      const req = (https ? this.#httpsRequest! : httpRequest)(url, {
        method: request.method,
        headers,
        agent,
        timeout: this.#options.timeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      let connected = false;
      let answered = false;
      req.once("socket", (socket) => {
        // A reused socket is connected already; a new one says so on connect (or secureConnect).
        if (!socket.connecting) connected = true;
        else socket.once(https && !this.#options.proxy ? "secureConnect" : "connect", () => (connected = true));
      });
      req.on("timeout", () => req.destroy(new TimeoutError(connected ? "WH_READ_TIMEOUT" : "WH_CONNECT_TIMEOUT")));
      req.once("error", reject);
      req.once("response", (response: IncomingMessage) => {
        // The socket's idle timeout keeps guarding the body; a timeout then fails the body stream.
        req.removeListener("error", reject);
        req.on("error", (err) => response.destroy(err));
        answered = true;
        if (request.answerTimeoutMs !== undefined) req.setTimeout(this.#options.timeoutMs);
        resolve({ status: response.statusCode ?? 0, statusMessage: response.statusMessage ?? "", headers: flattenHeaders(response.headers), body: response });
      });
      // Sent: the server may now take its time to answer (an upload is validated before the answer).
      if (request.answerTimeoutMs !== undefined) req.once("finish", () => req.setTimeout(request.answerTimeoutMs!));
      if (body === undefined || typeof body === "string" || body instanceof Uint8Array) req.end(body);
      // A body that cannot be read fails the request; once answered (a server may refuse before
      // reading it all), the answer stands.
      else pipeline(body, req).catch((err: unknown) => void (answered || req.destroy(err as Error)));
    });
  }

  /** Discards what is left of a body: drained (the socket is kept) when small, else the socket is closed. */
  static async dump(response: TransportResponse): Promise<void> {
    const body = response.body;
    if (body.readableEnded || body.destroyed) return;
    if (Number(response.headers["content-length"]) > DRAIN_LIMIT) {
      body.destroy();
      return;
    }
    // Resolved at "close", which comes after the socket went back to the agent ("end" is too early).
    await new Promise<void>((resolve) => {
      let drained = 0;
      body.on("data", (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > DRAIN_LIMIT) body.destroy();
      });
      body.once("error", () => {});
      body.once("close", resolve);
      // A body piped into a decoder nobody reads is paused by it (and unpipe pauses it): flow here.
      body.unpipe();
      body.resume();
    });
  }

  async close(): Promise<void> {
    const agents = this.#agents;
    this.#agents = null;
    // (An agent that could not be made has nothing to close; its error went to the request.)
    for (const made of await Promise.allSettled([agents?.http, agents?.https])) if (made.status === "fulfilled") made.value?.destroy();
  }

  /**
   * TLS options for connections to https servers and proxies: one context for every connection
   * (given `ca`, each connect would parse the whole bundle again), with the deferred
   * NODE_EXTRA_CA_CERTS (extra-ca.ts) when no `ca` replaces the default roots.
   */
  #tlsOptions(): Promise<{ rejectUnauthorized: boolean; secureContext?: import("node:tls").SecureContext }> {
    // (Once: an https proxy and https servers share the one context.)
    return (this.#tls ??= this.#makeTlsOptions());
  }

  async #makeTlsOptions(): Promise<{ rejectUnauthorized: boolean; secureContext?: import("node:tls").SecureContext }> {
    const { verify, ca, clientCert } = this.#options;
    const [{ createSecureContext }, { secureContextWithExtraCa }] = await Promise.all([import("node:tls"), import("./extra-ca.ts")]);
    const client = clientCert ? { cert: clientCert, key: clientCert } : {};
    const context = ca ? createSecureContext({ ca, ...client }) : (secureContextWithExtraCa(client) ?? (clientCert ? createSecureContext(client) : null));
    return { rejectUnauthorized: verify, ...(context ? { secureContext: context } : {}) };
  }

  async #makeAgent(https: boolean): Promise<Agent> {
    const { connections, proxy } = this.#options;
    const common = { keepAlive: true, maxSockets: connections };
    if (!https) {
      if (!proxy) return new HttpAgent(common);
      // (An https:// proxy is itself a TLS connection.)
      const tls = /^https:/i.test(proxy) ? await this.#tlsOptions() : {};
      return new (await import("http-proxy-agent")).HttpProxyAgent(proxy, { ...common, ...tls });
    }
    const [{ Agent: HttpsAgent, request }, tls] = await Promise.all([import("node:https"), this.#tlsOptions()]);
    this.#httpsRequest = request;
    return proxy ? new (await import("https-proxy-agent")).HttpsProxyAgent(proxy, { ...common, ...tls }) : new HttpsAgent({ ...common, ...tls });
  }
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
