/**
 * An in-memory ResolverProvider for the resolver's tests: a table of name → version → dependencies.
 */
import { Version, canonicalizeName, parseRequirement, type NormalizedName, type Requirement } from "@wheelhouse/packaging";
import type { Candidate, DistFile, ResolverProvider } from "../src/core/types.ts";
import type { UrlCandidateProvider } from "../src/core/resolver/resolve.ts";

/** A version's dependencies (PEP 508 strings), or the details of a release. */
export type FakeRelease = string[] | { deps?: string[]; yanked?: string | true; url?: string };

/** name → version → release. */
export type FakeIndex = Record<string, Record<string, FakeRelease>>;

export interface FakeProviderOptions {
  /** Milliseconds each call waits, to simulate a network. */
  latency?: number;
  /** Candidates only reachable by a direct URL: url → [name, version, deps]. */
  urls?: Record<string, { name: string; version: string; deps?: string[] }>;
}

export class FakeProvider implements ResolverProvider, UrlCandidateProvider {
  readonly candidateCalls: string[] = [];
  readonly dependencyCalls: string[] = [];
  /** The most dependencies() calls that were in flight at once. */
  maxInFlight = 0;
  #inFlight = 0;
  readonly #candidates = new Map<NormalizedName, Candidate[]>();
  readonly #deps = new Map<Candidate, Requirement[]>();
  readonly #urls = new Map<string, Candidate>();
  readonly #latency: number;

  constructor(index: FakeIndex, options: FakeProviderOptions = {}) {
    this.#latency = options.latency ?? 0;
    for (const [rawName, versions] of Object.entries(index)) {
      const name = canonicalizeName(rawName);
      const list: Candidate[] = [];
      for (const [version, release] of Object.entries(versions)) {
        const r = Array.isArray(release) ? { deps: release } : release;
        const yanked = r.yanked === undefined ? false : r.yanked === true ? "" : r.yanked;
        const c = makeCandidate(name, version, yanked, r.url);
        list.push(c);
        this.#deps.set(c, (r.deps ?? []).map(parseRequirement));
      }
      list.sort((a, b) => b.version.compare(a.version));
      this.#candidates.set(name, list);
    }
    for (const [url, u] of Object.entries(options.urls ?? {})) {
      const c = makeCandidate(canonicalizeName(u.name), u.version, false, url);
      this.#urls.set(url, c);
      this.#deps.set(c, (u.deps ?? []).map(parseRequirement));
    }
  }

  async candidates(name: NormalizedName): Promise<Candidate[]> {
    this.candidateCalls.push(name);
    await this.#wait();
    return this.#candidates.get(name) ?? [];
  }

  async dependencies(candidate: Candidate): Promise<Requirement[]> {
    this.dependencyCalls.push(`${candidate.name}==${candidate.version}`);
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      await this.#wait();
      const deps = this.#deps.get(candidate);
      if (deps === undefined) throw new Error(`unknown candidate ${candidate.name} ${candidate.version}`);
      return deps;
    } finally {
      this.#inFlight--;
    }
  }

  async candidateForUrl(name: NormalizedName, url: string): Promise<Candidate | null> {
    const c = this.#urls.get(url.split("#", 1)[0]!);
    return c !== undefined && c.name === name ? c : null;
  }

  async #wait(): Promise<void> {
    if (this.#latency > 0) await new Promise((r) => setTimeout(r, this.#latency));
  }
}

function makeCandidate(name: NormalizedName, version: string, yanked: false | string, url?: string): Candidate {
  const filename = `${name.replace(/-/g, "_")}-${version}-py3-none-any.whl`;
  const file: DistFile = {
    filename,
    url: url ?? `https://files.example.test/${name}/${filename}`,
    hashes: {},
    requiresPython: null,
    yanked,
    coreMetadata: false,
    source: `https://index.example.test/simple/${name}/`,
    kind: "wheel",
  };
  return { name, version: new Version(version), files: [file], yanked: yanked !== false };
}
