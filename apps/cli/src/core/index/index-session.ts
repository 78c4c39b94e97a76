// The index layer wired from a command's options: one HTTP client, one page reader, one download
// cache and one metadata fetcher per run, shared by everything the command does.
import type { TargetEnvironment } from "../types.ts";
import type { Options } from "../config/options.ts";
import { Downloader, type ProgressCallback } from "./downloader.ts";
import { HttpClient, type CredentialProvider } from "../net/http-client.ts";
import { IndexClient } from "./index-client.ts";
import { MetadataFetcher } from "./metadata-fetcher.ts";
import { PackageFinder } from "../finder/package-finder.ts";

/** The options the index layer reads. */
export type IndexOptions = Pick<
  Options,
  | "indexUrl"
  | "extraIndexUrls"
  | "noIndex"
  | "findLinks"
  | "cacheDir"
  | "noCacheDir"
  | "timeout"
  | "retries"
  | "trustedHosts"
  | "cert"
  | "clientCert"
  | "proxy"
  | "pre"
  | "onlyBinary"
  | "noBinary"
  | "ignoreRequiresPython"
>;

export interface IndexSessionInit {
  options: IndexOptions;
  credentials?: CredentialProvider | null;
  cwd: string;
  /** pip's "Could not fetch URL …" notes. */
  onWarning?: (message: string) => void;
  onProgress?: ProgressCallback;
  /** URL redaction for messages (the auth module's `redactUrl`). */
  redact?: (url: string) => string;
}

export class IndexSession {
  readonly cacheDir: string | null;
  readonly http: HttpClient;
  readonly index: IndexClient;
  readonly downloader: Downloader;
  readonly metadata: MetadataFetcher;
  readonly #options: IndexOptions;

  constructor(init: IndexSessionInit) {
    const { options, cwd } = init;
    this.#options = options;
    this.cacheDir = options.noCacheDir ? null : options.cacheDir;
    this.http = new HttpClient({
      credentials: init.credentials ?? null,
      timeout: options.timeout,
      retries: options.retries,
      trustedHosts: options.trustedHosts,
      cert: options.cert,
      clientCert: options.clientCert,
      proxy: options.proxy,
      cwd,
      ...(init.redact ? { redact: init.redact } : {}),
    });
    this.index = new IndexClient({
      http: this.http,
      cacheDir: this.cacheDir,
      cwd,
      trustedHosts: options.trustedHosts,
      ...(init.onWarning ? { onWarning: init.onWarning } : {}),
    });
    this.downloader = new Downloader({ http: this.http, cacheDir: this.cacheDir, cwd, ...(init.onProgress ? { onProgress: init.onProgress } : {}) });
    this.metadata = new MetadataFetcher({ http: this.http, cacheDir: this.cacheDir, downloader: this.downloader, cwd });
  }

  /** `--index-url` and `--extra-index-url`s, none with `--no-index`. */
  get indexUrls(): string[] {
    return this.#options.noIndex ? [] : [this.#options.indexUrl, ...this.#options.extraIndexUrls];
  }

  /** A finder for one target (its tags and Python version). */
  finder(target: Pick<TargetEnvironment, "tags" | "pythonFullVersion">, allowPrereleases?: PackageFinderInit["allowPrereleases"]): PackageFinder {
    return new PackageFinder({
      index: this.index,
      indexUrls: this.indexUrls,
      findLinks: this.#options.findLinks,
      target,
      formatControl: { onlyBinary: this.#options.onlyBinary, noBinary: this.#options.noBinary },
      pre: this.#options.pre,
      ignoreRequiresPython: this.#options.ignoreRequiresPython,
      ...(allowPrereleases ? { allowPrereleases } : {}),
    });
  }

  /** Closes connections and removes the temporary download directory (without a cache). */
  async close(): Promise<void> {
    await Promise.all([this.http.close(), this.downloader.close()]);
  }
}

type PackageFinderInit = ConstructorParameters<typeof PackageFinder>[0];
