// The two ways a mirror can fail a caller. Both messages are one sentence for a person.

/** The upstream index could not be reached, timed out, or answered with an error. */
export class UpstreamUnavailable extends Error {
  override readonly name: string = "UpstreamUnavailable";
  /** The URL without credentials. */
  readonly url: string;
  /** "HTTP 500", "timed out after 10 s", "connection reset", … */
  readonly reason: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(`Upstream ${url} is unavailable: ${reason}.`, options);
    this.url = url;
    this.reason = reason;
  }
}

/**
 * The URL is not one this mirror may fetch (not the upstream's origin nor a listed file host):
 * an upstream page or redirect pointing elsewhere. Retrying cannot help.
 */
export class UpstreamRefused extends UpstreamUnavailable {
  override readonly name = "UpstreamRefused";
}

/** Upstream served bytes whose sha256 is not the one it publishes; nothing was kept. */
export class UpstreamHashMismatch extends Error {
  override readonly name = "UpstreamHashMismatch";
  readonly filename: string;
  constructor(filename: string) {
    super(`The file ${filename} from upstream does not match its published sha256; it was not kept.`);
    this.filename = filename;
  }
}

/** The file id names no file of this mirror index. */
export class MirrorFileNotFound extends Error {
  override readonly name = "MirrorFileNotFound";
  constructor(indexName: string, fileId: number) {
    super(`No file with id ${fileId} in mirror index '${indexName}'.`);
  }
}
