// RFC 9110 byte ranges, the single-range subset installers use: `bytes=a-b`, `bytes=a-` and
// the suffix form `bytes=-N` that pip's lazy wheel sends to read a wheel's central directory.
// Several ranges in one header are answered with the whole file, which RFC 9110 allows.

export type RangeResult = { start: number; end: number } | "unsatisfiable" | null;

export function parseByteRange(header: string | undefined, size: number): RangeResult {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first, last] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size) return "unsatisfiable";
  if (end < start) return null;
  return { start, end };
}
