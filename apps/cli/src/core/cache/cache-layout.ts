// Where things live in the cache directory (pip's `--cache-dir`, default ~/.cache/wheelhouse):
//   pages/<aa>/<sha256(url)>.json           index pages with their validators (ETag, Last-Modified)
//   metadata/<aa>/<sha256 of file>.metadata core metadata, by the sha256 of the file it came from
//   files/<aa>/<sha256>/<filename>          downloaded wheels and sdists, content-addressed
//   files/urls/<aa>/<sha256(url)>           the sha256 of a download whose page gave none
//   tmp/                                    downloads in progress (renamed into files/ when verified)
import { createHash } from "node:crypto";
import { join } from "node:path";

export function sha256OfText(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function pagePath(cacheDir: string, url: string): string {
  const key = sha256OfText(url);
  return join(cacheDir, "pages", key.slice(0, 2), `${key}.json`);
}

export function metadataPath(cacheDir: string, fileSha256: string): string {
  return join(cacheDir, "metadata", fileSha256.slice(0, 2), `${fileSha256}.metadata`);
}

export function cachedFilePath(cacheDir: string, sha256: string, filename: string): string {
  return join(cacheDir, "files", sha256.slice(0, 2), sha256, filename);
}

export function urlPointerPath(cacheDir: string, url: string): string {
  const key = sha256OfText(url);
  return join(cacheDir, "files", "urls", key.slice(0, 2), key);
}

export function tempDir(cacheDir: string): string {
  return join(cacheDir, "tmp");
}
