// Python's fnmatch over PEP 503 normalized names: `*`, `?`, `[seq]`, `[!seq]`.
import { canonicalizeName, fnmatchSource } from "@wheelhouse/packaging";

export function fnmatchRegExp(pattern: string): RegExp {
  return new RegExp(`^${fnmatchSource(pattern)}$`);
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
