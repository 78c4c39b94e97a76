// The one HTTP client of the installer: keep-alive connections, timeouts, retries, Basic auth
// with pip's one retry after a 401, trusted hosts and CA bundles; `file:` URLs and paths read
// from disk so every caller treats local and remote locations alike.
import { createReadStream, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { STATUS_CODES } from "node:http";
import { isAbsolute, resolve as resolvePath } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { CertificateFileError, HttpError, NetworkError } from "./errors.ts";
import { NodeTransport } from "./node-transport.ts";
import { redactUrl } from "../auth/redact.ts";

export const WHEELHOUSE_VERSION = "0.1.0";

/** Basic credentials for one request. */
export interface BasicCredentials {
  username: string;
  password: string;
}

/** What a 401 looked like, for the credentials provider to decide whether to ask (keyring, prompt). */
export interface UnauthorizedResponse {
  status: number;
  /** Lowercase names. */
  headers: Record<string, string>;
}

/**
 * Where credentials come from (the auth module's `Credentials` fits): asked before each request,
 * and once more after a 401 (pip asks keyring only then, and retries once).
 */
export interface CredentialProvider {
  forUrl(url: string): BasicCredentials | null;
  handle401?(url: string, response: UnauthorizedResponse): Promise<BasicCredentials | null>;
  /** Told when the retry after a 401 was refused too (pip warns "Credentials not correct"). */
  warnOn401?(url: string, response: UnauthorizedResponse): void;
}

export interface HttpClientOptions {
  credentials?: CredentialProvider | null;
  /** Seconds (pip's `--timeout`, default 15): connect, wait for headers, and between body chunks. */
  timeout?: number;
  /** Retries of a GET/HEAD after a connection error or a 5xx (pip's `--retries`, default 5). */
  retries?: number;
  /** First retry delay in ms, doubled each time (urllib3's backoff_factor 0.25 s → 250). */
  retryBackoffMs?: number;
  /** `host` or `host:port` whose certificates are not verified (pip's `--trusted-host`). */
  trustedHosts?: readonly string[];
  /** PEM CA bundle replacing the default roots (pip's `--cert`). */
  cert?: string | null;
  /** PEM file with the client certificate and its key (pip's `--client-cert`). */
  clientCert?: string | null;
  /** `http://[user:pass@]host:port` (pip's `--proxy`). */
  proxy?: string | null;
  /** Kept-alive connections per origin. */
  connections?: number;
  userAgent?: string;
  /** Shown instead of URLs in errors (default: password replaced by ****). */
  redact?: (url: string) => string;
  /** Relative local paths resolve against this (default: process.cwd()). */
  cwd?: string;
}

export interface HttpRequestOptions {
  /**
   * POST is for idempotent queries (the registry's advisory query), retried as GET is, and for
   * uploads (made with `retries: 0`: the uploader retries and reports each retry itself).
   */
  method?: "GET" | "HEAD" | "POST";
  /**
   * The request body (POST only). A function makes a fresh stream for each attempt, sent as it is
   * read (give its `content-length` in `headers`).
   */
  body?: string | Uint8Array | (() => Readable);
  /** How long the server may take to answer once the body is sent (default: the timeout). */
  answerTimeoutMs?: number;
  /** Lowercase names. `accept-encoding` defaults to identity; anything else is decoded here. */
  headers?: Record<string, string>;
  /** Default 10; 0 returns the redirect itself. */
  maxRedirects?: number;
  signal?: AbortSignal;
}

/** A response whose body is still to be read (read it, or call `dump()`). */
export interface HttpResponse {
  status: number;
  /** The standard reason phrase of `status`. */
  statusText: string;
  /** The reason phrase as the server sent it (PyPI puts its upload errors there), else `statusText`. */
  reason: string;
  /** The URL finally answered (after redirects), without userinfo. */
  url: string;
  /** Lowercase names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Readable;
  text(): Promise<string>;
  buffer(): Promise<Buffer>;
  /** Discards the body so the connection can be reused. */
  dump(): Promise<void>;
}

type HttpMethod = NonNullable<HttpRequestOptions["method"]>;

const RETRY_STATUSES = new Set([500, 502, 503, 504, 520, 527]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** True for `file:` URLs and for anything without a URL scheme (a path). */
export function isLocalLocation(location: string): boolean {
  if (/^file:/i.test(location)) return true;
  // A Windows drive (`C:\…`) is a path, not a scheme.
  return !/^[a-z][a-z0-9+.-]+:/i.test(location);
}

/** The filesystem path of a `file:` URL or a path (relative ones against `cwd`). */
export function localPath(location: string, cwd: string = process.cwd()): string {
  if (/^file:/i.test(location)) return fileURLToPath(location.replace(/[?#].*$/, ""));
  return isAbsolute(location) ? location : resolvePath(cwd, location);
}

export class HttpClient {
  readonly #options: Required<Pick<HttpClientOptions, "retries" | "retryBackoffMs">> & HttpClientOptions;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #cwd: string;
  #transport: NodeTransport | null = null;
  #trustedTransport: NodeTransport | null = null;
  /** Credentials that worked (or came from userinfo), by origin: pip's per-netloc memory. */
  readonly #known = new Map<string, BasicCredentials>();

  constructor(options: HttpClientOptions = {}) {
    this.#options = { ...options, retries: options.retries ?? 5, retryBackoffMs: options.retryBackoffMs ?? 250 };
    this.#timeoutMs = Math.max(1, Math.round((options.timeout ?? 15) * 1000));
    this.#userAgent = options.userAgent ?? `wheelhouse/${WHEELHOUSE_VERSION}`;
    this.#cwd = options.cwd ?? process.cwd();
  }

  /** A URL fit for messages. */
  redact(url: string): string {
    return (this.#options.redact ?? redactUrl)(url);
  }

  /**
   * One request, whatever the final status: redirects followed, 5xx and connection errors
   * retried (GET/HEAD are idempotent), one retry with fresh credentials after a 401.
   * Throws NetworkError when the server cannot be reached.
   */
  async request(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    if (isLocalLocation(url)) return this.#readLocal(url, options);
    const maxRedirects = options.maxRedirects ?? 10;
    let current = url;
    let method = options.method ?? "GET";
    let sent = options;
    for (let hop = 0; ; hop++) {
      const response = await this.#withAuth(current, method, sent);
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.status) || !location || hop >= maxRedirects) return response;
      await response.dump();
      const next = new URL(location, response.url);
      if (next.protocol !== "http:" && next.protocol !== "https:") return response;
      current = next.toString();
      // As fetch does: 303 (and 301/302 after a POST) continue as a GET without the body.
      if (response.status === 303 || (method === "POST" && response.status !== 307 && response.status !== 308)) {
        method = "GET";
        sent = { ...options, body: undefined };
      }
    }
  }

  /** GET that must succeed: throws HttpError (redacted URL) for any final status outside 2xx. */
  async get(url: string, options: Omit<HttpRequestOptions, "method"> = {}): Promise<HttpResponse> {
    const response = await this.request(url, { ...options, method: "GET" });
    if (response.status < 200 || response.status > 299) {
      await response.dump();
      throw new HttpError(response.status, response.statusText, this.redact(url));
    }
    return response;
  }

  async close(): Promise<void> {
    const transports = [this.#transport, this.#trustedTransport].filter((t): t is NodeTransport => t !== null);
    this.#transport = this.#trustedTransport = null;
    await Promise.all(transports.map((t) => t.close()));
  }

  async #withAuth(url: string, method: HttpMethod, options: HttpRequestOptions): Promise<HttpResponse> {
    const parsed = new URL(url);
    const origin = parsed.origin;
    let credentials: BasicCredentials | null = null;
    if (parsed.username || parsed.password) {
      credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
      this.#known.set(origin, credentials);
      parsed.username = parsed.password = "";
    }
    const clean = parsed.toString();
    credentials ??= this.#options.credentials?.forUrl(url) ?? this.#known.get(origin) ?? null;
    const shown = this.redact(url);
    const response = await this.#withRetries(clean, shown, method, options, credentials);
    const provider = this.#options.credentials;
    if (response.status !== 401 || !provider?.handle401) return response;
    // pip: after a 401, ask once more (keyring, prompt) and retry once; a 403 never retries.
    const fresh = await provider.handle401(url, { status: response.status, headers: response.headers });
    if (!fresh) return response;
    await response.dump();
    const retried = await this.#withRetries(clean, shown, method, options, fresh);
    if (retried.status !== 401) this.#known.set(origin, fresh);
    else provider.warnOn401?.(url, { status: retried.status, headers: retried.headers });
    return retried;
  }

  /** `shown` is the URL as given (userinfo redacted), for messages. */
  async #withRetries(url: string, shown: string, method: HttpMethod, options: HttpRequestOptions, credentials: BasicCredentials | null): Promise<HttpResponse> {
    const { retries, retryBackoffMs } = this.#options;
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.#send(url, shown, method, options, credentials);
      } catch (err) {
        if (err instanceof CertificateFileError) throw err;
        if (options.signal?.aborted || attempt >= retries) throw new NetworkError(shown, describeNetworkError(err), { cause: err });
        await sleep(retryBackoffMs * 2 ** attempt);
        continue;
      }
      if (!RETRY_STATUSES.has(response.status) || attempt >= retries) return response;
      await response.dump();
      await sleep(retryBackoffMs * 2 ** attempt);
    }
  }

  async #send(url: string, shown: string, method: HttpMethod, options: HttpRequestOptions, credentials: BasicCredentials | null): Promise<HttpResponse> {
    const headers: Record<string, string> = { "user-agent": this.#userAgent, "accept-encoding": "identity", ...options.headers };
    if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
    const parsed = new URL(url);
    const body = options.body;
    const result = await this.#transportFor(parsed).send(parsed, {
      method,
      headers,
      ...(method === "POST" && body !== undefined ? { body: typeof body === "function" ? body() : body } : {}),
      ...(options.answerTimeoutMs !== undefined ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const encoding = result.headers["content-encoding"]?.trim().toLowerCase();
    const decoded = headers["accept-encoding"] === "identity" || !encoding ? result.body : decode(result.body, encoding);
    const dump = (): Promise<void> => {
      // A decoder left unread: detached by dump, it must not throw the raw body's later error (no one listens to it).
      if (decoded !== result.body) decoded.on("error", () => {});
      return NodeTransport.dump(result);
    };
    return makeResponse(result.status, url, result.headers, decoded, shown, dump, result.statusMessage);
  }

  #transportFor(url: URL): NodeTransport {
    const trusted = (this.#options.trustedHosts ?? []).some((h) => h === url.host || h === url.hostname);
    if (trusted) return (this.#trustedTransport ??= this.#makeTransport(false));
    return (this.#transport ??= this.#makeTransport(true));
  }

  #makeTransport(verify: boolean): NodeTransport {
    return new NodeTransport({
      timeoutMs: this.#timeoutMs,
      connections: this.#options.connections ?? 16,
      verify,
      ...(this.#options.cert ? { ca: readFileSyncText(this.#options.cert) } : {}),
      ...(this.#options.clientCert ? { clientCert: readFileSyncText(this.#options.clientCert) } : {}),
      proxy: this.#options.proxy ?? null,
    });
  }

  async #readLocal(location: string, options: HttpRequestOptions): Promise<HttpResponse> {
    let path = localPath(location, this.#cwd);
    const url = pathToFileURL(path).toString();
    let info = await stat(path).catch(() => null);
    // pip: a directory given as an index page means its index.html.
    if (info?.isDirectory()) {
      path = resolvePath(path, "index.html");
      info = await stat(path).catch(() => null);
    }
    if (!info?.isFile()) return makeResponse(404, url, {}, Readable.from([]), url);
    const headers: Record<string, string> = { "content-length": String(info.size) };
    if (/\.html?$/i.test(path)) headers["content-type"] = "text/html";
    const body = options.method === "HEAD" ? Readable.from([]) : createReadStream(path);
    return makeResponse(200, pathToFileURL(path).toString(), headers, body, url);
  }
}

/**
 * Transports are made on first use, so a bad `--cert` path fails the first request, not start-up;
 * with pip's words, and without the retries a connection failure gets.
 */
function readFileSyncText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new CertificateFileError(
      `Could not find a suitable TLS CA certificate bundle, invalid path: ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

function decode(body: Readable, encoding: string): Readable {
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : encoding === "br"
          ? createBrotliDecompress()
          : null;
  if (!decoder) return body;
  body.on("error", (err) => decoder.destroy(err));
  decoder.on("close", () => body.destroy());
  return body.pipe(decoder);
}

/** `dump` discards the rest of a network body (see NodeTransport.dump); a local file's stream is just closed. */
function makeResponse(
  status: number,
  url: string,
  headers: Record<string, string>,
  body: Readable,
  shown: string,
  dump: () => Promise<void> = async () => void body.destroy(),
  reason = "",
): HttpResponse {
  const buffer = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    } catch (err) {
      throw new NetworkError(shown, describeNetworkError(err), { cause: err });
    }
    return Buffer.concat(chunks);
  };
  return {
    status,
    statusText: STATUS_CODES[status] ?? "",
    reason: reason || STATUS_CODES[status] || "",
    url,
    headers,
    body,
    buffer,
    text: async () => (await buffer()).toString("utf8"),
    dump,
  };
}

/** A short reason for a failed connection, without URLs (the caller adds a redacted one). */
export function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  const causeCode = (err.cause as { code?: string } | undefined)?.code;
  switch (code ?? causeCode) {
    case "WH_CONNECT_TIMEOUT": // node-transport.ts
      return "connection timed out";
    case "WH_READ_TIMEOUT":
      return "read timed out";
    case "ERR_STREAM_PREMATURE_CLOSE":
      return "connection closed before the response was complete";
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ENOTFOUND":
      return "name or service not known";
    default:
      return err.message.replace(/https?:\/\/[^\s]*/g, (u) => redactUrl(u));
  }
}
