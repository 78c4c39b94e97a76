/**
 * PEP 440 version specifiers (`>=1.0,<2`, `~=1.4.2`, `==1.*`, `!=1.3`, `===foo`) and sets of them.
 *
 * Written here rather than taken from `@renovatebot/pep440` because its specifier logic differs
 * from PEP 440 in ways that matter to a resolver (see specifiers.test.ts): `==1.0.*` does not match
 * `1`, `>1.7.post2` rejects `1.7.post3`, and in `>=1.0a1,<2` only the first clause lets
 * pre-releases through.
 */
import { Version, canonicalizeVersion, tryParseVersion } from "./version.ts";

export class InvalidSpecifier extends Error {
  override name = "InvalidSpecifier";
  constructor(
    readonly specifier: string,
    reason?: string,
  ) {
    super(`Invalid specifier: ${JSON.stringify(specifier)}${reason ? ` (${reason})` : ""}`);
  }
}

export type SpecifierOperator = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "===";

export interface PrereleaseOptions {
  /**
   * true: accept pre-releases; false: never; undefined (default): PEP 440's rule, i.e. only when
   * a specifier itself names a pre-release (and, for filter, when nothing else matches).
   */
  prereleases?: boolean;
}

const SPEC_RE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(.*?)\s*$/s;
// PEP 440: a prefix match (`.*`) names only an epoch and release segment.
const WILDCARD_PREFIX_RE = /^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*$/i;

/** Epoch followed by release numbers, as digit strings of the normalized form. */
function epochAndRelease(v: Version): string[] {
  const base = v.baseVersion;
  const bang = base.indexOf("!");
  return [bang === -1 ? "0" : base.slice(0, bang), ...base.slice(bang + 1).split(".")];
}

/** PEP 440 prefix matching: the version's release, zero-padded, starts with the prefix's. */
function prefixMatches(v: Version, prefix: readonly string[]): boolean {
  const parts = epochAndRelease(v);
  return prefix.every((p, i) => (parts[i] ?? "0") === p);
}

/** One clause such as `>=1.0`. */
export class Specifier {
  readonly operator: SpecifierOperator;
  /** The version as written (without surrounding whitespace), e.g. `1.0.*` or `1.0`. */
  readonly version: string;
  /** Parsed version; null for `===` and for prefix (`.*`) clauses. */
  readonly #parsed: Version | null;
  /** For `.*` clauses (and `~=`): epoch + release digit strings the version must start with. */
  readonly #prefix: string[] | null;

  constructor(specifier: string) {
    const m = SPEC_RE.exec(specifier);
    if (!m) throw new InvalidSpecifier(specifier, "expected an operator (~=, ==, !=, <=, >=, <, >, ===) before the version");
    const operator = m[1] as SpecifierOperator;
    const version = m[2]!;
    if (version === "") throw new InvalidSpecifier(specifier, "missing version");
    this.operator = operator;
    this.version = version;
    this.#parsed = null;
    this.#prefix = null;

    if (operator === "===") {
      // PEP 440: arbitrary equality compares strings; pypa/packaging stops the string at
      // whitespace, `;` and `)` so that it can sit inside a requirement.
      if (/[\s;)]/.test(version)) throw new InvalidSpecifier(specifier, "arbitrary equality (===) takes one word");
      return;
    }
    if (version.endsWith(".*")) {
      // PEP 440: prefix matching is only defined for == and !=, on a release segment.
      if (operator !== "==" && operator !== "!=") {
        throw new InvalidSpecifier(specifier, "a prefix match (.*) is only allowed with == and !=");
      }
      const prefix = version.slice(0, -2);
      if (!WILDCARD_PREFIX_RE.test(prefix)) {
        throw new InvalidSpecifier(specifier, "a prefix match (.*) may only follow an epoch and release segment");
      }
      this.#prefix = epochAndRelease(new Version(prefix));
      return;
    }
    const parsed = tryParseVersion(version);
    // The version inside a specifier must be one word: packaging's regex admits no inner whitespace.
    if (parsed === null || /\s/.test(version)) throw new InvalidSpecifier(specifier, "invalid version");
    // PEP 440: local version labels are only allowed with == and !=.
    if (parsed.local !== null && operator !== "==" && operator !== "!=") {
      throw new InvalidSpecifier(specifier, "local versions (+…) are only allowed with == and !=");
    }
    if (operator === "~=") {
      // PEP 440: the compatible release clause needs at least two release segments.
      if (parsed.release.length < 2) {
        throw new InvalidSpecifier(specifier, "~= needs at least two release segments, e.g. ~=1.0");
      }
      // PEP 440: `~=V.N` is `>=V.N, ==V.*`.
      this.#prefix = epochAndRelease(parsed).slice(0, -1);
    }
    this.#parsed = parsed;
  }

  /** Whether this clause names a pre-release, which lets pre-releases through (PEP 440). */
  get prereleases(): boolean {
    if (this.operator === "!=" || (this.#prefix !== null && this.operator !== "~=")) return false;
    if (this.operator === "===") return tryParseVersion(this.version)?.isPrerelease ?? false;
    return this.#parsed?.isPrerelease ?? false;
  }

  /**
   * Whether `version` satisfies this clause; pre-releases are excluded unless `prereleases` is
   * true or this clause names one. Strings that are not PEP 440 versions match only `===`.
   */
  contains(version: string | Version, options: PrereleaseOptions = {}): boolean {
    const parsed = typeof version === "string" ? tryParseVersion(version) : version;
    if (parsed?.isPrerelease && !(options.prereleases ?? this.prereleases)) return false;
    return this.admits(version);
  }

  /** The operator alone, with no pre-release policy: does `version` fall inside this clause? */
  admits(version: string | Version): boolean {
    if (this.operator === "===") {
      // PEP 440: arbitrary equality is a case-insensitive string comparison.
      return String(version).toLowerCase() === this.version.toLowerCase();
    }
    const v = typeof version === "string" ? tryParseVersion(version) : version;
    if (v === null) return false;
    const spec = this.#parsed;
    switch (this.operator) {
      case "==":
        return this.#equal(v);
      case "!=":
        return !this.#equal(v);
      case "~=":
        return publicOf(v).compare(spec!) >= 0 && prefixMatches(v, this.#prefix!);
      case "<=":
        return publicOf(v).compare(spec!) <= 0;
      case ">=":
        return publicOf(v).compare(spec!) >= 0;
      case "<":
        if (v.compare(spec!) >= 0) return false;
        // PEP 440: `<V` excludes pre-releases of V itself unless V is a pre-release.
        return !(!spec!.isPrerelease && v.isPrerelease && sameBase(v, spec!));
      case ">":
        if (v.compare(spec!) <= 0) return false;
        // PEP 440: `>V` excludes post releases of V itself unless V is a post release...
        if (!spec!.isPostrelease && v.isPostrelease && sameBase(v, spec!)) return false;
        // ...and local versions of V.
        return !(v.local !== null && sameBase(v, spec!));
    }
  }

  #equal(v: Version): boolean {
    if (this.#prefix !== null) return prefixMatches(v, this.#prefix);
    const spec = this.#parsed!;
    // PEP 440: without a local label in the specifier, the candidate's local label is ignored.
    return (spec.local === null ? publicOf(v) : v).compare(spec) === 0;
  }

  /** A key equal for equivalent clauses (`==1.0` and `== 1.0.0`). */
  get canonical(): string {
    if (this.operator === "===" || (this.#prefix !== null && this.operator !== "~=")) {
      return `${this.operator}${this.version}`;
    }
    const v = this.#parsed!;
    // ~= keeps its trailing zeros: ~=1.0 and ~=1.0.0 mean different things.
    const text = canonicalizeVersion(v, { stripTrailingZero: this.operator !== "~=" });
    return `${this.operator}${text}`;
  }

  toString(): string {
    return `${this.operator}${this.version}`;
  }
}

function publicOf(v: Version): Version {
  return v.local === null ? v : new Version(v.public);
}

function sameBase(a: Version, b: Version): boolean {
  return new Version(a.baseVersion).equals(new Version(b.baseVersion));
}

/** A comma-separated set of clauses, all of which must hold. */
export class SpecifierSet implements Iterable<Specifier> {
  readonly specifiers: readonly Specifier[];

  /** Parses `specifiers` (may be empty); throws InvalidSpecifier naming the bad clause. */
  constructor(specifiers: string | Iterable<Specifier> = "") {
    if (typeof specifiers === "string") {
      const clauses = specifiers
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      // As pypa/packaging does, blank clauses (`>=1,,<2`, `""`) are skipped.
      specifiers = clauses.map((c) => new Specifier(c));
    }
    const seen = new Map<string, Specifier>();
    for (const s of specifiers) if (!seen.has(s.canonical)) seen.set(s.canonical, s);
    this.specifiers = [...seen.values()];
  }

  get length(): number {
    return this.specifiers.length;
  }

  [Symbol.iterator](): Iterator<Specifier> {
    return this.specifiers[Symbol.iterator]();
  }

  /** True when some clause names a pre-release (PEP 440: then pre-releases are acceptable). */
  get prereleases(): boolean {
    return this.specifiers.some((s) => s.prereleases);
  }

  /**
   * Whether `version` satisfies every clause. Pre-releases are excluded unless `prereleases`
   * is true or a clause names a pre-release (PEP 440). An empty set accepts every final release.
   */
  contains(version: string | Version, options: PrereleaseOptions = {}): boolean {
    const parsed = typeof version === "string" ? tryParseVersion(version) : version;
    if (parsed === null) {
      // Only arbitrary equality can match a string that is not a PEP 440 version.
      return this.specifiers.length > 0 && this.specifiers.every((s) => s.admits(version));
    }
    if (parsed.isPrerelease && !(options.prereleases ?? this.prereleases)) return false;
    return this.specifiers.every((s) => s.admits(s.operator === "===" ? version : parsed));
  }

  /**
   * The versions (in their given order) that satisfy every clause. With `prereleases` unset,
   * pre-releases are dropped when any final release matches and kept when nothing else does
   * (PEP 440, as pypa/packaging and pip do). Strings that are not versions are dropped unless
   * `===` names them.
   */
  filter<T extends string | Version>(versions: Iterable<T>, options: PrereleaseOptions = {}): T[] {
    const prereleases = options.prereleases ?? (this.prereleases ? true : undefined);
    const matches: { item: T; parsed: Version | null }[] = [];
    for (const item of versions) {
      const parsed = typeof item === "string" ? tryParseVersion(item) : (item as Version);
      const ok =
        parsed === null
          ? this.specifiers.length > 0 && this.specifiers.every((s) => s.admits(item))
          : this.specifiers.every((s) => s.admits(s.operator === "===" ? item : parsed));
      if (ok) matches.push({ item, parsed });
    }
    const isPre = (m: { parsed: Version | null }): boolean => m.parsed?.isPrerelease ?? false;
    if (prereleases === true) return matches.map((m) => m.item);
    if (prereleases === false) return matches.filter((m) => !isPre(m)).map((m) => m.item);
    const anyFinal = matches.some((m) => m.parsed !== null && !m.parsed.isPrerelease);
    return (anyFinal ? matches.filter((m) => !isPre(m)) : matches).map((m) => m.item);
  }

  /** The intersection of two sets (packaging's `&`). */
  and(other: SpecifierSet | string): SpecifierSet {
    const o = typeof other === "string" ? new SpecifierSet(other) : other;
    return new SpecifierSet([...this.specifiers, ...o.specifiers]);
  }

  /** Whether both sets hold the same clauses, whatever their order or spelling. */
  equals(other: SpecifierSet | string): boolean {
    const o = typeof other === "string" ? new SpecifierSet(other) : other;
    const a = this.specifiers.map((s) => s.canonical).sort();
    const b = o.specifiers.map((s) => s.canonical).sort();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  /** Clauses sorted and comma-joined, as pypa/packaging prints them (`<2,>=1.0`). */
  toString(): string {
    return this.specifiers
      .map(String)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .join(",");
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Parses a comma-separated specifier set; throws InvalidSpecifier. */
export function parseSpecifierSet(specifiers: string): SpecifierSet {
  return new SpecifierSet(specifiers);
}

/** Parses a single clause; throws InvalidSpecifier. */
export function parseSpecifier(specifier: string): Specifier {
  return new Specifier(specifier);
}
