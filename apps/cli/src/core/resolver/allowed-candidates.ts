/**
 * Which of a project's candidates a set of requirements lets the resolver choose, in the order it
 * tries them. Pure: the candidates come in as values.
 */
import type { SpecifierSet, Version } from "@wheelhouse/packaging";
import type { Candidate } from "../types.ts";

export interface AllowedCandidatesOptions {
  /** --pre (or the per-name policy): pre-releases are as good as final releases. */
  prereleases: boolean;
  /** The installed version to prefer (pip keeps it unless upgrading), or null. */
  preferVersion: Version | null;
}

/**
 * The candidates of `all` (newest first) that satisfy `specifier`, best first.
 *
 * - PEP 440: pre-releases only with `prereleases`, when a clause names a pre-release, or when
 *   nothing but pre-releases matches (SpecifierSet.filter's rule, as pip's finder applies it).
 * - PEP 592: a yanked candidate only when a clause pins its version exactly (`==V` or `===V`).
 * - The preferred (installed) version goes first when the specifier admits it; like pip, an
 *   installed distribution is not subject to the pre-release or yanked rules.
 */
export function allowedCandidates(all: readonly Candidate[], specifier: SpecifierSet, options: AllowedCandidatesOptions): Candidate[] {
  const matching = new Set<Version>(
    specifier.filter(
      all.map((c) => c.version),
      { prereleases: options.prereleases ? true : undefined },
    ),
  );
  const out = all.filter((c) => matching.has(c.version) && (!c.yanked || pinsExactly(specifier, c.version)));
  const prefer = options.preferVersion;
  if (prefer !== null) {
    const installed = all.find((c) => c.version.equals(prefer));
    if (installed !== undefined && specifier.contains(installed.version, { prereleases: true })) {
      return [installed, ...out.filter((c) => c !== installed)];
    }
  }
  return out;
}

/** The candidates a direct URL requirement allows: those offered at that URL whose version fits. */
export function urlCandidates(pool: readonly Candidate[], specifier: SpecifierSet): Candidate[] {
  // An explicit URL is what the user asked for: no pre-release or yanked policy applies (as pip).
  return pool.filter((c) => specifier.contains(c.version, { prereleases: true }));
}

/** Whether some clause pins exactly this version: `==V` (not a `.*` prefix) or `===V`. */
export function pinsExactly(specifier: SpecifierSet, version: Version): boolean {
  for (const s of specifier) {
    if (s.operator === "===" && s.admits(version.toString())) return true;
    if (s.operator === "==" && !s.version.endsWith(".*") && s.admits(version)) return true;
  }
  return false;
}

/** Whether the set holds an exact pin at all (for the order in which names are decided). */
export function isPinned(specifier: SpecifierSet): boolean {
  for (const s of specifier) {
    if (s.operator === "===" || (s.operator === "==" && !s.version.endsWith(".*"))) return true;
  }
  return false;
}

/** A URL without its fragment (`#sha256=…`, `#egg=…`), for comparing a requirement's URL with a file's. */
export function urlWithoutFragment(url: string): string {
  const hash = url.indexOf("#");
  return hash === -1 ? url : url.slice(0, hash);
}

/** The default URL hook: a candidate matches a `name @ url` requirement when one of its files is at that URL. */
export function candidateHasUrl(candidate: Candidate, url: string): boolean {
  const wanted = urlWithoutFragment(url);
  return candidate.files.some((f) => urlWithoutFragment(f.url) === wanted);
}
