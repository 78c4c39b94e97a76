// Record signatures from PKWARE's APPNOTE.TXT (section 4.3), little-endian.
export const LOCAL_FILE_HEADER = 0x04034b50;
export const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
export const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
export const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
export const ZIP64_END_LOCATOR = 0x07064b50;
export const DATA_DESCRIPTOR = 0x08074b50;

export const ALL_SIGNATURES = [
  LOCAL_FILE_HEADER,
  CENTRAL_DIRECTORY_HEADER,
  END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_OF_CENTRAL_DIRECTORY,
  ZIP64_END_LOCATOR,
  DATA_DESCRIPTOR,
];

/** Fixed sizes of records, without their variable-length tails. */
export const LOCAL_FILE_HEADER_SIZE = 30;
export const CENTRAL_DIRECTORY_HEADER_SIZE = 46;
export const END_OF_CENTRAL_DIRECTORY_SIZE = 22;
export const ZIP64_END_OF_CENTRAL_DIRECTORY_SIZE = 56;
export const ZIP64_END_LOCATOR_SIZE = 20;

/** Extra field id of the ZIP64 extended information (APPNOTE 4.5.3). */
export const ZIP64_EXTRA_ID = 0x0001;

export function readUInt64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  // Offsets beyond 2^53 cannot be addressed in a file we were able to store.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

export function containsSignature(bytes: Buffer): boolean {
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (ALL_SIGNATURES.includes(bytes.readUInt32LE(i))) return true;
  }
  return false;
}
