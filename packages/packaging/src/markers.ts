/**
 * PEP 508 environment markers: parsing, evaluation against a given environment, printing.
 */
import { canonicalizeName } from "./names.ts";
import { InvalidSpecifier, Specifier } from "./specifiers.ts";
import { tryParseVersion } from "./version.ts";

export class InvalidMarker extends Error {
  override name = "InvalidMarker";
  constructor(
    readonly marker: string,
    reason: string,
  ) {
    super(`Invalid marker: ${JSON.stringify(marker)} (${reason})`);
  }
}

/** PEP 508: the values a marker can refer to, as the target Python would report them. */
export interface MarkerEnvironment {
  /** `'.'.join(platform.python_version_tuple()[:2])`, e.g. "3.12" */
  python_version: string;
  /** `platform.python_version()`, e.g. "3.12.1" */
  python_full_version: string;
  /** `os.name`, e.g. "posix" */
  os_name: string;
  /** `sys.platform`, e.g. "linux", "darwin", "win32" */
  sys_platform: string;
  /** `platform.release()` */
  platform_release: string;
  /** `platform.system()`, e.g. "Linux" */
  platform_system: string;
  /** `platform.version()` */
  platform_version: string;
  /** `platform.machine()`, e.g. "x86_64" */
  platform_machine: string;
  /** `platform.python_implementation()`, e.g. "CPython" */
  platform_python_implementation: string;
  /** `sys.implementation.name`, e.g. "cpython" */
  implementation_name: string;
  /** PEP 508's `format_full_version(sys.implementation.version)`, e.g. "3.12.1" */
  implementation_version: string;
  /** The extra being evaluated; "" (none) when absent. */
  extra?: string;
}

export type MarkerVariable = keyof MarkerEnvironment;

const VARIABLES: ReadonlySet<string> = new Set<MarkerVariable>([
  "python_version",
  "python_full_version",
  "os_name",
  "sys_platform",
  "platform_release",
  "platform_system",
  "platform_version",
  "platform_machine",
  "platform_python_implementation",
  "implementation_name",
  "implementation_version",
  "extra",
]);

// PEP 345 / pypa/packaging: older dotted spellings still found in metadata.
const ALIASES: Readonly<Record<string, MarkerVariable>> = {
  "os.name": "os_name",
  "sys.platform": "sys_platform",
  "platform.version": "platform_version",
  "platform.machine": "platform_machine",
  "platform.python_implementation": "platform_python_implementation",
  python_implementation: "platform_python_implementation",
};

export type MarkerOperator = "===" | "==" | "!=" | "<=" | ">=" | "~=" | "<" | ">" | "in" | "not in";

export type MarkerValue = { kind: "variable"; name: MarkerVariable } | { kind: "string"; value: string };

export type MarkerNode =
  | { type: "compare"; lhs: MarkerValue; op: MarkerOperator; rhs: MarkerValue }
  | { type: "and"; items: MarkerNode[] }
  | { type: "or"; items: MarkerNode[] }
  | { type: "group"; inner: MarkerNode };

/** A parsed marker expression. */
export class Marker {
  constructor(readonly tree: MarkerNode) {}

  /** See evaluateMarker. */
  evaluate(env: MarkerEnvironment, extras?: readonly string[]): boolean {
    return evaluateMarker(this, env, extras);
  }

  /** The names of the environment values this marker reads. */
  get variables(): MarkerVariable[] {
    const out = new Set<MarkerVariable>();
    const walk = (n: MarkerNode): void => {
      if (n.type === "compare") {
        for (const v of [n.lhs, n.rhs]) if (v.kind === "variable") out.add(v.name);
      } else if (n.type === "group") walk(n.inner);
      else n.items.forEach(walk);
    };
    walk(this.tree);
    return [...out];
  }

  /** The marker with normalized spacing and double quotes, e.g. `python_version < "3.8"`. */
  toString(): string {
    let tree = this.tree;
    // As pypa/packaging does, parentheses around the whole marker are dropped.
    while (tree.type === "group") tree = tree.inner;
    return formatNode(tree);
  }

  toJSON(): string {
    return this.toString();
  }
}

function formatValue(v: MarkerValue): string {
  if (v.kind === "variable") return v.name;
  // PEP 508 strings have no escapes: use the quote kind the value does not contain.
  return v.value.includes('"') ? `'${v.value}'` : `"${v.value}"`;
}

function formatNode(n: MarkerNode): string {
  switch (n.type) {
    case "compare":
      return `${formatValue(n.lhs)} ${n.op} ${formatValue(n.rhs)}`;
    case "group": {
      // As pypa/packaging's _format_marker: redundant parentheses go ("((a and b))" prints one
      // pair, "(a)" none); a group of several clauses keeps the pair its and/or precedence needs.
      let inner = n.inner;
      while (inner.type === "group") inner = inner.inner;
      return inner.type === "compare" ? formatNode(inner) : `(${formatNode(inner)})`;
    }
    case "and":
    case "or":
      return n.items.map(formatNode).join(` ${n.type} `);
  }
}

// ---- parser (private) ----

type Token =
  | { t: "("; pos: number }
  | { t: ")"; pos: number }
  | { t: "string"; value: string; pos: number }
  | { t: "op"; value: MarkerOperator; pos: number }
  | { t: "and" | "or"; pos: number }
  | { t: "variable"; name: MarkerVariable; pos: number }
  | { t: "end"; pos: number };

const OPERATORS = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"] as const;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (reason: string): never => {
    throw new InvalidMarker(source, reason);
  };
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      tokens.push({ t: c, pos: i });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      // PEP 508: a string is quoted with ' or " and contains no quote of its own kind.
      const end = source.indexOf(c, i + 1);
      if (end === -1) fail(`unterminated string starting at position ${i}`);
      tokens.push({ t: "string", value: source.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ t: "op", value: op, pos: i });
      i += op.length;
      continue;
    }
    const word = /^[A-Za-z0-9_.]+/.exec(source.slice(i))?.[0];
    if (!word) fail(`unexpected character ${JSON.stringify(c)} at position ${i}`);
    const pos = i;
    i += word!.length;
    if (word === "and" || word === "or") tokens.push({ t: word, pos });
    else if (word === "in") tokens.push({ t: "op", value: "in", pos });
    else if (word === "not") {
      const m = /^\s+in(?![A-Za-z0-9_.])/.exec(source.slice(i));
      if (!m) fail(`expected "in" after "not" at position ${pos}`);
      i += m![0].length;
      tokens.push({ t: "op", value: "not in", pos });
    } else {
      const name = VARIABLES.has(word!) ? (word as MarkerVariable) : ALIASES[word!];
      if (!name) fail(`unknown marker variable ${JSON.stringify(word)} at position ${pos}`);
      tokens.push({ t: "variable", name: name!, pos });
    }
  }
  tokens.push({ t: "end", pos: source.length });
  return tokens;
}

/**
 * PEP 685: the string an `extra` is compared with is a name, kept in its normalized form (as
 * pypa/packaging's _normalize_extras does at parse time), so `extra == "build_docs"` prints, and
 * compares, as `extra == "build-docs"`.
 */
function normalizeExtra(lhs: MarkerValue, rhs: MarkerValue): { lhs: MarkerValue; rhs: MarkerValue } {
  const isExtra = (v: MarkerValue): boolean => v.kind === "variable" && v.name === "extra";
  const normalized = (v: MarkerValue): MarkerValue => (v.kind === "string" ? { kind: "string", value: canonicalizeName(v.value) } : v);
  if (isExtra(lhs)) return { lhs, rhs: normalized(rhs) };
  if (isExtra(rhs)) return { lhs: normalized(lhs), rhs };
  return { lhs, rhs };
}

/** Parses a PEP 508 marker expression; throws InvalidMarker naming the position of the problem. */
export function parseMarker(marker: string): Marker {
  const tokens = tokenize(marker);
  let k = 0;
  const peek = (): Token => tokens[k]!;
  const fail = (expected: string): never => {
    const tok = peek();
    const found = tok.t === "end" ? "end of marker" : `position ${tok.pos}`;
    throw new InvalidMarker(marker, `expected ${expected} at ${found}`);
  };

  const value = (): MarkerValue => {
    const tok = peek();
    if (tok.t === "string") {
      k++;
      return { kind: "string", value: tok.value };
    }
    if (tok.t === "variable") {
      k++;
      return { kind: "variable", name: tok.name };
    }
    return fail("a marker variable or a quoted string");
  };

  const atom = (): MarkerNode => {
    if (peek().t === "(") {
      k++;
      const inner = or();
      if (peek().t !== ")") fail('")"');
      k++;
      return { type: "group", inner };
    }
    const lhs = value();
    const tok = peek();
    if (tok.t !== "op") return fail("a comparison operator");
    k++;
    const rhs = value();
    return { type: "compare", ...normalizeExtra(lhs, rhs), op: tok.value };
  };

  const and = (): MarkerNode => {
    const items = [atom()];
    while (peek().t === "and") {
      k++;
      items.push(atom());
    }
    return items.length === 1 ? items[0]! : { type: "and", items };
  };

  // PEP 508: `and` binds tighter than `or`.
  const or = (): MarkerNode => {
    const items = [and()];
    while (peek().t === "or") {
      k++;
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { type: "or", items };
  };

  if (peek().t === "end") fail("a marker expression");
  const tree = or();
  if (peek().t !== "end") fail('"and", "or" or the end of the marker');
  return new Marker(tree);
}

// ---- evaluation ----

/**
 * Evaluates `marker` against `env`. With `extras`, the marker holds when it holds for any one of
 * them as `extra` (an empty list means no extra, `extra == ""`); without, `env.extra` (default "")
 * is used.
 */
export function evaluateMarker(marker: Marker, env: MarkerEnvironment, extras?: readonly string[]): boolean {
  // The marker's text is only needed for error messages: build it lazily.
  const source = (): string => marker.toString();
  if (extras === undefined) return evalNode(marker.tree, { ...env, extra: env.extra ?? "" }, source);
  if (extras.length === 0) return evalNode(marker.tree, { ...env, extra: "" }, source);
  return extras.some((extra) => evalNode(marker.tree, { ...env, extra }, source));
}

function evalNode(n: MarkerNode, env: MarkerEnvironment, source: () => string): boolean {
  switch (n.type) {
    case "group":
      return evalNode(n.inner, env, source);
    case "and":
      return n.items.every((i) => evalNode(i, env, source));
    case "or":
      return n.items.some((i) => evalNode(i, env, source));
    case "compare":
      return evalCompare(n.lhs, n.op, n.rhs, env, source);
  }
}

function resolve(v: MarkerValue, env: MarkerEnvironment, source: () => string): string {
  if (v.kind === "string") return v.value;
  const value = env[v.name];
  if (typeof value !== "string") {
    throw new InvalidMarker(source(), `the environment has no value for ${v.name}`);
  }
  return value;
}

function evalCompare(lhsValue: MarkerValue, op: MarkerOperator, rhsValue: MarkerValue, env: MarkerEnvironment, source: () => string): boolean {
  let lhs = resolve(lhsValue, env, source);
  let rhs = resolve(rhsValue, env, source);
  const isExtra = (v: MarkerValue): boolean => v.kind === "variable" && v.name === "extra";
  // PEP 685: extra names are compared in their normalized form.
  if (isExtra(lhsValue) || isExtra(rhsValue)) {
    lhs = canonicalizeName(lhs);
    rhs = canonicalizeName(rhs);
  }
  if (op === "in") return rhs.includes(lhs);
  if (op === "not in") return !rhs.includes(lhs);

  // PEP 508: use PEP 440 version comparison when both sides are versions (as the right-hand
  // side makes a valid specifier); otherwise fall back to Python's string operators.
  const candidate = tryParseVersion(lhs);
  if (candidate !== null || op === "===") {
    let spec: Specifier | null = null;
    try {
      spec = new Specifier(`${op}${rhs}`);
    } catch (e) {
      if (!(e instanceof InvalidSpecifier)) throw e;
    }
    // Markers describe an existing interpreter: pre-releases of Python must still compare.
    // `===` compares the strings as written.
    if (spec) return spec.contains(op === "===" || candidate === null ? lhs : candidate, { prereleases: true });
  }
  switch (op) {
    case "==":
    case "===":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "<":
      return lhs < rhs;
    case "<=":
      return lhs <= rhs;
    case ">":
      return lhs > rhs;
    case ">=":
      return lhs >= rhs;
    case "~=":
      throw new InvalidMarker(source(), `cannot compare ${JSON.stringify(lhs)} ~= ${JSON.stringify(rhs)}: not versions`);
  }
}
