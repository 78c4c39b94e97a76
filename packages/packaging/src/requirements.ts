/**
 * PEP 508 dependency specifiers: `name[extra1,extra2] (>=1.0) ; python_version < "3.8"` and
 * `name[extra] @ https://… ; marker`.
 */
import { InvalidMarker, parseMarker, type Marker } from "./markers.ts";
import { canonicalizeName, type NormalizedName } from "./names.ts";
import { InvalidSpecifier, SpecifierSet } from "./specifiers.ts";

export class InvalidRequirement extends Error {
  override name = "InvalidRequirement";
  constructor(
    readonly requirement: string,
    reason: string,
  ) {
    super(`Invalid requirement: ${JSON.stringify(requirement)} (${reason})`);
  }
}

export class Requirement {
  /** The name as written; see `normalizedName` for the PEP 503 form. */
  readonly name: string;
  /** Requested extras as written, sorted, without duplicates. */
  readonly extras: string[];
  readonly specifier: SpecifierSet;
  readonly url: string | null;
  readonly marker: Marker | null;

  constructor(parts: {
    name: string;
    extras?: readonly string[];
    specifier?: SpecifierSet;
    url?: string | null;
    marker?: Marker | null;
  }) {
    this.name = parts.name;
    this.extras = [...new Set(parts.extras ?? [])].sort();
    this.specifier = parts.specifier ?? new SpecifierSet();
    this.url = parts.url ?? null;
    this.marker = parts.marker ?? null;
  }

  get normalizedName(): NormalizedName {
    return canonicalizeName(this.name);
  }

  /** The requirement in pypa/packaging's normalized spelling, e.g. `name[a,b]<2,>=1; os_name == "nt"`. */
  toString(): string {
    let out = this.name;
    if (this.extras.length > 0) out += `[${this.extras.join(",")}]`;
    if (this.specifier.length > 0) out += this.specifier.toString();
    if (this.url !== null) {
      out += `@ ${this.url}`;
      // PEP 508: a marker after a URL must be separated from it by whitespace.
      if (this.marker) out += " ";
    }
    if (this.marker) out += `; ${this.marker.toString()}`;
    return out;
  }

  toJSON(): string {
    return this.toString();
  }
}

// PEP 508: names start and end with a letter or digit.
const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const EXTRA_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
// RFC 3986: a URL starts with its scheme.
const URL_SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Parses a PEP 508 dependency specifier; throws InvalidRequirement naming the problem. */
export function parseRequirement(requirement: string): Requirement {
  const fail = (reason: string): never => {
    throw new InvalidRequirement(requirement, reason);
  };
  let rest = requirement.trimStart();
  const name = NAME_RE.exec(rest)?.[0];
  if (!name) return fail("expected a package name at the start");
  rest = rest.slice(name.length).trimStart();

  let extras: string[] = [];
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close === -1) fail('expected "]" to close the extras');
    const inner = rest.slice(1, close).trim();
    extras = inner === "" ? [] : inner.split(",").map((e) => e.trim());
    for (const extra of extras) {
      if (!EXTRA_RE.test(extra)) fail(`invalid extra name ${JSON.stringify(extra)}`);
    }
    rest = rest.slice(close + 1).trimStart();
  }

  let specifier = new SpecifierSet();
  let url: string | null = null;
  let markerText: string | null = null;

  if (rest.startsWith("@")) {
    rest = rest.slice(1).trimStart();
    const found = /^\S+/.exec(rest)?.[0];
    if (!found) return fail('expected a URL after "@"');
    if (!URL_SCHEME_RE.test(found)) fail(`invalid URL ${JSON.stringify(found)}`);
    url = found;
    rest = rest.slice(found.length);
    if (rest.trim() !== "") {
      // PEP 508: `;` may appear inside a URL, so the marker needs whitespace before it.
      const m = /^\s+;/.exec(rest);
      if (!m) return fail("expected end or a semicolon (after the URL and whitespace)");
      markerText = rest.slice(m[0].length);
    }
  } else {
    const semi = rest.indexOf(";");
    let specText = (semi === -1 ? rest : rest.slice(0, semi)).trim();
    if (semi !== -1) markerText = rest.slice(semi + 1);
    if (specText.startsWith("(")) {
      if (!specText.endsWith(")")) fail('expected ")" to close the version specifier');
      specText = specText.slice(1, -1);
    }
    if (specText !== "" && !/^\s*(~=|===|==|!=|<=|>=|<|>)/.test(specText)) {
      fail(`expected a version specifier, "@ URL", ";" or the end, found ${JSON.stringify(specText)}`);
    }
    try {
      specifier = new SpecifierSet(specText);
    } catch (e) {
      if (e instanceof InvalidSpecifier) fail(e.message);
      throw e;
    }
  }

  let marker: Marker | null = null;
  if (markerText !== null) {
    if (markerText.trim() === "") fail('expected a marker after ";"');
    try {
      marker = parseMarker(markerText.trim());
    } catch (e) {
      if (e instanceof InvalidMarker) fail(e.message);
      throw e;
    }
  }
  return new Requirement({ name, extras, specifier, url, marker });
}

/** Like parseRequirement, but null instead of an exception. */
export function tryParseRequirement(requirement: string): Requirement | null {
  try {
    return parseRequirement(requirement);
  } catch (e) {
    if (e instanceof InvalidRequirement) return null;
    throw e;
  }
}
