/**
 * The WHEEL file of a wheel's .dist-info directory (PEP 427, binary distribution format):
 * email-style headers `Wheel-Version`, `Generator`, `Root-Is-Purelib`, `Tag` (repeated), `Build`.
 * Read as pip reads it (email.parser): headers end at the first blank line or the first line
 * that is not a header, and the first value of a name wins.
 */

export type WheelFileProblem = "missing-version" | "invalid-version" | "unsupported-version";

export class InvalidWheelFile extends Error {
  override name = "InvalidWheelFile";
  constructor(
    readonly problem: WheelFileProblem,
    /** The Wheel-Version as written (trimmed); null when there is none. */
    readonly value: string | null,
  ) {
    super(
      problem === "missing-version"
        ? "WHEEL has no Wheel-Version"
        : problem === "invalid-version"
          ? `WHEEL has an invalid Wheel-Version ${JSON.stringify(value)}`
          : `Wheel-Version ${value} is not supported`,
    );
  }
}

export interface WheelFile {
  /** As written, trimmed. */
  wheelVersion: string;
  /** `1.0` → [1, 0]. */
  version: number[];
  generator: string | null;
  /** `Root-Is-Purelib: true` (any case); false when absent. */
  rootIsPurelib: boolean;
  /** Every `Tag:` value, in order. */
  tags: string[];
  build: string | null;
}

export interface ParseWheelFileOptions {
  /**
   * Upload rules (what PyPI accepts): Wheel-Version is exactly `major.minor` and the major is 1.
   * Without it, installer rules (pip's): dot-separated integers, a major above 1 refused (PEP 427:
   * an installer must refuse a newer major version), 0.x accepted.
   */
  strict?: boolean;
}

// The header name rule of the core metadata reader (metadata.ts): printable ASCII but ':'.
const HEADER_RE = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/;

/** Parses WHEEL text. Throws InvalidWheelFile for a missing, malformed or unsupported Wheel-Version. */
export function parseWheelFile(text: string, options: ParseWheelFileOptions = {}): WheelFile {
  const headers = readHeaders(text);
  const first = (name: string): string | null => headers.get(name)?.[0] ?? null;
  const wheelVersion = first("wheel-version");
  if (wheelVersion === null) throw new InvalidWheelFile("missing-version", null);
  const format = options.strict ? /^\d+\.\d+$/ : /^\d+(?:\.\d+)*$/;
  if (!format.test(wheelVersion)) throw new InvalidWheelFile("invalid-version", wheelVersion);
  const version = wheelVersion.split(".").map(Number);
  const major = version[0]!;
  const unsupported = options.strict ? wheelVersion.split(".")[0] !== "1" : major > 1;
  if (unsupported) throw new InvalidWheelFile("unsupported-version", wheelVersion);
  return {
    wheelVersion,
    version,
    generator: first("generator"),
    rootIsPurelib: (first("root-is-purelib") ?? "").toLowerCase() === "true",
    tags: headers.get("tag") ?? [],
    build: first("build"),
  };
}

/** Header values by lowercase name, in order. */
function readHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: { name: string; index: number } | null = null;
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === "") break;
    if (/^[ \t]/.test(line)) {
      // A folded continuation of the previous header.
      if (last === null) break;
      const values = headers.get(last.name)!;
      values[last.index] = `${values[last.index]} ${line.trim()}`.trim();
      continue;
    }
    const match = HEADER_RE.exec(line);
    if (!match) break;
    const name = match[1]!.toLowerCase();
    const values = headers.get(name) ?? [];
    values.push(match[2]!.trim());
    headers.set(name, values);
    last = { name, index: values.length - 1 };
  }
  return headers;
}
