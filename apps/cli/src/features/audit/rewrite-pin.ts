import { CliError } from "../../core/cli-error.ts";
/**
 * Rewrites one pin of a requirements file in place — `name==1.0` → `name==1.1` — and, when the
 * requirement carries `--hash` options, replaces them with the given digests (or drops them),
 * keeping the layout: hashes on continuation lines stay on continuation lines with the same
 * indentation, inline hashes stay inline. Every other byte of the file is kept. No I/O.
 */

/** One physical line and the line break after it ("" for the last line without one). */
interface PhysicalLine {
  body: string;
  eol: string;
}

const HASH_TOKEN = /\s*--hash(?:=|\s+)\S+/g;
const HAS_HASH = /(^|\s)--hash(?:=|\s+)\S+/;
const HASH_ONLY = /^\s*(?:--hash(?:=|\s+)\S+\s*)+$/;

export class PinNotFound extends CliError {
  override name = "PinNotFound";
}

/**
 * `text` with the requirement starting on physical line `line` (1-based, as the parser reports it)
 * pinned to `to` instead of `from`; `hashes` (`sha256:…`) replace its --hash options when it has
 * some (null: keep them; []: drop them). Throws PinNotFound when that line does not pin `from`.
 */
export function rewritePin(text: string, line: number, from: string, to: string, hashes: readonly string[] | null): string {
  const lines = splitLines(text);
  const start = line - 1;
  if (start < 0 || start >= lines.length) throw new PinNotFound(`line ${line} is past the end of the file`);
  let end = start;
  // pip's preprocess: a line ending in `\` continues on the next one, unless it is a comment.
  while (end + 1 < lines.length && lines[end]!.body.endsWith("\\") && !/^\s*#/.test(lines[end]!.body)) end++;
  const block = lines.slice(start, end + 1);

  const pin = new RegExp(`(===?\\s*)${escapeRegExp(from)}(?=\\s|;|,|\\\\|$)`);
  const at = block.findIndex((l) => pin.test(stripComment(l.body)));
  if (at === -1) throw new PinNotFound(`line ${line} does not pin ${from}`);
  block[at] = { ...block[at]!, body: block[at]!.body.replace(pin, (_m, op: string) => `${op}${to}`) };

  const hasHashes = block.some((l) => HAS_HASH.test(stripComment(l.body)));
  const rewritten = hasHashes && hashes !== null ? replaceHashes(block, hashes) : block;
  return joinLines([...lines.slice(0, start), ...rewritten, ...lines.slice(end + 1)]);
}

function replaceHashes(block: readonly PhysicalLine[], hashes: readonly string[]): PhysicalLine[] {
  const lastEol = block[block.length - 1]!.eol;
  const eol = block[0]!.eol || "\n";
  let suffix = " \\";
  let hashLineIndent: string | null = null;
  let hashLineAt = -1;
  let inlineAt = -1;
  const bodies: string[] = [];
  for (const [i, l] of block.entries()) {
    let body = l.body;
    const continued = /(\s*)\\$/.exec(body);
    if (continued) {
      suffix = continued[0];
      body = body.slice(0, continued.index);
    }
    if (i > 0 && HASH_ONLY.test(body)) {
      if (hashLineIndent === null) {
        hashLineIndent = /^\s*/.exec(body)![0];
        hashLineAt = bodies.length;
      }
      continue;
    }
    const [code, comment] = splitComment(body);
    const stripped = code.replace(HASH_TOKEN, "");
    if (stripped !== code && inlineAt === -1) inlineAt = bodies.length;
    bodies.push(stripped === code ? body : `${stripped.trimEnd()}${comment}`);
  }
  if (hashes.length > 0) {
    const options = hashes.map((h) => `--hash=${h}`);
    if (hashLineIndent !== null) bodies.splice(hashLineAt, 0, ...options.map((o) => `${hashLineIndent}${o}`));
    else {
      const [code, comment] = splitComment(bodies[inlineAt]!);
      bodies[inlineAt] = `${code.trimEnd()} ${options.join(" ")}${comment}`;
    }
  }
  return bodies.map((body, i) => (i < bodies.length - 1 ? { body: `${body}${suffix}`, eol } : { body, eol: lastEol }));
}

function splitLines(text: string): PhysicalLine[] {
  const parts = text.split(/(\r\n|\n|\r)/);
  const lines: PhysicalLine[] = [];
  for (let i = 0; i < parts.length; i += 2) lines.push({ body: parts[i]!, eol: parts[i + 1] ?? "" });
  // A file ending in a line break has no last line after it.
  if (lines.length > 1 && lines[lines.length - 1]!.body === "") lines.pop();
  return lines;
}

function joinLines(lines: readonly PhysicalLine[]): string {
  return lines.map((l) => l.body + l.eol).join("");
}

/** The line without a trailing ` # comment` (pip: `#` at the start or after whitespace). */
function stripComment(body: string): string {
  return splitComment(body)[0];
}

/** [the line before its comment, the comment with the whitespace before it]. */
function splitComment(body: string): [string, string] {
  const m = /(^|\s+)#.*$/.exec(body);
  return m ? [body.slice(0, m.index), body.slice(m.index)] : [body, ""];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
