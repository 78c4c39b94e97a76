export { BlobNotFound, BlobSizeMismatch, InvalidBlobKey } from "./blob-store.ts";
export type { BlobInfo, BlobStore, ByteRange, ListedBlob, PutOptions } from "./blob-store.ts";
export { checkBlobKey, checkBlobPrefix } from "./blob-key.ts";
export { FsBlobStore } from "./fs-blob-store.ts";
export type { FsBlobStoreOptions } from "./fs-blob-store.ts";
export { S3BlobStore } from "./s3-blob-store.ts";
export type { S3BlobStoreOptions } from "./s3-blob-store.ts";
export { createBlobStore } from "./create-blob-store.ts";
export type { BlobStoreConfig } from "./create-blob-store.ts";
