// Minimal types for the parts of s3rver (a fake S3 server, dev dependency) our tests use.
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  interface S3rverObject {
    bucket: string;
    key: string;
    content: NodeJS.ReadableStream | null;
    range?: { start: number; end: number };
  }

  interface S3rverStore {
    getResourcePath(bucket: string, key: string, resource: string): string;
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<S3rverObject | null>;
    listObjects(bucket: string, options: object): Promise<{ objects: S3rverObject[] }>;
    putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
    /** Its FilesystemStore (internal API; the tests patch two of its bugs). */
    store: S3rverStore;
    /** Koa's request listener: mount on any http.Server. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
