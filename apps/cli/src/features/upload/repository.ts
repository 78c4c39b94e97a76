/**
 * The repository end of an upload, as twine's Repository (twine/repository.py): one POST per
 * file with HTTP Basic credentials, redirects never followed (the caller reports them), 5xx
 * retried a few times with backoff; and, for --skip-existing, a look at the JSON API for a file
 * already there before sending it again. Sent through the CLI's one HTTP client (proxies, CA
 * bundles, trusted hosts as for every other request), the file streamed from disk.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { authorizationHeader, redactUrl, type BasicCredentials } from "../../core/auth/index.ts";
import { CliError } from "../../core/cli-error.ts";
import { NetworkError } from "../../core/net/errors.ts";
import { describeNetworkError, HttpClient, type HttpResponse } from "../../core/net/http-client.ts";
import type { PackageFile } from "./package-file.ts";
import { uploadForm } from "./upload-form.ts";

/** The server could not be reached (after the retries). The message names the redacted URL. */
export class UploadNetworkError extends CliError {
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
  /** Without retries: `upload` retries a 5xx or a failed connection itself, and says so each time. */
  readonly #http: HttpClient;

  constructor(options: RepositoryOptions) {
    this.url = options.url;
    this.#options = options;
    this.#http = new HttpClient({
      retries: 0,
      timeout: options.timeout ?? 15,
      trustedHosts: options.trustedHosts ?? [],
      cert: options.cert ?? null,
      clientCert: options.clientCert ?? null,
      proxy: options.proxy ?? null,
      redact: redactUrl,
    });
  }

  /** POSTs one file; a 5xx or a failed connection is retried, any other answer is returned. */
  async upload(pkg: PackageFile, absolute: string, credentials: BasicCredentials | null, comment: string | null = null): Promise<UploadResponse> {
    const attempts = Math.max(1, this.#options.maxAttempts ?? 5);
    const backoff = this.#options.retryBackoffMs ?? 500;
    // Encoded once; each attempt streams the file from disk again.
    const form = await uploadForm(pkg, absolute, comment);
    for (let attempt = 1; ; attempt++) {
      let answer: UploadResponse;
      try {
        const response = await this.#http.request(this.url, {
          method: "POST",
          body: () => form.stream(),
          headers: { ...this.#headers(credentials), "content-type": form.contentType, "content-length": String(form.contentLength) },
          maxRedirects: 0,
          answerTimeoutMs: ANSWER_TIMEOUT_MS,
        });
        answer = { status: response.status, reason: response.reason, location: response.headers.location ?? null, body: await readBody(response) };
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        if (attempt >= attempts) throw new UploadNetworkError(`Could not reach ${redactUrl(this.url)}: ${err.reason}`, { cause: err });
        this.#options.onRetry?.(err.reason, attempt, attempts - 1);
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
      const response = await this.#http.request(url, { headers: { ...this.#headers(credentials), accept: "application/json" }, maxRedirects: 0 });
      if (response.status !== 200) {
        await response.dump();
        return false;
      }
      const data = JSON.parse(await response.text()) as { urls?: Array<{ filename?: unknown }> };
      return (data.urls ?? []).some((f) => f.filename === pkg.filename);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  #headers(credentials: BasicCredentials | null): Record<string, string> {
    return credentials ? { authorization: authorizationHeader(credentials) } : {};
  }
}

/** The first MAX_BODY bytes of the answer, as text; the rest is not waited for. */
async function readBody(response: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
      size += (chunk as Buffer).length;
      if (size >= MAX_BODY) break;
    }
  } catch (err) {
    throw new NetworkError(redactUrl(response.url), describeNetworkError(err), { cause: err });
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString("utf8");
}
