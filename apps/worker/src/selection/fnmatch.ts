// Python's fnmatch over PEP 503 normalized names: `*`, `?`, `[seq]`, `[!seq]`.
import { canonicalizeName } from "@wheelhouse/packaging";

export function fnmatchRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) out += "\\[";
      else {
        let body = pattern.slice(i + 1, close);
        body = body.startsWith("!") ? `^${body.slice(1)}` : body;
        out += `[${body.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** A name matcher for names or patterns; both sides compared in normalized form. */
export function nameMatcher(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const globs: RegExp[] = [];
  for (const p of patterns) {
    if (/[*?[]/.test(p)) globs.push(fnmatchRegExp(normalizePattern(p)));
    else exact.add(canonicalizeName(p));
  }
  return (name) => {
    const n = canonicalizeName(name);
    return exact.has(n) || globs.some((g) => g.test(n));
  };
}

/** PEP 503 normalization that leaves the wildcard characters alone. */
function normalizePattern(p: string): string {
  return p.toLowerCase().replace(/[-_.]+/g, "-");
}
