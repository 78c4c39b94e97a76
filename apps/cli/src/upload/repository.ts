/**
 * The repository end of an upload, as twine's Repository (twine/repository.py): one POST per
 * file with HTTP Basic credentials, redirects never followed (the caller reports them), 5xx
 * retried a few times with backoff; and, for --skip-existing, a look at the JSON API for a file
 * already there before sending it again.
 */
import { readFileSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, fetch, ProxyAgent, type Dispatcher, type Response } from "undici";
import { authorizationHeader, redactUrl, type BasicCredentials } from "../auth/index.ts";
import { describeNetworkError, WHEELHOUSE_VERSION } from "../index/http-client.ts";
import { secureContextWithExtraCa } from "../index/extra-ca.ts";
import type { PackageFile } from "./package-file.ts";
import { uploadForm } from "./upload-form.ts";

/** The server could not be reached (after the retries). The message names the redacted URL. */
export class UploadNetworkError extends Error {
  override name = "UploadNetworkError";
}

export interface RepositoryOptions {
  /** The upload URL, without userinfo. */
  url: string;
  /** Seconds to wait for a connection (the socket timeout of `--timeout`). */
  timeout?: number;
  /** PEM CA bundle (`--cert`, pypirc `ca_cert`). */
  cert?: string | null;
  /** PEM client certificate with its key (`--client-cert`, pypirc `client_cert`). */
  clientCert?: string | null;
  trustedHosts?: readonly string[];
  proxy?: string | null;
  /** Attempts per file when the server answers 5xx or cannot be reached (twine: 5). */
  maxAttempts?: number;
  /** First delay between attempts, doubled each time. */
  retryBackoffMs?: number;
  /** Told before each retry (twine warns "Package upload appears to have failed. Retry n of m."). */
  onRetry?: (problem: string, retry: number, of: number) => void;
}

/** What the repository answered to one upload. */
export interface UploadResponse {
  status: number;
  /** The reason phrase as sent (PyPI puts its message there), or the standard one. */
  reason: string;
  /** Redirect target, if any. */
  location: string | null;
  /** The body as text (the first 64 KiB). */
  body: string;
}

const MAX_BODY = 64 * 1024;
/** How long the server may take to answer once the body is sent (it validates the file first). */
const ANSWER_TIMEOUT_MS = 5 * 60_000;

export class Repository {
  readonly url: string;
  readonly #options: RepositoryOptions;
  #dispatcher: Dispatcher | null = null;

  constructor(options: RepositoryOptions) {
    this.url = options.url;
    this.#options = options;
  }

  /** POSTs one file; a 5xx or a failed connection is retried, any other answer is returned. */
  async upload(pkg: PackageFile, absolute: string, credentials: BasicCredentials | null, comment: string | null = null): Promise<UploadResponse> {
    const attempts = Math.max(1, this.#options.maxAttempts ?? 5);
    const backoff = this.#options.retryBackoffMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      let answer: UploadResponse;
      try {
        const response = await fetch(this.url, {
          method: "POST",
          body: await uploadForm(pkg, absolute, comment),
          headers: this.#headers(credentials),
          redirect: "manual",
          dispatcher: this.#dispatcherFor(),
        });
        answer = { status: response.status, reason: reasonOf(response), location: response.headers.get("location"), body: await readBody(response) };
      } catch (err) {
        if (attempt >= attempts) throw new UploadNetworkError(`Could not reach ${redactUrl(this.url)}: ${describeNetworkError(err)}`, { cause: err });
        this.#options.onRetry?.(describeNetworkError(err), attempt, attempts - 1);
        await sleep(backoff * 2 ** (attempt - 1));
        continue;
      }
      if (answer.status < 500 || answer.status > 599 || attempt >= attempts) return answer;
      this.#options.onRetry?.(`${answer.status}: ${answer.reason}`, attempt, attempts - 1);
      await sleep(backoff * 2 ** (attempt - 1));
    }
  }

  /**
   * Whether the repository already lists `pkg`'s filename for its release, read from the JSON API
   * next to the upload URL (`…/legacy/` → `…/pypi/<name>/<version>/json`), as twine does for PyPI.
   * Any failure means "not known to be there": the upload then answers for itself.
   */
  async isUploaded(pkg: PackageFile, credentials: BasicCredentials | null): Promise<boolean> {
    const base = this.url.replace(/\/+$/, "").replace(/\/legacy$/, "");
    const url = `${base}/pypi/${encodeURIComponent(pkg.metadata.name!)}/${encodeURIComponent(pkg.metadata.version!)}/json`;
    try {
      const response = await fetch(url, {
        headers: { ...this.#headers(credentials), accept: "application/json" },
        redirect: "manual",
        dispatcher: this.#dispatcherFor(),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return false;
      }
      const data = (await response.json()) as { urls?: Array<{ filename?: unknown }> };
      return (data.urls ?? []).some((f) => f.filename === pkg.filename);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = null;
    await dispatcher?.close();
  }

  #headers(credentials: BasicCredentials | null): Record<string, string> {
    const headers: Record<string, string> = { "user-agent": `wheelhouse/${WHEELHOUSE_VERSION}` };
    if (credentials) headers["authorization"] = authorizationHeader(credentials);
    return headers;
  }

  #dispatcherFor(): Dispatcher {
    if (this.#dispatcher) return this.#dispatcher;
    const { hostname, host } = new URL(this.url);
    const trusted = (this.#options.trustedHosts ?? []).some((h) => h === host || h === hostname);
    const connect: Record<string, unknown> = { timeout: Math.round((this.#options.timeout ?? 15) * 1000), rejectUnauthorized: !trusted };
    const pem = this.#options.clientCert ? readFileSync(this.#options.clientCert, "utf8") : null;
    const client = pem ? { cert: pem, key: pem } : {};
    if (this.#options.cert) Object.assign(connect, { ca: readFileSync(this.#options.cert, "utf8"), ...client });
    else {
      const context = secureContextWithExtraCa(client);
      Object.assign(connect, context ? { secureContext: context } : client);
    }
    const common = { connect, headersTimeout: ANSWER_TIMEOUT_MS, bodyTimeout: ANSWER_TIMEOUT_MS };
    this.#dispatcher = this.#options.proxy ? new ProxyAgent({ uri: this.#options.proxy, requestTls: connect, ...common }) : new Agent(common);
    return this.#dispatcher;
  }
}

function reasonOf(response: Response): string {
  return response.statusText || STATUS_CODES[response.status] || "";
}

async function readBody(response: Response): Promise<string> {
  if (!response.body) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= MAX_BODY) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString("utf8");
}
