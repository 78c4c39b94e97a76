import type { BlobStore } from "./blob-store.ts";
import { FsBlobStore } from "./fs-blob-store.ts";
import { S3BlobStore } from "./s3-blob-store.ts";

export type BlobStoreConfig =
  | { driver: "fs"; root: string }
  | {
      driver: "s3";
      /** Full URL, e.g. http://127.0.0.1:9000. */
      endpoint: string;
      accessKey: string;
      secretKey: string;
      bucket: string;
      region?: string;
      pathStyle?: boolean;
    };

/** The configured driver. Call `ensureReady()` on the result once at start. */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.driver) {
    case "fs":
      return new FsBlobStore(config.root);
    case "s3":
      return new S3BlobStore(config);
  }
}
