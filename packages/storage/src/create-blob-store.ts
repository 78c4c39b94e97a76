import type { BlobStore } from "./blob-store.ts";
import { FsBlobStore } from "./fs-blob-store.ts";
import { S3BlobStore, type S3BlobStoreOptions } from "./s3-blob-store.ts";

export type BlobStoreConfig = { driver: "fs"; root: string } | ({ driver: "s3" } & S3BlobStoreOptions);

/** The configured driver. Call `ensureReady()` on the result once at start. */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.driver) {
    case "fs":
      return new FsBlobStore(config.root);
    case "s3":
      return new S3BlobStore(config);
  }
}
