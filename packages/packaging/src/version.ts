/**
 * PEP 440 versions: parsing (with the leniency pypa/packaging allows), normalization and ordering.
 *
 * Written here rather than wrapping `@renovatebot/pep440` because that library (4.2.4) gets
 * several cases wrong (see version.test.ts, "@renovatebot/pep440 evaluation"): release numbers
 * beyond 2^53 lose precision, a local segment such as `+1e5` is read as the number 100000, and
 * surrounding whitespace is rejected although PEP 440 / packaging accept it. Numbers are kept
 * as bigint internally so ordering is exact for any length of digits.
 */

export class InvalidVersion extends Error {
  override name = "InvalidVersion";
  constructor(readonly version: string) {
    super(`Invalid version: ${JSON.stringify(version)}`);
  }
}

export type PreLabel = "a" | "b" | "rc";
type LocalPart = bigint | string;

// PEP 440 appendix B, with the same leniency as pypa/packaging's VERSION_PATTERN:
// a leading `v`, `-`/`_`/`.` separators, alternate spellings, implicit numbers and the
// implicit post release `1.0-1`. Case-insensitive; surrounding whitespace is allowed.
const VERSION_RE = new RegExp(
  "^\\s*v?" +
    "(?:(?<epoch>[0-9]+)!)?" +
    "(?<release>[0-9]+(?:\\.[0-9]+)*)" +
    "(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?" +
    "(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?" +
    "(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?" +
    "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?" +
    "\\s*$",
  "i",
);

// PEP 440: alternate spellings of the pre-release labels.
const PRE_LABELS: Record<string, PreLabel> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

/** Sort key of a version, following packaging's `_cmpkey`. */
interface Key {
  epoch: bigint;
  release: bigint[]; // trailing zeros removed
  pre: [number, bigint] | number; // -Infinity / +Infinity sentinel or [label rank, n]
  post: bigint | number; // -Infinity when absent
  dev: bigint | number; // +Infinity when absent
  local: LocalPart[] | null; // null sorts before any local
}

const PRE_RANK: Record<PreLabel, number> = { a: 0, b: 1, rc: 2 };

export class Version {
  readonly #epoch: bigint;
  readonly #release: bigint[];
  readonly #pre: [PreLabel, bigint] | null;
  readonly #post: bigint | null;
  readonly #dev: bigint | null;
  readonly #local: LocalPart[] | null;
  #key: Key | undefined;
  #string: string | undefined;

  /** Parses `version`; throws InvalidVersion when it is not PEP 440. */
  constructor(version: string) {
    const m = VERSION_RE.exec(version);
    if (!m?.groups) throw new InvalidVersion(version);
    const g = m.groups;
    this.#epoch = g.epoch === undefined ? 0n : BigInt(g.epoch);
    this.#release = g.release!.split(".").map((part) => BigInt(part));
    // PEP 440: a pre-release without a number has an implicit 0.
    this.#pre = g.pre_l === undefined ? null : [PRE_LABELS[g.pre_l.toLowerCase()]!, BigInt(g.pre_n ?? 0)];
    // PEP 440: `1.0-1` is an implicit post release; `1.0.post` has an implicit 0; rev and r mean post.
    const postN = g.post_n1 ?? g.post_n2;
    this.#post = g.post === undefined ? null : BigInt(postN ?? 0);
    this.#dev = g.dev === undefined ? null : BigInt(g.dev_n ?? 0);
    // PEP 440: local segments are separated by `.`, `-` or `_` (normalized to `.`); numeric
    // segments compare as integers, the others as lowercase strings.
    this.#local = g.local === undefined ? null : g.local.split(/[-_.]/).map((part) => (/^[0-9]+$/.test(part) ? BigInt(part) : part.toLowerCase()));
  }

  /** The epoch (0 when absent). */
  get epoch(): number {
    return Number(this.#epoch);
  }

  /** Release numbers, e.g. [1, 2, 0] for 1.2.0 (numbers beyond 2^53 lose precision here, never in comparisons). */
  get release(): number[] {
    return this.#release.map(Number);
  }

  /** Pre-release as [label, number], labels normalized to a, b, rc. */
  get pre(): [PreLabel, number] | null {
    return this.#pre === null ? null : [this.#pre[0], Number(this.#pre[1])];
  }

  get post(): number | null {
    return this.#post === null ? null : Number(this.#post);
  }

  get dev(): number | null {
    return this.#dev === null ? null : Number(this.#dev);
  }

  /** The normalized local version label (without `+`), or null. */
  get local(): string | null {
    return this.#local === null ? null : this.#local.map(String).join(".");
  }

  get major(): number {
    return Number(this.#release[0] ?? 0n);
  }

  get minor(): number {
    return Number(this.#release[1] ?? 0n);
  }

  get micro(): number {
    return Number(this.#release[2] ?? 0n);
  }

  /** PEP 440: dev releases are pre-releases too. */
  get isPrerelease(): boolean {
    return this.#pre !== null || this.#dev !== null;
  }

  get isPostrelease(): boolean {
    return this.#post !== null;
  }

  get isDevrelease(): boolean {
    return this.#dev !== null;
  }

  /** The normalized version without its local label. */
  get public(): string {
    return this.toString().split("+", 1)[0]!;
  }

  /** Epoch and release only, e.g. `1!2.0` for `1!2.0rc1.post2+abc`. */
  get baseVersion(): string {
    return (this.#epoch !== 0n ? `${this.#epoch}!` : "") + this.#release.join(".");
  }

  /** The PEP 440 normalized form. */
  toString(): string {
    if (this.#string === undefined) this.#string = format(this.#epoch, this.#release, this.#pre, this.#post, this.#dev, this.#local);
    return this.#string;
  }

  toJSON(): string {
    return this.toString();
  }

  /** Negative, zero or positive as this version sorts before, equal to or after `other`. */
  compare(other: Version): number {
    return compareKeys(this.#sortKey(), other.#sortKey());
  }

  equals(other: Version): boolean {
    return this.compare(other) === 0;
  }

  /** A copy of this version without pre, post, dev and local parts. */
  withoutSuffixes(): Version {
    return new Version(this.baseVersion);
  }

  #sortKey(): Key {
    if (this.#key) return this.#key;
    const release = [...this.#release];
    // PEP 440: trailing zeros do not matter when comparing releases (1.0 == 1.0.0).
    while (release.length > 0 && release[release.length - 1] === 0n) release.pop();
    let pre: Key["pre"];
    // PEP 440: 1.0.dev0 sorts before 1.0a0, so a dev release with no pre or post
    // segment takes a pre key lower than any pre-release.
    if (this.#pre === null && this.#post === null && this.#dev !== null) pre = -Infinity;
    // A final release sorts after its pre-releases.
    else if (this.#pre === null) pre = Infinity;
    else pre = [PRE_RANK[this.#pre[0]], this.#pre[1]];
    this.#key = {
      epoch: this.#epoch,
      release,
      pre,
      // No post segment sorts before any post release.
      post: this.#post ?? -Infinity,
      // No dev segment sorts after any dev release.
      dev: this.#dev ?? Infinity,
      local: this.#local,
    };
    return this.#key;
  }
}

function format(epoch: bigint, release: bigint[], pre: [PreLabel, bigint] | null, post: bigint | null, dev: bigint | null, local: LocalPart[] | null): string {
  let out = epoch !== 0n ? `${epoch}!` : "";
  out += release.join(".");
  if (pre) out += `${pre[0]}${pre[1]}`;
  if (post !== null) out += `.post${post}`;
  if (dev !== null) out += `.dev${dev}`;
  if (local) out += `+${local.map(String).join(".")}`;
  return out;
}

function cmp(a: bigint | number, b: bigint | number): number {
  // Mixed bigint/number comparisons are exact in JavaScript, including against ±Infinity.
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareArrays<T>(a: readonly T[], b: readonly T[], item: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = item(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareLocalPart(a: LocalPart, b: LocalPart): number {
  // PEP 440: alphanumeric local segments sort before numeric ones; numbers compare
  // numerically, strings lexicographically.
  if (typeof a === "bigint" && typeof b === "bigint") return cmp(a, b);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === "string" ? -1 : 1;
}

function compareKeys(a: Key, b: Key): number {
  return (
    cmp(a.epoch, b.epoch) ||
    compareArrays(a.release, b.release, cmp) ||
    comparePre(a.pre, b.pre) ||
    cmp(a.post, b.post) ||
    cmp(a.dev, b.dev) ||
    compareLocal(a.local, b.local)
  );
}

function comparePre(a: Key["pre"], b: Key["pre"]): number {
  if (typeof a === "number" || typeof b === "number") {
    const x = typeof a === "number" ? a : 0;
    const y = typeof b === "number" ? b : 0;
    return cmp(x, y);
  }
  return cmp(a[0], b[0]) || cmp(a[1], b[1]);
}

function compareLocal(a: LocalPart[] | null, b: LocalPart[] | null): number {
  // PEP 440: a version without a local label sorts before the same version with one.
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareArrays(a, b, compareLocalPart);
}

/** Parses a PEP 440 version; throws InvalidVersion. */
export function parseVersion(version: string): Version {
  return new Version(version);
}

/** Parses a PEP 440 version; null when it is not one. */
export function tryParseVersion(version: string): Version | null {
  return VERSION_RE.test(version) ? new Version(version) : null;
}

/** Whether `version` is a valid PEP 440 version. */
export function isValidVersion(version: string): boolean {
  return VERSION_RE.test(version);
}

/** PEP 440 ordering of two versions (strings are parsed; throws InvalidVersion). */
export function compareVersions(a: string | Version, b: string | Version): number {
  const x = typeof a === "string" ? new Version(a) : a;
  const y = typeof b === "string" ? new Version(b) : b;
  return Math.sign(x.compare(y));
}

export interface CanonicalizeVersionOptions {
  /** Drop trailing `.0`s from the release segment (default true, as packaging does). */
  stripTrailingZero?: boolean;
}

/**
 * Like packaging.utils.canonicalize_version: the normalized form with trailing `.0`s stripped
 * from the release, suitable as a comparison key (`1.0.0` → `1`). A string that is not a valid
 * version is returned unchanged, as packaging does for legacy versions.
 */
export function canonicalizeVersion(version: string | Version, options: CanonicalizeVersionOptions = {}): string {
  const parsed = typeof version === "string" ? tryParseVersion(version) : version;
  if (parsed === null) return version as string;
  const normalized = parsed.toString();
  if (!(options.stripTrailingZero ?? true)) return normalized;
  // The normalized form is `[N!]N(.N)*[suffixes]`: strip `.0`s at the end of the release only.
  return normalized.replace(/^((?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*?)(?:\.0)+(?![0-9]|\.[0-9])/, "$1");
}
