// The conformance check on real wheels (issue 10, "prove it on real data"): for each wheel of the
// local corpus, our packaging library against Python's own `packaging` (a differential test on the
// same METADATA text), PEP 440 parsing and ordering of every version string in the corpus, and an
// upload over the real upload route. `npm run conformance` runs it on the whole corpus
// (scripts/conformance.ts); corpus-sample.test.ts on a few dozen wheels inside `npm test`.
//
// What "agree" means, field by field (both sides reduced to the strings packaging's str() prints;
// see dump_metadata.py for Python's side):
// - raw: the header values as each email parser reads them (Name, Version, Requires-Dist,
//   Requires-Python, Provides-Extra), compared exactly: the same text in, the same strings out;
// - name: the PEP 503 normalized name, or both refuse it;
// - version: the PEP 440 normalized string, or both refuse it;
// - requires-dist: each entry's normalized spelling (`name[extras]<2,>=1; marker`), or both refuse it;
// - requires-python: the specifier set's normalized spelling (clauses sorted), or both refuse it;
// - provides-extra: each extra normalized (PEP 685), or both refuse it;
// - the whole file: whatever packaging accepts with full validation (what PyPI runs on upload),
//   ours must accept too (validate: true, as upload-distribution.ts calls it). Ours may accept
//   more (older tools' metadata 2.0, unknown fields): counted, not a disagreement.
import { createHash } from "node:crypto";
import { createReadStream, openAsBlob, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  InvalidMetadata,
  SpecifierSet,
  canonicalizeName,
  isValidProjectName,
  parseMetadata,
  parseRawMetadata,
  tryParseRequirement,
  tryParseVersion,
  type Requirement,
} from "@wheelhouse/packaging";
import { createVenv } from "../support/python.ts";
import { describeRun, run } from "../support/run.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { findLocalWheel, type LocalWheel } from "./local-index.ts";

const DUMP = fileURLToPath(new URL("./dump_metadata.py", import.meta.url));
const INVALID = "!invalid";

/** The fields compared, in Python's (packaging's RawMetadata) spelling. */
interface Fields {
  name: string | null;
  version: string | null;
  requires_dist: string[];
  requires_python: string | null;
  provides_extra: string[];
}

interface PythonWheel {
  filename: string;
  error?: string;
  text?: string;
  raw?: {
    metadata_version: string | null;
    name: string | null;
    version: string | null;
    requires_dist: string[] | null;
    requires_python: string | null;
    provides_extra: string[] | null;
  };
  typed?: Fields;
  spec_versions?: string[];
  valid?: boolean;
  problems?: string[];
}

export interface Disagreement {
  filename: string;
  field: string;
  ours: unknown;
  packaging: unknown;
}

export interface ConformanceReport {
  packagingVersion: string;
  wheels: number;
  /** METADATA read (Python's zipfile found and decoded it). */
  read: number;
  /** How many wheels declare each Metadata-Version. */
  metadataVersions: Record<string, number>;
  unreadable: { filename: string; error: string }[];
  /** Parsed by our parseMetadata with validation, as upload does. */
  parsed: number;
  parseFailures: { filename: string; errors: string[] }[];
  /** Wheels on which every compared field agrees. */
  agreements: number;
  disagreements: Disagreement[];
  /** Files packaging's full validation refuses and ours accepts (older tools' metadata). */
  lenient: { filename: string; problems: string[] }[];
  versions: { strings: number; valid: number; sortedAlike: boolean; disagreements: Disagreement[] };
  uploads: { accepted: number; refused: { filename: string; status: number; message: string }[] } | null;
}

/** A fresh venv with packaging 26.3 installed from the local corpus by an isolated pip; its python. */
export async function pythonWithPackaging(version = "26.3"): Promise<string> {
  const wheel = findLocalWheel(`packaging-${version}-`);
  if (wheel === null) throw new Error(`packaging ${version} is not in the local index`);
  const venv = await createVenv(await makeTempDir("wh-conformance-venv-"));
  const result = await run(venv.python, ["-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-index", wheel.path], {
    env: isolatedPipEnv(),
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(describeRun("pip install packaging", result));
  return venv.python;
}

async function dump<T>(python: string, mode: "metadata" | "versions", input: object): Promise<T> {
  const dir = await makeTempDir("wh-conformance-io-");
  const [source, target] = [join(dir, "in.json"), join(dir, "out.json")];
  await writeFile(source, JSON.stringify(input));
  const result = await run(python, [DUMP, mode, source, target], { env: isolatedPipEnv(), timeoutMs: 1_800_000 });
  if (result.code !== 0) throw new Error(describeRun(`dump_metadata.py ${mode}`, result));
  return JSON.parse(await readFile(target, "utf8")) as T;
}

/** Versions written in a specifier set's clauses (`.*` prefixes and `===` strings are not versions). */
function specVersions(set: SpecifierSet): string[] {
  return [...set].filter((s) => s.operator !== "===" && !s.version.endsWith(".*")).map((s) => s.version);
}

/** Our side of one wheel, reduced as dump_metadata.py reduces packaging's. */
function ours(text: string): { raw: PythonWheel["raw"]; typed: Fields; specVersions: string[]; errors: string[] | null } {
  const { raw } = parseRawMetadata(text);
  const versions: string[] = [];
  const requirement = (r: string): string => {
    const parsed: Requirement | null = tryParseRequirement(r);
    if (parsed === null) return INVALID;
    versions.push(...specVersions(parsed.specifier));
    return parsed.toString();
  };
  let requiresPython: string | null = null;
  if (raw.requiresPython !== undefined) {
    try {
      const set = new SpecifierSet(raw.requiresPython);
      requiresPython = set.toString();
      versions.push(...specVersions(set));
    } catch {
      requiresPython = INVALID;
    }
  }
  const normalizedName = (n: string): string => (isValidProjectName(n) ? canonicalizeName(n) : INVALID);
  const typed: Fields = {
    name: raw.name === undefined ? null : normalizedName(raw.name),
    version: raw.version === undefined ? null : (tryParseVersion(raw.version)?.toString() ?? INVALID),
    requires_dist: (raw.requiresDist ?? []).map(requirement),
    requires_python: requiresPython,
    provides_extra: (raw.providesExtra ?? []).map(normalizedName),
  };
  let errors: string[] | null = null;
  try {
    parseMetadata(text, { validate: true });
  } catch (e) {
    if (!(e instanceof InvalidMetadata)) throw e;
    errors = e.errors;
  }
  return {
    raw: {
      metadata_version: raw.metadataVersion ?? null,
      name: raw.name ?? null,
      version: raw.version ?? null,
      requires_dist: raw.requiresDist ?? null,
      requires_python: raw.requiresPython ?? null,
      provides_extra: raw.providesExtra ?? null,
    },
    typed,
    specVersions: versions,
    errors,
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The version string in a wheel filename (PEP 427: `{name}-{version}-…`). */
function filenameVersion(filename: string): string {
  return filename.split("-")[1]!;
}

/** Sorts as dump_metadata.py's sort_versions does: by version, ties by the string. */
function ourVersionOrder(strings: readonly string[]): { normalized: Record<string, string>; order: string[] } {
  const parsed = new Map(
    strings.flatMap((s) => {
      const v = tryParseVersion(s);
      return v === null ? [] : [[s, v] as const];
    }),
  );
  const order = [...parsed.keys()].sort((a, b) => parsed.get(a)!.compare(parsed.get(b)!) || (a < b ? -1 : a > b ? 1 : 0));
  return { normalized: Object.fromEntries([...parsed].map(([s, v]) => [s, v.toString()])), order };
}

export interface CheckOptions {
  /** Where to upload each wheel (the legacy upload URL) and with which token; null: no uploads. */
  upload: { url: string; token: string; concurrency: number } | null;
  log?: (line: string) => void;
}

export async function checkCorpus(python: string, wheels: readonly LocalWheel[], options: CheckOptions): Promise<ConformanceReport> {
  const log = options.log ?? (() => {});
  log(`reading METADATA of ${wheels.length} wheels with Python's packaging`);
  const dumped = await dump<{ packaging: string; wheels: PythonWheel[] }>(python, "metadata", { wheels: wheels.map((w) => w.path) });
  const report: ConformanceReport = {
    packagingVersion: dumped.packaging,
    wheels: wheels.length,
    read: 0,
    metadataVersions: {},
    unreadable: [],
    parsed: 0,
    parseFailures: [],
    agreements: 0,
    disagreements: [],
    lenient: [],
    versions: { strings: 0, valid: 0, sortedAlike: false, disagreements: [] },
    uploads: null,
  };
  const versionStrings = new Set<string>();
  for (const theirs of dumped.wheels) {
    versionStrings.add(filenameVersion(theirs.filename));
    if (theirs.text === undefined) {
      report.unreadable.push({ filename: theirs.filename, error: theirs.error ?? "unknown" });
      continue;
    }
    report.read++;
    const mine = ours(theirs.text);
    const declared = mine.raw!.metadata_version ?? "(none)";
    report.metadataVersions[declared] = (report.metadataVersions[declared] ?? 0) + 1;
    if (mine.errors === null) report.parsed++;
    else report.parseFailures.push({ filename: theirs.filename, errors: mine.errors });
    const found: Disagreement[] = [];
    for (const field of Object.keys(mine.raw!) as (keyof NonNullable<PythonWheel["raw"]>)[]) {
      if (!same(mine.raw![field], theirs.raw![field]))
        found.push({ filename: theirs.filename, field: `raw ${field}`, ours: mine.raw![field], packaging: theirs.raw![field] });
    }
    for (const field of Object.keys(mine.typed) as (keyof Fields)[]) {
      if (!same(mine.typed[field], theirs.typed![field]))
        found.push({ filename: theirs.filename, field, ours: mine.typed[field], packaging: theirs.typed![field] });
    }
    if (theirs.valid && mine.errors !== null) found.push({ filename: theirs.filename, field: "validity", ours: mine.errors, packaging: "valid" });
    if (!theirs.valid && mine.errors === null) report.lenient.push({ filename: theirs.filename, problems: theirs.problems ?? [] });
    if (found.length === 0) report.agreements++;
    report.disagreements.push(...found);
    if (mine.raw!.version) versionStrings.add(mine.raw!.version);
    for (const v of [...mine.specVersions, ...(theirs.spec_versions ?? [])]) versionStrings.add(v);
  }

  log(`parsing and sorting ${versionStrings.size} version strings with both libraries`);
  const strings = [...versionStrings].sort();
  const theirOrder = await dump<{ normalized: Record<string, string>; order: string[] }>(python, "versions", { versions: strings });
  const myOrder = ourVersionOrder(strings);
  report.versions.strings = strings.length;
  report.versions.valid = myOrder.order.length;
  for (const s of strings) {
    const [a, b] = [myOrder.normalized[s] ?? INVALID, theirOrder.normalized[s] ?? INVALID];
    if (a !== b) report.versions.disagreements.push({ filename: "(version string)", field: JSON.stringify(s), ours: a, packaging: b });
  }
  report.versions.sortedAlike = same(myOrder.order, theirOrder.order);
  if (!report.versions.sortedAlike) {
    const i = myOrder.order.findIndex((s, k) => s !== theirOrder.order[k]);
    report.versions.disagreements.push({
      filename: "(order)",
      field: `first difference at position ${i}`,
      ours: myOrder.order.slice(i, i + 3),
      packaging: theirOrder.order.slice(i, i + 3),
    });
  }

  if (options.upload) {
    log(`uploading ${wheels.length} wheels to ${options.upload.url}`);
    report.uploads = await uploadAll(wheels, dumped.wheels, options.upload, log);
  }
  return report;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Each wheel through the legacy upload route, with the form twine sends (the file streamed from disk). */
async function uploadAll(
  wheels: readonly LocalWheel[],
  dumped: readonly PythonWheel[],
  target: { url: string; token: string; concurrency: number },
  log: (line: string) => void,
): Promise<NonNullable<ConformanceReport["uploads"]>> {
  const metadataVersion = new Map(dumped.map((w) => [w.filename, w.raw?.metadata_version ?? "2.1"]));
  const result: NonNullable<ConformanceReport["uploads"]> = { accepted: 0, refused: [] };
  const authorization = `Basic ${Buffer.from(`__token__:${target.token}`).toString("base64")}`;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < wheels.length) {
      const wheel = wheels[next++]!;
      const [name, version, pythonTag] = wheel.filename
        .replace(/\.whl$/, "")
        .split("-")
        .filter((_, i, parts) => i === 0 || i === 1 || i === parts.length - 3);
      const form = new FormData();
      const fields: Record<string, string> = {
        ":action": "file_upload",
        protocol_version: "1",
        name: name!,
        version: version!,
        filetype: "bdist_wheel",
        pyversion: pythonTag!,
        metadata_version: metadataVersion.get(wheel.filename) ?? "2.1",
        sha256_digest: await sha256File(wheel.path),
      };
      for (const [key, value] of Object.entries(fields)) form.append(key, value);
      form.append("content", await openAsBlob(wheel.path), wheel.filename);
      const response = await fetch(target.url, { method: "POST", body: form, headers: { authorization } });
      const body = await response.text();
      if (response.status === 200) result.accepted++;
      else result.refused.push({ filename: wheel.filename, status: response.status, message: body.slice(0, 300) });
      if (++done % 100 === 0) log(`  ${done}/${wheels.length} uploaded`);
    }
  };
  await Promise.all(Array.from({ length: target.concurrency }, worker));
  return result;
}

/** The figures, and every disagreement, as lines to print. */
export function formatReport(report: ConformanceReport): string[] {
  const lines = [
    `Python packaging ${report.packagingVersion}`,
    `wheels: ${report.wheels}; METADATA read: ${report.read}` +
      `${report.unreadable.length ? ` (unreadable: ${report.unreadable.map((u) => `${u.filename}: ${u.error}`).join("; ")})` : ""}`,
    `Metadata-Version: ${Object.entries(report.metadataVersions)
      .sort()
      .map(([v, n]) => `${v} ×${n}`)
      .join(", ")}`,
    `parsed by our parser (validated, as upload does): ${report.parsed}/${report.read}`,
    ...report.parseFailures.map((f) => `  parse failure: ${f.filename}: ${f.errors.join("; ")}`),
    `agreements with Python's packaging (name, version, requires-dist, requires-python, provides-extra, raw headers, validity): ` +
      `${report.agreements}/${report.read}`,
    `disagreements: ${report.disagreements.length}`,
    ...report.disagreements.map((d) => `  ${d.filename}: ${d.field}: ours ${JSON.stringify(d.ours)} packaging ${JSON.stringify(d.packaging)}`),
    `accepted by us, refused by packaging's full validation (older tools' metadata): ${report.lenient.length}`,
    ...report.lenient.slice(0, 20).map((l) => `  ${l.filename}: ${l.problems.join("; ")}`),
    `version strings: ${report.versions.strings}, valid PEP 440: ${report.versions.valid}, ` +
      `sorted alike: ${report.versions.sortedAlike ? "yes" : "NO"}, ` +
      `disagreements: ${report.versions.disagreements.length}`,
    ...report.versions.disagreements.map((d) => `  ${d.filename} ${d.field}: ours ${JSON.stringify(d.ours)} packaging ${JSON.stringify(d.packaging)}`),
  ];
  if (report.uploads) {
    lines.push(`uploads accepted: ${report.uploads.accepted}/${report.wheels}`);
    lines.push(...report.uploads.refused.map((r) => `  refused: ${r.filename}: ${r.status} ${r.message}`));
  }
  return lines;
}

/** File size, for choosing a fast sample. */
export function fileSize(wheel: LocalWheel): number {
  return statSync(wheel.path).size;
}
