import { invalidFile } from "./invalid-distribution.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Core metadata is UTF-8 (core metadata spec, since Metadata-Version 2.1 in
 * practice for everything): anything else is refused here rather than
 * mis-decoded later. A leading BOM is dropped.
 */
export function decodeMetadataText(bytes: Uint8Array, path: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidFile(`${path} is not valid UTF-8.`);
  }
}
