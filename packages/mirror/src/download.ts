// A file fetch from upstream into storage, as the callers that start or join it see it.
import type { PassThrough } from "node:stream";

export interface StoredFile {
  storageKey: string;
  size: number;
  sha256: string;
}

export interface Download {
  /** Settles once upstream answered: with the byte count (null: neither upstream nor the page said), or with why it did not. */
  readonly started: Promise<{ size: number | null }>;
  /** The bytes as they arrive, for the caller that started the download (null for the others). */
  readonly live: PassThrough | null;
  /** Settles once the bytes are verified, stored and the File row points at them. */
  readonly done: Promise<StoredFile>;
}
