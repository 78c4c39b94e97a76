// HTTP to upstream indexes: one keep-alive undici Agent per mirror object, timeouts, redirects,
// credentials (sent only to the upstream's own origin, never logged), and every failure
// translated into UpstreamUnavailable with a reason a person can read.
import type { Readable } from "node:stream";
import { Agent, errors, request, type Dispatcher } from "undici";
import { UpstreamRefused, UpstreamUnavailable } from "./errors.ts";

export interface UpstreamTimeouts {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** From sending the request to the end of the response headers. */
  headersMs: number;
  /** Longest silence between two chunks of a body (an idle timeout, not a total one). */
  idleMs: number;
}

const DEFAULT_UPSTREAM_TIMEOUTS: Readonly<UpstreamTimeouts> = { connectMs: 10_000, headersMs: 10_000, idleMs: 30_000 };

/** The defaults, overridden by what the deps name (tests shorten them). */
export function resolveTimeouts(timeouts: Partial<UpstreamTimeouts> | undefined): UpstreamTimeouts {
  return { ...DEFAULT_UPSTREAM_TIMEOUTS, ...(timeouts ?? {}) };
}

/** Credentials for one upstream, and the origin they may be sent to. */
export interface UpstreamAuth {
  origin: string;
  username: string;
  password: string;
}

/** Credentials from the index row, or else from userinfo in the upstream URL. */
export function upstreamAuth(upstreamUrl: string, username: string | null, password: string | null): UpstreamAuth | null {
  const url = new URL(upstreamUrl);
  if (username !== null && username !== "") return { origin: url.origin, username, password: password ?? "" };
  if (url.username !== "") return { origin: url.origin, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  return null;
}

/** The URL as it may be shown and logged: no userinfo, no fragment. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.hash = "";
    return parsed.toString();
  } catch {
    return "(invalid URL)";
  }
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { dump(opts?: { limit: number }): Promise<void> };
  /** After redirects. */
  url: string;
}

export interface UpstreamRequest {
  url: string;
  headers?: Record<string, string>;
  auth: UpstreamAuth | null;
  /** How many redirects to follow (PyPI sends files to its CDN). */
  maxRedirects?: number;
  /**
   * Where this request may go, first URL and every redirect hop alike (checked before
   * connecting): a URL outside it is refused with UpstreamUnavailable.
   */
  allowed: UpstreamHosts;
}

/**
 * The places a mirror may fetch from: its upstream's own origin, and the hosts an admin listed
 * for it (Index.upstreamFileHosts). A page names file URLs and a server names redirect targets:
 * without this check a hostile or compromised upstream could make the mirror fetch any host and
 * port it can reach (loopback, the cloud metadata service, internal services) and publish the
 * answer as a file.
 */
export interface UpstreamHosts {
  origin: string;
  /** "host" or "host:port", lowercase; a bare host means its default ports (http 80, https 443). */
  hosts: readonly string[];
}

/** Why `url` may not be fetched, or null when it may. */
export function refusedBecause(url: string, allowed: UpstreamHosts): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "it is not a valid URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `its scheme ${parsed.protocol} is not http or https`;
  if (parsed.origin === allowed.origin) return null;
  // The upstream's own host moving from http to https (its default port) is still the upstream.
  const upstream = new URL(allowed.origin);
  if (upstream.protocol === "http:" && parsed.protocol === "https:" && parsed.host === upstream.hostname) return null;
  // URL.host drops the default port, so "files.pythonhosted.org" matches https://files.pythonhosted.org/….
  if (allowed.hosts.includes(parsed.host.toLowerCase())) return null;
  return `${parsed.host} is neither the upstream's origin (${allowed.origin}) nor one of the index's upstreamFileHosts`;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Reads a whole (small) body as text; rejects with UpstreamUnavailable past `limit` bytes or on a broken body. */
export async function readBodyText(response: UpstreamResponse, shownUrl: string, timeouts: UpstreamTimeouts, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        response.body.destroy();
        throw new UpstreamUnavailable(shownUrl, `the response is larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    throw toUpstreamUnavailable(err, shownUrl, timeouts);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The first value of a header. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function stripUserinfo(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Translates undici's and the socket's errors at this edge: nothing above knows undici. */
export function toUpstreamUnavailable(err: unknown, shownUrl: string, timeouts: UpstreamTimeouts): UpstreamUnavailable {
  if (err instanceof UpstreamUnavailable) return err;
  return new UpstreamUnavailable(shownUrl, reasonFor(err, timeouts), { cause: err });
}

function reasonFor(err: unknown, timeouts: UpstreamTimeouts): string {
  if (err instanceof errors.ConnectTimeoutError) return `timed out after ${seconds(timeouts.connectMs)}`;
  if (err instanceof errors.HeadersTimeoutError) return `timed out after ${seconds(timeouts.headersMs)}`;
  if (err instanceof errors.BodyTimeoutError) return `timed out after ${seconds(timeouts.idleMs)}`;
  if (err instanceof errors.ResponseContentLengthMismatchError || err instanceof errors.RequestContentLengthMismatchError) {
    return "the response ended early";
  }
  const code = (err as { code?: string } | null)?.code ?? (err as { cause?: { code?: string } } | null)?.cause?.code;
  switch (code) {
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "connection reset";
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ETIMEDOUT":
      return "timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
  }
  if (err instanceof Error && /certificate|self.signed|SSL|TLS/i.test(`${err.message} ${code ?? ""}`)) return `TLS error (${err.message})`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * One mirror's HTTP to its upstreams: the keep-alive connections (one undici Agent, made on
 * first use) and the timeouts. Owned by the mirror object and closed with it, so two registries
 * in one process never share connections.
 */
export class UpstreamHttp {
  #agent: Agent | null = null;

  constructor(readonly timeouts: UpstreamTimeouts) {}

  #dispatcher(): Agent {
    this.#agent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connect: { timeout: this.timeouts.connectMs } });
    return this.#agent;
  }

  /** Closes the kept-alive connections (requests still running finish first). */
  async close(): Promise<void> {
    const agent = this.#agent;
    this.#agent = null;
    await agent?.close();
  }

  /**
   * GET `url`, following redirects. Resolves with any final status (the caller decides what a
   * 404 or 304 means); rejects with UpstreamUnavailable when there is no answer. The error names
   * the URL first asked for, without credentials.
   */
  async get(req: UpstreamRequest): Promise<UpstreamResponse> {
    const shown = displayUrl(req.url);
    let url = stripUserinfo(req.url);
    const maxRedirects = req.maxRedirects ?? 5;
    for (let redirects = 0; ; redirects++) {
      const refused = refusedBecause(url, req.allowed);
      if (refused !== null) {
        throw new UpstreamRefused(redirects === 0 ? shown : `${shown} (redirected to ${displayUrl(url)})`, `refused to fetch it: ${refused}`);
      }
      const headers: Record<string, string> = { "user-agent": "wheelhouse-mirror", ...req.headers };
      // Credentials go to the upstream's origin only, never to a CDN it redirects to.
      if (req.auth && new URL(url).origin === req.auth.origin) {
        headers.authorization = `Basic ${Buffer.from(`${req.auth.username}:${req.auth.password}`).toString("base64")}`;
      }
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: "GET",
          headers,
          dispatcher: this.#dispatcher(),
          headersTimeout: this.timeouts.headersMs,
          bodyTimeout: this.timeouts.idleMs,
        });
      } catch (err) {
        throw toUpstreamUnavailable(err, shown, this.timeouts);
      }
      const location = headerValue(response.headers.location);
      if (REDIRECTS.has(response.statusCode) && location) {
        await response.body.dump().catch(() => {});
        if (redirects >= maxRedirects) throw new UpstreamUnavailable(shown, `too many redirects`);
        url = stripUserinfo(new URL(location, url).toString());
        continue;
      }
      return { statusCode: response.statusCode, headers: response.headers, body: response.body, url };
    }
  }

  /**
   * GET the exact bytes of a URL the mirror serves again (a file or its .metadata): no content
   * coding, the index's upstream credentials, and any answer but 2xx as UpstreamUnavailable.
   */
  async getBytes(req: {
    url: string;
    shownUrl: string;
    auth: UpstreamAuth | null;
    allowed: UpstreamHosts;
    headers?: Record<string, string>;
  }): Promise<UpstreamResponse> {
    // Hashes are over the exact bytes: no content coding.
    const response = await this.get({ url: req.url, headers: { "accept-encoding": "identity", ...req.headers }, auth: req.auth, allowed: req.allowed });
    if (response.statusCode < 200 || response.statusCode > 299) {
      await response.body.dump().catch(() => {});
      throw new UpstreamUnavailable(req.shownUrl, `HTTP ${response.statusCode}`);
    }
    return response;
  }
}
