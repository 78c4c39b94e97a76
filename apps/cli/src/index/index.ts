// index/: finding and fetching distributions — the HTTP client, index pages and find-links,
// the package finder, metadata without whole downloads, and the download cache.
export { HttpClient, WHEELHOUSE_VERSION, isLocalLocation, localPath, toFileUrl } from "./http-client.ts";
export type { BasicCredentials, CredentialProvider, HttpClientOptions, HttpRequestOptions, HttpResponse, UnauthorizedResponse } from "./http-client.ts";
export { IndexClient, SIMPLE_ACCEPT, isSecureOrigin, toDistFile } from "./index-client.ts";
export type { IndexClientOptions } from "./index-client.ts";
export { PackageFinder, allowedFormats, requiresPythonAllows } from "./package-finder.ts";
export type { FormatControl, PackageFinderOptions } from "./package-finder.ts";
export { MetadataFetcher, isStaticSdistMetadata } from "./metadata-fetcher.ts";
export type { MetadataFetcherOptions, MetadataSource } from "./metadata-fetcher.ts";
export { Downloader } from "./downloader.ts";
export type { DownloaderOptions, DownloadProgress, FetchOptions, ProgressCallback } from "./downloader.ts";
export { HashMismatch, HttpError, InvalidWheel, NetworkError, formatHashMismatches } from "./errors.ts";
export type { HashMismatchItem } from "./errors.ts";
export { SUPPORTED_HASHES, hashFile, matchesHashSet, normalizeHashSet } from "./hashing.ts";
export type { HashAlgorithm, HashSet } from "./hashing.ts";
export { redactUrl } from "./redact-url.ts";
export { cachedFilePath, metadataPath, pagePath } from "./cache-layout.ts";
export { cacheInfo, formatSize, listCachedDistributions, purgeCache, removeCachedDistributions } from "./cache-admin.ts";
export type { CacheArea, CacheInfo, CachedDistribution } from "./cache-admin.ts";
export { readWheelMetadata, withLocalFile } from "./wheel-zip.ts";
export { IndexSession } from "./index-session.ts";
export type { IndexOptions, IndexSessionInit } from "./index-session.ts";
export { findTarget, openSession } from "./command-support.ts";
export type { CommandTarget, IndexCommandDeps } from "./command-support.ts";
export type { RandomAccess } from "./wheel-zip.ts";
