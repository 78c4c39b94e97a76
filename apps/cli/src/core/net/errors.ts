import { CliError } from "../cli-error.ts";
// Typed failures of the HTTP client. Every URL in a message is redacted.

/** The server answered, but not with what was asked for (after retries, redirects and auth). */
export class HttpError extends CliError {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly statusText: string,
    /** Redacted. */
    readonly url: string,
  ) {
    // requests' wording, which pip shows: "404 Client Error: Not Found for url: …".
    super(`${status} ${status >= 500 ? "Server" : "Client"} Error: ${statusText || "HTTP error"} for url: ${url}`);
  }
}

/** The server could not be reached or the connection broke (after retries). */
export class NetworkError extends CliError {
  override readonly name = "NetworkError";
  constructor(
    /** Redacted. */
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`could not fetch ${url}: ${reason}`, options);
  }
}

/** A `--cert` / `--client-cert` file that cannot be read: a setting to fix, never retried. */
export class CertificateFileError extends CliError {
  override readonly name = "CertificateFileError";
}
