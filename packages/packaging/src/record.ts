/**
 * RECORD files (PEP 376; binary distribution format, "The .dist-info directory"): CSV rows of
 * `path,hash,size`, hashes as `sha256=<urlsafe base64 without padding>`. The spec says RECORD
 * is read and written with Python's csv module (default dialect), so ours writes as it does
 * (QUOTE_MINIMAL: only fields holding `,`, `"`, CR or LF are quoted; `\r\n` line ends) and
 * reads as it does (a quote opens a quoted field only at the field's start).
 */
import { createHash } from "node:crypto";

export interface RecordRow {
  /** `/`-separated, relative to the lib directory (may start with `../`). */
  path: string;
  /** `algorithm=digest`, or "" (RECORD itself, .pyc written by pip). */
  hash: string;
  /** Byte count as written, or "". */
  size: string;
}

/** Parses RECORD text; tolerates both line ends, quoted fields and short rows. */
export function parseRecord(text: string): RecordRow[] {
  const rows: RecordRow[] = [];
  for (const fields of parseCsv(text)) {
    if (fields.length === 0 || (fields.length === 1 && fields[0] === "")) continue;
    rows.push({ path: fields[0] ?? "", hash: fields[1] ?? "", size: fields[2] ?? "" });
  }
  return rows;
}

/** Formats rows sorted by path, as pip's `_normalized_outrows` does. */
export function formatRecord(rows: readonly RecordRow[]): string {
  const sorted = [...rows].sort((a, b) => compareStrings(a.path, b.path) || compareStrings(a.hash, b.hash) || compareStrings(a.size, b.size));
  return sorted.map((r) => `${[r.path, r.hash, r.size].map(csvField).join(",")}\r\n`).join("");
}

/** PEP 376: `sha256=` + urlsafe base64 of the digest, without `=` padding. */
export function recordHash(data: Buffer | Uint8Array): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

// Python sorts str by code point; localeCompare would not.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      if (c === "\r" && text[i + 1] === "\n") i++;
    } else field += c;
    i++;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
