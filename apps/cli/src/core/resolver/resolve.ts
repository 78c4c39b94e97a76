/**
 * A backtracking resolver in the manner of resolvelib (pip): pick the next undecided project by
 * preference, try its candidates best first, fold each candidate's dependencies into the
 * requirements, and when a candidate leaves some project with nothing to choose, try the next.
 *
 * When every candidate of a project fails, the search jumps back — not simply to the previous
 * decision, but to the latest decision that took part in the failure (conflict-directed
 * backjumping). Each requirement remembers which decisions it exists because of, so the set of
 * decisions behind a failure is known, and decisions that had nothing to do with it are not
 * retried. This keeps the search complete (it fails only when no solution exists) while skipping
 * most of the search space a plain chronological backtracker would revisit.
 *
 * No I/O of its own: candidates and dependencies come from a ResolverProvider (uv's provider
 * seam), fetched lazily, and prefetched for the projects likely to be decided next.
 */
import {
  SpecifierSet,
  canonicalizeName,
  tryParseVersion,
  type MarkerEnvironment,
  type NormalizedName,
  type Requirement,
  type Version,
} from "@wheelhouse/packaging";
import type { Candidate, Resolution, ResolverProvider } from "../types.ts";
import { allowedCandidates, candidateHasUrl, isPinned, urlCandidates, urlWithoutFragment } from "./allowed-candidates.ts";
import { ResolutionImpossible, ResolutionTooDeep, formatConflict, formatNoMatchingDistribution, type ConflictCause } from "./resolution-impossible.ts";

export interface SourcedRequirement {
  requirement: Requirement;
  /** Where it was written, for messages: "requirements.txt:3", "command line". */
  source: string;
}

export interface ResolveRequest {
  requirements: SourcedRequirement[];
  /** -c: limit the versions of projects that something else requires; never add projects. */
  constraints: SourcedRequirement[];
  /**
   * Markers are evaluated here. A requirement whose marker is false is dropped; a dependency's
   * `extra == "x"` holds when "x" is among the extras requested of the package it belongs to.
   */
  environment: MarkerEnvironment;
  /** --pre, for all or per project. Without it, PEP 440's rule applies (see allowed-candidates.ts). */
  allowPrereleases: boolean | ((name: NormalizedName) => boolean);
  /** Already installed versions: preferred when they satisfy (pip keeps them unless -U). */
  installed?: Map<NormalizedName, string>;
  /**
   * -U: true upgrades the projects the user named (their installed version is not preferred);
   * dependencies are only upgraded when needed (pip's default only-if-needed strategy). A set
   * names the projects to upgrade.
   */
  upgrade?: boolean | Set<NormalizedName>;
  /** Don't follow dependencies (--no-deps). */
  noDeps?: boolean;
}

/**
 * What a provider may add for direct URL requirements (`name @ url`): the candidate found at that
 * URL (a local wheel, an sdist built to learn its metadata…), or null when there is none. Without
 * it, a URL requirement selects the provider's candidates that have a file at that URL.
 */
export interface UrlCandidateProvider {
  candidateForUrl?(name: NormalizedName, url: string): Promise<Candidate | null>;
}

export interface ResolveOptions {
  /** Stop with ResolutionTooDeep after this many candidate attempts (default 200000, as pip). */
  maxRounds?: number;
  /** Progress and notices ("Ignoring foo: markers … don't match your environment"). */
  onProgress?: (msg: string) => void;
  /** How many of the next projects' best candidates to prefetch dependencies for (default 8). */
  prefetch?: number;
  /**
   * Called each time a candidate is pinned (it may later be abandoned on backtracking): lets the
   * caller start work on it, such as downloading its file, while the resolution goes on.
   */
  onPin?: (candidate: Candidate) => void;
}

/** The resolution plus what the user should be told about it (PEP 592 yanked picks). */
export interface ResolveResult extends Resolution {
  warnings: string[];
}

/** Resolves `request`; throws ResolutionImpossible (with an explanation) or ResolutionTooDeep. */
export async function resolve(request: ResolveRequest, provider: ResolverProvider & UrlCandidateProvider, opts: ResolveOptions = {}): Promise<ResolveResult> {
  return new Resolver(request, provider, opts).run();
}

// ---- internals ----

/** A requirement on a project and why it is there. */
interface Info {
  requirement: Requirement;
  /** The candidate it is a dependency of; null for the user's requirements. */
  parent: Candidate | null;
  source: string | null;
  /**
   * The decided projects this requirement exists because of: its parent, and for a dependency
   * behind an extra, whoever asked for the extra. Over-approximating is safe (it only shortens
   * backjumps); leaving one out would not be.
   */
  causes: readonly NormalizedName[];
  /** Requested extras, PEP 685-normalized. */
  extras: readonly string[];
}

/** Everything required of one project so far. Immutable: adding a requirement makes a new one. */
interface Criterion {
  readonly name: NormalizedName;
  readonly infos: readonly Info[];
  readonly extras: ReadonlySet<string>;
  /** The intersection of every requirement's and constraint's specifiers. */
  readonly specifier: SpecifierSet;
  /** The direct URL asked for (without fragment), if any. */
  readonly url: string | null;
  /** Two different URLs were asked for. */
  readonly urlConflict: boolean;
  /** The candidates these requirements allow, best first. */
  readonly allowed: readonly Candidate[];
}

interface State {
  criteria: Map<NormalizedName, Criterion>;
  pins: Map<NormalizedName, Candidate>;
}

/** One decision: which candidate of `name` to pin, with what is left to try. */
interface Frame {
  name: NormalizedName;
  /** The state before the pin; restored before each candidate is tried. */
  base: State;
  candidates: readonly Candidate[];
  next: number;
  /** Earlier decisions that took part in the failures of this frame's candidates. */
  conflictSet: Set<NormalizedName>;
  /** The clashing requirements behind those failures, for the explanation. */
  causes: ConflictCause[];
}

/** A candidate could not be pinned: the requirements on `name` leave nothing (or exclude its pin). */
interface Conflict {
  name: NormalizedName;
  decisions: Set<NormalizedName>;
  causes: ConflictCause[];
}

const DEFAULT_MAX_ROUNDS = 200_000;
const DEFAULT_PREFETCH = 8;

class Resolver {
  readonly #request: ResolveRequest;
  readonly #provider: ResolverProvider & UrlCandidateProvider;
  readonly #maxRounds: number;
  readonly #prefetch: number;
  readonly #progress: (msg: string) => void;
  readonly #onPin: (candidate: Candidate) => void;

  /** Fetched candidates, newest first (in flight and settled). */
  readonly #candidateFetches = new Map<NormalizedName, Promise<Candidate[]>>();
  readonly #candidates = new Map<NormalizedName, Candidate[]>();
  readonly #urlFetches = new Map<string, Promise<Candidate | null>>();
  readonly #urlCandidates = new Map<string, Candidate | null>();
  readonly #dependencies = new Map<Candidate, Promise<Requirement[]>>();
  readonly #allowedCache = new Map<string, Candidate[]>();

  readonly #constraints = new Map<NormalizedName, SourcedRequirement[]>();
  readonly #constraintSpecifiers = new Map<NormalizedName, SpecifierSet>();
  readonly #constraintUrls = new Map<NormalizedName, string[]>();
  /** Position of the first user requirement naming a project. */
  readonly #userOrder = new Map<NormalizedName, number>();

  #state: State = { criteria: new Map(), pins: new Map() };
  readonly #frames: Frame[] = [];
  /** Projects named in the latest conflict: decided first next time (pip's backtrack causes). */
  #backtrackCauses = new Set<NormalizedName>();
  readonly #announced = new Set<NormalizedName>();
  #rounds = 0;

  constructor(request: ResolveRequest, provider: ResolverProvider & UrlCandidateProvider, opts: ResolveOptions) {
    this.#request = request;
    this.#provider = provider;
    this.#maxRounds = opts.maxRounds ?? DEFAULT_MAX_ROUNDS;
    this.#prefetch = opts.prefetch ?? DEFAULT_PREFETCH;
    this.#progress = opts.onProgress ?? (() => {});
    this.#onPin = opts.onPin ?? (() => {});
  }

  async run(): Promise<ResolveResult> {
    await this.#addUserRequirements();
    for (;;) {
      const name = this.#pickNext();
      if (name === null) return this.#result();
      const criterion = this.#state.criteria.get(name)!;
      let frame: Frame = {
        name,
        base: cloneState(this.#state),
        candidates: criterion.allowed,
        next: 0,
        conflictSet: new Set(),
        causes: [],
      };
      this.#frames.push(frame);
      while (!(await this.#pinNextCandidate(frame))) frame = this.#backjump(frame);
    }
  }

  // ---- the user's requirements ----

  async #addUserRequirements(): Promise<void> {
    const { requirements, constraints, environment } = this.#request;
    for (const c of constraints) {
      if (c.requirement.marker !== null && !c.requirement.marker.evaluate(environment, [])) continue;
      const name = c.requirement.normalizedName;
      push(this.#constraints, name, c);
      const spec = this.#constraintSpecifiers.get(name);
      this.#constraintSpecifiers.set(name, spec === undefined ? c.requirement.specifier : spec.and(c.requirement.specifier));
      if (c.requirement.url !== null) push(this.#constraintUrls, name, urlWithoutFragment(c.requirement.url));
    }
    const infos: Info[] = [];
    for (const r of requirements) {
      const req = r.requirement;
      if (req.marker !== null && !req.marker.evaluate(environment, [])) {
        this.#progress(`Ignoring ${req.name}: markers '${req.marker.toString()}' don't match your environment`);
        continue;
      }
      const name = req.normalizedName;
      if (!this.#userOrder.has(name)) this.#userOrder.set(name, this.#userOrder.size);
      infos.push({ requirement: req, parent: null, source: r.source, causes: [], extras: normalizedExtras(req) });
    }
    const conflict = await this.#addRequirements(infos);
    if (conflict !== null) throw this.#impossible(conflict.causes);
  }

  // ---- choosing what to decide next ----

  /** The undecided project to decide next, or null when everything required is pinned. */
  #pickNext(): NormalizedName | null {
    const open: { name: NormalizedName; key: (number | string)[] }[] = [];
    for (const [name, c] of this.#state.criteria) {
      if (!this.#state.pins.has(name)) open.push({ name, key: this.#preference(c) });
    }
    if (open.length === 0) return null;
    open.sort((a, b) => compareKeys(a.key, b.key));
    // Hide latency: ask for the dependencies of the next few projects' best candidates now.
    if (!this.#request.noDeps) {
      for (const { name } of open.slice(0, 1 + this.#prefetch)) {
        const best = this.#state.criteria.get(name)!.allowed[0];
        if (best !== undefined) void this.#dependenciesOf(best);
      }
    }
    return open[0]!.name;
  }

  /**
   * Like pip's get_preference (smaller first): direct URLs, then exact pins, then the projects
   * behind the latest conflict, then fewer candidates, then what the user asked for (in order),
   * then the name for determinism.
   */
  #preference(c: Criterion): (number | string)[] {
    return [
      c.url !== null ? 0 : 1,
      isPinned(c.specifier) ? 0 : 1,
      this.#backtrackCauses.has(c.name) ? 0 : 1,
      c.allowed.length,
      this.#userOrder.get(c.name) ?? Number.MAX_SAFE_INTEGER,
      c.name,
    ];
  }

  // ---- trying candidates ----

  /** Tries the frame's remaining candidates in order; true once one is pinned without conflict. */
  async #pinNextCandidate(frame: Frame): Promise<boolean> {
    while (frame.next < frame.candidates.length) {
      const candidate = frame.candidates[frame.next++]!;
      if (++this.#rounds > this.#maxRounds) throw new ResolutionTooDeep(this.#maxRounds);
      if (frame.next > 1 && !this.#announced.has(frame.name)) {
        this.#announced.add(frame.name);
        this.#progress(
          `Looking at multiple versions of ${frame.name} to determine which version is compatible with other requirements. This could take a while.`,
        );
      }
      this.#state = cloneState(frame.base);
      const conflict = await this.#pin(candidate);
      if (conflict === null) return true;
      for (const d of conflict.decisions) frame.conflictSet.add(d);
      frame.causes.push(...conflict.causes);
      this.#backtrackCauses = new Set([conflict.name, ...conflict.causes.map((c) => c.requirement.normalizedName)]);
    }
    return false;
  }

  /** Pins `candidate` and folds in its dependencies; the conflict when they cannot all hold. */
  async #pin(candidate: Candidate): Promise<Conflict | null> {
    const criterion = this.#state.criteria.get(candidate.name)!;
    this.#state.pins.set(candidate.name, candidate);
    this.#onPin(candidate);
    if (this.#request.noDeps) return null;
    const deps = await this.#dependenciesOf(candidate);
    return this.#addRequirements(this.#dependencyInfos(candidate, criterion, deps, null));
  }

  /**
   * The dependencies of `candidate` that hold here for its extras; with `already` (the extras it
   * had before), only those that were not already followed.
   */
  #dependencyInfos(candidate: Candidate, criterion: Criterion, deps: readonly Requirement[], already: ReadonlySet<string> | null): Info[] {
    const env = this.#request.environment;
    const extras = [...criterion.extras];
    const holds = (r: Requirement, xs: readonly string[]): boolean => r.marker === null || r.marker.evaluate(env, xs.length > 0 ? ["", ...xs] : []);
    // A dependency behind an extra is there because someone asked for the extra.
    let extraCauses: NormalizedName[] | null = null;
    const out: Info[] = [];
    for (const requirement of deps) {
      if (!holds(requirement, extras)) continue;
      if (already !== null && holds(requirement, [...already])) continue;
      let causes: readonly NormalizedName[] = [candidate.name];
      if (!holds(requirement, [])) {
        extraCauses ??= [candidate.name, ...new Set(criterion.infos.filter((i) => i.extras.length > 0).flatMap((i) => i.causes))];
        causes = extraCauses;
      }
      out.push({ requirement, parent: candidate, source: null, causes, extras: normalizedExtras(requirement) });
    }
    return out;
  }

  /**
   * Adds requirements to the state, following extras newly asked of pinned candidates. Stops at
   * the first project left with no candidate (or whose pin no longer fits).
   */
  async #addRequirements(infos: Info[]): Promise<Conflict | null> {
    let queue = infos;
    while (queue.length > 0) {
      await Promise.all(queue.map((i) => this.#fetchFor(i)));
      const more: Info[] = [];
      for (const info of queue) {
        const name = info.requirement.normalizedName;
        const before = this.#state.criteria.get(name);
        const criterion = this.#extend(name, before, info);
        this.#state.criteria.set(name, criterion);
        const pin = this.#state.pins.get(name);
        if (pin === undefined) {
          if (criterion.allowed.length === 0) return this.#conflict(criterion, false);
          continue;
        }
        if (!criterion.allowed.includes(pin)) return this.#conflict(criterion, true);
        const added = [...criterion.extras].filter((x) => !before?.extras.has(x));
        if (added.length > 0 && !this.#request.noDeps) {
          const deps = await this.#dependenciesOf(pin);
          more.push(...this.#dependencyInfos(pin, criterion, deps, before?.extras ?? new Set()));
        }
      }
      queue = more;
    }
    return null;
  }

  #conflict(criterion: Criterion, pinned: boolean): Conflict {
    const decisions = new Set<NormalizedName>(criterion.infos.flatMap((i) => i.causes));
    if (pinned) decisions.add(criterion.name);
    return { name: criterion.name, decisions, causes: this.#causesOf(criterion) };
  }

  #causesOf(criterion: Criterion): ConflictCause[] {
    const causes: ConflictCause[] = criterion.infos.map((i) => ({
      requirement: i.requirement,
      parent: i.parent,
      source: i.source,
      constraint: false,
    }));
    for (const c of this.#constraints.get(criterion.name) ?? []) {
      causes.push({ requirement: c.requirement, parent: null, source: c.source, constraint: true });
    }
    return causes;
  }

  // ---- backjumping ----

  /**
   * Every candidate of `frame` failed. Jump back to the latest decision among those behind the
   * failures (and behind the project being required at all), mark its current candidate as
   * failed, and hand it the reasons (Prosser's conflict-directed backjumping).
   */
  #backjump(frame: Frame): Frame {
    const decisions = new Set(frame.conflictSet);
    for (const info of frame.base.criteria.get(frame.name)!.infos) for (const d of info.causes) decisions.add(d);
    decisions.delete(frame.name);
    this.#frames.pop();
    while (this.#frames.length > 0 && !decisions.has(this.#frames[this.#frames.length - 1]!.name)) this.#frames.pop();
    const target = this.#frames[this.#frames.length - 1];
    if (target === undefined) throw this.#impossible(frame.causes);
    decisions.delete(target.name);
    for (const d of decisions) target.conflictSet.add(d);
    target.causes.push(...frame.causes);
    return target;
  }

  #impossible(rawCauses: readonly ConflictCause[]): ResolutionImpossible {
    const seen = new Set<string>();
    const causes = rawCauses.filter((c) => {
      const key = [c.constraint, c.parent ? `${c.parent.name}@${c.parent.version}` : "", c.source, c.requirement.toString()].join("\0");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const only = causes[0];
    if (causes.length === 1 && only !== undefined && !only.constraint) {
      const all = this.#candidates.get(only.requirement.normalizedName) ?? [];
      const versions = (yanked: boolean): string[] =>
        [...new Map(all.filter((c) => c.yanked === yanked).map((c) => [c.version.toString(), c.version])).values()].sort((a, b) => a.compare(b)).map(String);
      return new ResolutionImpossible(causes, "no-matching-distribution", formatNoMatchingDistribution(only, versions(false), versions(true)));
    }
    return new ResolutionImpossible(causes, "conflict", formatConflict(causes));
  }

  // ---- criteria ----

  /** The criterion for `name` with `info` added. Candidates must have been fetched (#fetchFor). */
  #extend(name: NormalizedName, before: Criterion | undefined, info: Info): Criterion {
    const extras = new Set(before?.extras);
    for (const x of info.extras) extras.add(x);
    const base = before?.specifier ?? this.#constraintSpecifiers.get(name) ?? new SpecifierSet();
    const specifier = info.requirement.specifier.length > 0 ? base.and(info.requirement.specifier) : base;
    const urls = new Set(before === undefined ? this.#constraintUrls.get(name) : before.url === null ? [] : [before.url]);
    if (info.requirement.url !== null) urls.add(urlWithoutFragment(info.requirement.url));
    const urlConflict = (before?.urlConflict ?? false) || urls.size > 1;
    const url = urls.size > 0 ? [...urls][0]! : null;
    return {
      name,
      infos: [...(before?.infos ?? []), info],
      extras,
      specifier,
      url,
      urlConflict,
      allowed: urlConflict ? [] : this.#allowed(name, specifier, url, info.requirement.url),
    };
  }

  #allowed(name: NormalizedName, specifier: SpecifierSet, url: string | null, rawUrl: string | null): Candidate[] {
    const key = `${name}\0${specifier.toString()}\0${url ?? ""}`;
    let allowed = this.#allowedCache.get(key);
    if (allowed !== undefined) return allowed;
    const all = this.#candidates.get(name) ?? [];
    if (url !== null) {
      const hooked = this.#urlCandidates.get(`${name}\0${url}`);
      const pool = hooked !== undefined ? (hooked === null ? [] : [hooked]) : all.filter((c) => candidateHasUrl(c, rawUrl ?? url));
      allowed = urlCandidates(pool, specifier);
    } else {
      allowed = allowedCandidates(all, specifier, {
        prereleases: this.#prereleasesFor(name),
        preferVersion: this.#preferredVersion(name),
      });
    }
    this.#allowedCache.set(key, allowed);
    return allowed;
  }

  #prereleasesFor(name: NormalizedName): boolean {
    const p = this.#request.allowPrereleases;
    return typeof p === "function" ? p(name) : p;
  }

  /** The installed version to keep, unless the project is being upgraded. */
  #preferredVersion(name: NormalizedName): Version | null {
    const installed = this.#request.installed?.get(name);
    if (installed === undefined) return null;
    const upgrade = this.#request.upgrade;
    // pip's only-if-needed: -U upgrades what the user named; dependencies keep what satisfies.
    if (upgrade === true && this.#userOrder.has(name)) return null;
    if (upgrade instanceof Set && upgrade.has(name)) return null;
    return tryParseVersion(installed);
  }

  // ---- provider access (cached; prefetches never raise unhandled rejections) ----

  async #fetchFor(info: Info): Promise<void> {
    const name = info.requirement.normalizedName;
    const url = info.requirement.url;
    const jobs: Promise<unknown>[] = [this.#candidatesOf(name)];
    for (const u of url === null ? (this.#constraintUrls.get(name) ?? []) : [url, ...(this.#constraintUrls.get(name) ?? [])]) {
      jobs.push(this.#urlCandidateOf(name, u));
    }
    await Promise.all(jobs);
  }

  #candidatesOf(name: NormalizedName): Promise<Candidate[]> {
    let p = this.#candidateFetches.get(name);
    if (p === undefined) {
      p = this.#provider.candidates(name).then((list) => {
        // Newest first, as promised; sorted again so that a provider's slip cannot change results.
        const sorted = [...list].sort((a, b) => b.version.compare(a.version));
        this.#candidates.set(name, sorted);
        return sorted;
      });
      p.catch(() => {});
      this.#candidateFetches.set(name, p);
    }
    return p;
  }

  #urlCandidateOf(name: NormalizedName, url: string): Promise<Candidate | null> {
    const hook = this.#provider.candidateForUrl;
    if (hook === undefined) return Promise.resolve(null);
    const key = `${name}\0${urlWithoutFragment(url)}`;
    let p = this.#urlFetches.get(key);
    if (p === undefined) {
      p = hook.call(this.#provider, name, url).then((c) => {
        this.#urlCandidates.set(key, c);
        return c;
      });
      p.catch(() => {});
      this.#urlFetches.set(key, p);
    }
    return p;
  }

  #dependenciesOf(candidate: Candidate): Promise<Requirement[]> {
    let p = this.#dependencies.get(candidate);
    if (p === undefined) {
      p = this.#provider.dependencies(candidate);
      p.catch(() => {});
      this.#dependencies.set(candidate, p);
    }
    return p;
  }

  // ---- the answer ----

  #result(): ResolveResult {
    const pins: Resolution["pins"] = new Map();
    const warnings: string[] = [];
    for (const [name, candidate] of this.#state.pins) {
      const criterion = this.#state.criteria.get(name)!;
      const requestedBy = [...new Set(criterion.infos.map((i) => (i.parent === null ? (i.source ?? "") : `${i.parent.name}==${i.parent.version}`)))];
      pins.set(name, { candidate, extras: new Set(criterion.extras), requestedBy });
      if (candidate.yanked) {
        const reason = candidate.files.map((f) => f.yanked).find((y) => typeof y === "string" && y !== "");
        warnings.push(
          `The candidate selected for download or install is a yanked version: ${name} ${candidate.version}` +
            (reason ? `\nReason for being yanked: ${reason}` : ""),
        );
      }
    }
    return { pins, warnings };
  }
}

function cloneState(s: State): State {
  return { criteria: new Map(s.criteria), pins: new Map(s.pins) };
}

function normalizedExtras(r: Requirement): string[] {
  // PEP 685: extras compare in their normalized form.
  return r.extras.map((x) => canonicalizeName(x));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function compareKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
