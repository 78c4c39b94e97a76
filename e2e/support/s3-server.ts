// An S3-compatible server on loopback for the e2e registry: the storage package's patched s3rver.
import { S3RVER_CREDENTIALS, startS3rver } from "@wheelhouse/storage/testing";

export interface TestS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<TestS3> {
  const server = await startS3rver();
  return { ...S3RVER_CREDENTIALS, ...server };
}
