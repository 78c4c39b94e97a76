/**
 * PEP 427 wheel installation, producing what pip produces (same paths, launchers, RECORD
 * layout), so pip can list, show, check and uninstall what we install. Every file is verified
 * against the wheel's RECORD while it is extracted — once, into the unpacked-wheel cache, when
 * there is one: installs from the cache trust that check and hardlink the files from there.
 * `installWheels` installs many wheels in one transaction that also takes out the versions they
 * replace: all of them are installed, or (on any failure, even a killed process) none.
 */
import { createHash, type Hash } from "node:crypto";
import { chmodSync, createWriteStream, writeFileSync } from "node:fs";
import { chmod, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  InvalidWheelFile,
  InvalidWheelFilename,
  canonicalizeName,
  formatRecord,
  parseRawMetadata,
  parseRecord,
  parseWheelFile,
  parseWheelFilename,
  recordHash,
  type NormalizedName,
  type RecordRow,
  type WheelFile,
} from "@wheelhouse/packaging";
import type { InstalledDistribution } from "../types.ts";
import type { InspectedEnvironment, SchemePaths } from "../environment/inspect-python.ts";
import { compileFiles } from "./compile.ts";
import { launcherScript, parseEntryPoints, scriptEntryPoints } from "./entry-points.ts";
import { InstallationError } from "./errors.ts";
import { mapLimit } from "../concurrency/limit.ts";
import { PathProbe, isInside, pruneEmptyDirs, pythonJsonDumps } from "./fs-utils.ts";
import { readDistribution } from "./installed-distributions.ts";
import { Transaction, linkOrCopy, recoverTransactions, type CommitStep, type Placement } from "./transaction.ts";
import { uninstallationPaths } from "./uninstall.ts";
import { readUnpacked, storeUnpacked, unpackedFile, wheelSha256, type ManifestFile, type WheelSummary } from "./unpacked-cache.ts";
import { openWheelArchive, type ArchiveEntry, type WheelArchive } from "./wheel-archive.ts";

export type InstallStep = CommitStep | { kind: "staged"; files: number };

export interface InstallWheelsOptions {
  /** Install paths; defaults to the environment's scheme. */
  scheme?: SchemePaths;
  /** Written to INSTALLER; "wheelhouse" by default. */
  installerName?: string;
  /** Byte-compile the installed .py files with the target interpreter. Off by default, as uv does (`--compile`); pip compiles by default. */
  compile?: boolean;
  /** Cache directory: unpack each wheel once under `<cache>/unpacked/` and hardlink from there. */
  fromCache?: string;
  /** File operations in flight at once (default 32). */
  concurrency?: number;
  /** Called at each step; throwing aborts the install (tests inject failures here). Steps then run one at a time. */
  onStep?: (step: InstallStep) => void | Promise<void>;
  /**
   * Files of other distributions to take out in the same transaction (`sync` removing what its
   * file no longer lists): they go, and the wheels come, together or not at all.
   */
  alsoRemove?: readonly string[];
}

export interface InstallWheelOptions extends InstallWheelsOptions {
  /** Write REQUESTED (the user asked for it, rather than it being a dependency). */
  requested?: boolean;
  /** PEP 610 direct_url.json content, when installed from a URL or a path. */
  directUrl?: object | null;
}

/** One wheel of an `installWheels` batch. */
export interface WheelToInstall {
  path: string;
  /** Write REQUESTED. */
  requested?: boolean;
  /** PEP 610 direct_url.json content. */
  directUrl?: object | null;
  /** The wheel's sha256 (hex), when known: keys the unpacked cache without reading the wheel. */
  sha256?: string | null;
  /** False: neither read from nor stored in the unpacked cache (a one-off wheel, built from a project directory). */
  cache?: boolean;
}

export interface InstalledWheel {
  name: NormalizedName;
  displayName: string;
  version: string;
  /** Absolute path of the installed .dist-info directory. */
  distInfo: string;
  /** Every file installed, absolute. */
  files: string[];
  /** The version it replaced, if any. */
  replaced: InstalledDistribution | null;
}

const SCHEME_KEYS = ["purelib", "platlib", "headers", "scripts", "data"] as const;
const WEAK_HASHES = new Set(["md5", "sha1"]);
/** Wheels read (or unpacked into the cache) at once. */
const WHEEL_CONCURRENCY = 8;

/** A file of the wheel: where its bytes come from. */
interface SourceFile {
  name: string;
  executable: boolean;
  /** From the cache: the unpacked file, and its digest as verified when it was unpacked. */
  cached?: string;
  hash?: string;
  size?: number;
}

/** A wheel read for installing: from the unpacked cache, or from its archive. */
interface WheelSource {
  wheelName: string;
  project: NormalizedName;
  info: WheelSummary;
  files: SourceFile[];
  /** The open archive and its RECORD, when not from the cache. */
  archive: WheelArchive | null;
  record: Map<string, RecordRow> | null;
  /** Where to store it unpacked, when the cache does not have it yet. */
  store: { cacheDir: string; sha256: string } | null;
  /** Files extracted to the staging area, by archive name, with their verified digests. */
  extracted: Map<string, { path: string; mode: number; hash: string; size: number }>;
}

interface Planned {
  dest: string;
  /** From the wheel, or generated here. */
  file?: SourceFile;
  content?: Buffer;
  /** A `.data/scripts` file: `#!python` rewritten, made executable. */
  script?: boolean;
  executable: boolean;
  /** Filled in while staging. */
  hash?: string;
  size?: number;
  placement?: Placement;
}

/** Installs one wheel into `env`; returns what was installed. Leaves the environment unchanged on failure. */
export async function installWheel(wheelPath: string, env: InspectedEnvironment, options: InstallWheelOptions = {}): Promise<InstalledWheel> {
  const { requested, directUrl, ...rest } = options;
  const [installed] = await installWheels([{ path: wheelPath, requested: requested ?? false, directUrl: directUrl ?? null }], env, rest);
  return installed!;
}

/**
 * Installs the wheels (of different projects) into `env` in one transaction, taking out the
 * versions they replace; returns what was installed, in the order given. On failure the
 * environment is left as it was.
 */
export async function installWheels(
  wheels: readonly WheelToInstall[],
  env: InspectedEnvironment,
  options: InstallWheelsOptions = {},
): Promise<InstalledWheel[]> {
  if (wheels.length === 0) return [];
  const scheme = options.scheme ?? env.paths;
  const concurrency = options.concurrency ?? 32;
  const projects = wheels.map((w) => projectOf(w.path));
  const libDirs = [...new Set([scheme.purelib, scheme.platlib])];

  // One listing of each lib directory serves the recovery of interrupted transactions, the
  // lookup of the installed versions and the commit's checks of what exists.
  let listings = await readListings(libDirs);
  if ((await recoverTransactions(libDirs, listings)).length > 0) listings = await readListings(libDirs);
  const probe = new PathProbe();
  for (const [dir, names] of listings) probe.seed(dir, names);

  const sources: (WheelSource | undefined)[] = new Array(wheels.length);
  let outcome: { results: InstalledWheel[]; removed: string[]; dests: Set<string> };
  try {
    // Every wheel is read (and checked) before anything changes.
    // (Manifests from the cache all at once; archives, read into memory, a few at a time.)
    const cached = await Promise.all(wheels.map((w, i) => readCachedSource(w, projects[i]!, options.fromCache ?? null)));
    await mapLimit(wheels, WHEEL_CONCURRENCY, async (w, i) => {
      const found = cached[i] ?? null;
      sources[i] = found !== null && "files" in found ? found : await readArchiveSource(w, projects[i]!, found);
    });
    const installed = installedIndex(listings);
    const plans = wheels.map((w, i) => planWheel(sources[i]!, w, env, scheme, options));
    const replaced = await Promise.all(
      sources.map(async (source) => {
        const dist = await findInstalled(installed, source!.project);
        return { dist, remove: dist ? await uninstallationPaths(dist, env) : [] };
      }),
    );

    const tx = await Transaction.begin(scheme.purelib);
    if (listings.get(scheme.purelib) === null) probe.seed(scheme.purelib, []);
    try {
      await stage(tx, sources as WheelSource[], plans, env.python, concurrency);
      await storeInCache(sources as WheelSource[], concurrency);
      if (options.compile ?? false) await stageBytecode(tx, plans, env.python);
      const umask = process.umask();
      for (const plan of plans) {
        const rows: RecordRow[] = plan.files.map((p) => ({ path: recordPath(p.dest, plan.libDir), hash: p.hash!, size: String(p.size!) }));
        rows.push({ path: recordPath(plan.recordDest, plan.libDir), hash: "", size: "" });
        plan.files.push({ dest: plan.recordDest, executable: false, placement: { dest: plan.recordDest, content: formatRecord(rows), mode: 0o666 & ~umask } });
      }
      // One file per destination; a later wheel's wins, as when pip installs over it.
      const placements = new Map<string, Placement>();
      for (const plan of plans) for (const p of plan.files) placements.set(p.dest, p.placement!);
      if (options.fromCache) shareThroughCache(options.fromCache, plans, placements);
      else await shareIdenticalFiles(tx, placements);
      await options.onStep?.({ kind: "staged", files: placements.size });
      const removed = await tx.commit({
        moves: [...placements.values()],
        remove: [...replaced.flatMap((r) => r.remove), ...(options.alsoRemove ?? [])],
        probe,
        concurrency,
        ...(options.onStep ? { onStep: options.onStep } : {}),
      });
      outcome = {
        removed,
        dests: new Set(placements.keys()),
        results: plans.map((plan, i) => ({
          name: sources[i]!.project,
          displayName: sources[i]!.info.name,
          version: sources[i]!.info.version,
          distInfo: plan.infoDir,
          files: plan.files.map((p) => p.dest),
          replaced: replaced[i]!.dist,
        })),
      };
    } catch (e) {
      await tx.abort();
      throw e;
    }
  } finally {
    for (const source of sources) source?.archive?.close();
  }
  await pruneEmptyDirs(
    outcome.removed.filter((p) => !outcome.dests.has(p)).map((p) => path.dirname(p)),
    [scheme.purelib, scheme.platlib, scheme.scripts, scheme.data, scheme.include],
  );
  return outcome.results;
}

function projectOf(wheelPath: string): NormalizedName {
  const wheelName = path.basename(wheelPath);
  try {
    return parseWheelFilename(wheelName).name;
  } catch (e) {
    if (e instanceof InvalidWheelFilename) throw new InstallationError(`${wheelName} is not a valid wheel filename: ${e.message}.`);
    throw e;
  }
}

async function readListings(dirs: readonly string[]): Promise<Map<string, string[] | null>> {
  const names = await Promise.all(dirs.map((dir) => readdir(dir).catch(() => null)));
  return new Map(dirs.map((dir, i) => [dir, names[i]!]));
}

/**
 * The metadata directories of the lib directories by normalized project name, in the order a
 * lookup tries them. A directory is named `<name>-<version>.dist-info` (egg-info: more parts
 * after the version), so it is filed under each of its `-`-separated prefixes; the metadata
 * inside decides.
 */
function installedIndex(listings: ReadonlyMap<string, readonly string[] | null>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const [dir, names] of listings) {
    for (const name of [...(names ?? [])].sort()) {
      if (!name.endsWith(".dist-info") && !name.endsWith(".egg-info")) continue;
      const parts = name.slice(0, name.lastIndexOf(".")).split("-");
      const keys = new Set(parts.map((_, i) => canonicalizeName(parts.slice(0, i + 1).join("-"))));
      for (const key of keys) index.set(key, [...(index.get(key) ?? []), path.join(dir, name)]);
    }
  }
  return index;
}

/** The installed distribution of `project` in the lib directories (the first one, as importlib.metadata finds it), or null. */
async function findInstalled(index: ReadonlyMap<string, string[]>, project: NormalizedName): Promise<InstalledDistribution | null> {
  for (const infoPath of index.get(project) ?? []) {
    const dist = await readDistribution(infoPath);
    if (dist && dist.name === project) return dist;
  }
  return null;
}

/** A wheel from the unpacked cache; otherwise where to store it there (null without a cache). */
async function readCachedSource(wheel: WheelToInstall, project: NormalizedName, cacheDir: string | null): Promise<WheelSource | WheelSource["store"]> {
  if (cacheDir === null || wheel.cache === false) return null;
  const wheelName = path.basename(wheel.path);
  const sha256 = await wheelSha256(cacheDir, wheel.path, wheel.sha256);
  const unpacked = await readUnpacked(cacheDir, sha256);
  if (!unpacked) return { cacheDir, sha256 };
  checkSummary(unpacked.manifest.wheel, wheelName, project);
  const files = unpacked.manifest.files.map((f, i) => ({ ...f, cached: unpackedFile(unpacked.dir, i) }));
  return { wheelName, project, info: unpacked.manifest.wheel, files, archive: null, record: null, store: null, extracted: new Map() };
}

/** A wheel from its archive, checked (to be unpacked into the cache when `store` says where). */
async function readArchiveSource(wheel: WheelToInstall, project: NormalizedName, store: WheelSource["store"]): Promise<WheelSource> {
  const wheelName = path.basename(wheel.path);
  const archive = await openWheelArchive(wheel.path);
  try {
    const info = await readWheel(archive, wheelName, project);
    checkEntries(archive.entries, info, wheelName);
    const files = archive.entries.map((e) => ({ name: e.name, executable: e.executable }));
    return { wheelName, project, info: summaryOf(info), files, archive, record: info.record, store, extracted: new Map() };
  } catch (e) {
    archive.close();
    throw e;
  }
}

/**
 * Stores the wheels read from their archives in the unpacked cache: the files extracted (and
 * verified) for this install are hardlinked there, the others extracted.
 */
async function storeInCache(sources: readonly WheelSource[], concurrency: number): Promise<void> {
  const umask = process.umask();
  const modes = [0o666 & ~umask, executableMode(umask)];
  await mapLimit(
    sources.filter((s) => s.store !== null),
    WHEEL_CONCURRENCY,
    async (source) => {
      const archive = source.archive!;
      await storeUnpacked(source.store!.cacheDir, source.store!.sha256, async (dir) => {
        const files = await mapLimit(archive.entries, concurrency, async (entry, i): Promise<ManifestFile> => {
          const to = unpackedFile(dir, i);
          const mode = modes[Number(entry.executable)]!;
          const done = source.extracted.get(entry.name);
          // (A staged script was written without its x bits: the cache gets its own copy.)
          if (done && done.mode === mode) {
            await linkOrCopy(done.path, to, mode);
            return { name: entry.name, executable: entry.executable, hash: done.hash, size: done.size };
          }
          const digest = await extractVerified(archive, entry, source.record!.get(entry.name), to, source.wheelName, mode);
          return { name: entry.name, executable: entry.executable, ...digest };
        });
        return { wheel: source.info, files };
      });
    },
  );
}

function summaryOf(info: WheelInfo): WheelSummary {
  return { infoDir: info.infoDir, name: info.name, version: info.version, rootIsPurelib: info.rootIsPurelib, entryPointsText: info.entryPointsText };
}

/** The checks of `readWheel` that depend on the wheel's file name, for a wheel read from the cache. */
function checkSummary(info: WheelSummary, wheelName: string, project: NormalizedName): void {
  if (!canonicalizeName(info.infoDir).startsWith(project)) {
    throw new InstallationError(
      `${wheelName} is not a valid wheel: .dist-info directory ${JSON.stringify(info.infoDir)} does not start with ${JSON.stringify(project)}.`,
    );
  }
  if (canonicalizeName(info.name) !== project) {
    throw new InstallationError(
      `${wheelName} has inconsistent name: the filename has ${JSON.stringify(project)}, but the metadata has ${JSON.stringify(info.name)}.`,
    );
  }
}

/** Every file must be listed in RECORD with a strong hash (RECORD and its signatures excepted). */
function checkEntries(entries: readonly ArchiveEntry[], wheel: WheelInfo, wheelName: string): void {
  const unsigned = new Set(["RECORD", "RECORD.jws", "RECORD.p7s"].map((f) => `${wheel.infoDir}/${f}`));
  for (const { name } of entries) {
    if (unsigned.has(name)) continue;
    const row = wheel.record.get(name);
    if (!row) throw new InstallationError(`${wheelName} is not a valid wheel: ${name} is not listed in RECORD.`);
    if (!row.hash) throw new InstallationError(`${wheelName} is not a valid wheel: RECORD has no hash for ${name}.`);
    const algorithm = row.hash.split("=", 1)[0]!.toLowerCase();
    if (WEAK_HASHES.has(algorithm))
      throw new InstallationError(`${wheelName} is not a valid wheel: RECORD uses the weak hash ${algorithm} for ${name} (PEP 427 requires sha256 or better).`);
  }
}

interface WheelPlan {
  libDir: string;
  infoDir: string;
  recordDest: string;
  files: Planned[];
}

/** Where each file of the wheel goes, plus the launchers and the metadata files written here (RECORD comes last). */
function planWheel(source: WheelSource, wheel: WheelToInstall, env: InspectedEnvironment, scheme: SchemePaths, options: InstallWheelsOptions): WheelPlan {
  const info = source.info;
  const libDir = info.rootIsPurelib ? scheme.purelib : scheme.platlib;
  const infoDir = path.join(libDir, info.infoDir);
  const { console, gui } = scriptEntryPoints(parseEntryPoints(info.entryPointsText));
  const plan = planFiles(source, scheme, libDir, console, gui);
  // Launchers for the entry points, as pip's ScriptMaker writes them.
  for (const [name, value] of [...consoleScriptSpecs(console, env), ...gui]) {
    plan.push({ dest: path.join(scheme.scripts, name), content: Buffer.from(launcherScript(env.python, name, value)), executable: true });
  }
  plan.push({ dest: path.join(infoDir, "INSTALLER"), content: Buffer.from(`${options.installerName ?? "wheelhouse"}\n`), executable: false });
  if (wheel.directUrl) plan.push({ dest: path.join(infoDir, "direct_url.json"), content: Buffer.from(pythonJsonDumps(wheel.directUrl)), executable: false });
  if (wheel.requested) plan.push({ dest: path.join(infoDir, "REQUESTED"), content: Buffer.alloc(0), executable: false });
  // One file per destination; a later one wins, as when pip writes over it.
  const byDest = new Map<string, Planned>();
  for (const p of plan) byDest.set(p.dest, p);
  return { libDir, infoDir, recordDest: path.join(infoDir, "RECORD"), files: [...byDest.values()] };
}

interface WheelInfo {
  infoDir: string;
  dataDir: string;
  name: string;
  version: string;
  rootIsPurelib: boolean;
  record: Map<string, RecordRow>;
  entryPointsText: string;
}

async function readWheel(archive: WheelArchive, wheelName: string, projectName: NormalizedName): Promise<WheelInfo> {
  const invalid = (reason: string): never => {
    throw new InstallationError(`${wheelName} is not a valid wheel: ${reason}.`);
  };
  const topLevel = new Set(archive.entries.map((e) => e.name.split("/")[0]!));
  const infoDirs = [...topLevel].filter((n) => n.endsWith(".dist-info"));
  if (infoDirs.length === 0) invalid(".dist-info directory not found");
  if (infoDirs.length > 1) invalid(`multiple .dist-info directories found: ${infoDirs.join(", ")}`);
  const infoDir = infoDirs[0]!;
  if (!canonicalizeName(infoDir).startsWith(projectName))
    invalid(`.dist-info directory ${JSON.stringify(infoDir)} does not start with ${JSON.stringify(projectName)}`);

  const text = async (file: string): Promise<string | null> => {
    const entry = archive.byName.get(`${infoDir}/${file}`);
    return entry ? (await archive.read(entry)).toString("utf8") : null;
  };
  const wheelText = (await text("WHEEL")) ?? invalid(`${infoDir}/WHEEL is missing`);
  const wheelFile = readWheelFile(wheelText, wheelName, invalid);

  const metadataText = (await text("METADATA")) ?? invalid(`${infoDir}/METADATA is missing`);
  const { raw } = parseRawMetadata(metadataText);
  if (!raw.name || !raw.version) invalid("METADATA has no Name or Version");
  if (canonicalizeName(raw.name!) !== projectName) {
    throw new InstallationError(
      `${wheelName} has inconsistent name: the filename has ${JSON.stringify(projectName)}, but the metadata has ${JSON.stringify(raw.name)}.`,
    );
  }
  const recordText = (await text("RECORD")) ?? invalid(`${infoDir}/RECORD is missing`);
  const record = new Map(parseRecord(recordText).map((r) => [r.path, r]));
  return {
    infoDir,
    dataDir: `${infoDir.slice(0, -".dist-info".length)}.data`,
    name: raw.name!,
    version: raw.version!,
    rootIsPurelib: wheelFile.rootIsPurelib,
    record,
    entryPointsText: (await text("entry_points.txt")) ?? "",
  };
}

function planFiles(source: WheelSource, scheme: SchemePaths, libDir: string, console: Map<string, string>, gui: Map<string, string>): Planned[] {
  const { info, wheelName } = source;
  const schemeDirs: Record<(typeof SCHEME_KEYS)[number], string> = {
    purelib: scheme.purelib,
    platlib: scheme.platlib,
    headers: path.join(scheme.include, info.name),
    scripts: scheme.scripts,
    data: scheme.data,
  };
  const plan: Planned[] = [];
  for (const file of source.files) {
    const name = file.name;
    if (name === `${info.infoDir}/RECORD`) continue;
    const parts = name.split("/");
    if (parts[0]!.endsWith(".data")) {
      if (parts.length < 3) {
        throw new InstallationError(
          `Unexpected file in ${wheelName}: ${JSON.stringify(name)}. .data directory contents should be named like: '<scheme key>/<path>'.`,
        );
      }
      const key = parts[1]!;
      if (!(SCHEME_KEYS as readonly string[]).includes(key)) {
        throw new InstallationError(
          `Unknown scheme key used in ${wheelName}: ${key} (for file ${JSON.stringify(name)}). ` +
            `.data directory contents should be in subdirectories named with a valid scheme key (${[...SCHEME_KEYS].sort().join(", ")})`,
        );
      }
      const base = schemeDirs[key as (typeof SCHEME_KEYS)[number]];
      const dest = safeJoin(base, parts.slice(2).join("/"), wheelName, name);
      if (key === "scripts") {
        // setuptools' own wrappers for entry points (EP, EP.exe, EP-script.py) are replaced by ours.
        const base = path.basename(dest);
        const lower = base.toLowerCase();
        const match = lower.endsWith(".exe") || lower.endsWith(".pya") ? base.slice(0, -4) : lower.endsWith("-script.py") ? base.slice(0, -10) : base;
        if (console.has(match) || gui.has(match)) continue;
        plan.push({ dest, file, script: true, executable: true });
      } else plan.push({ dest, file, executable: file.executable });
    } else {
      plan.push({ dest: safeJoin(libDir, name, wheelName, name), file, executable: file.executable });
    }
  }
  return plan;
}

function executableMode(umask = process.umask()): number {
  return (0o777 & ~umask) | 0o111;
}

/**
 * Decides how each file gets in place: hardlinked from the unpacked cache (its digest from the
 * manifest), extracted and verified into the staging area, or written (generated files, and
 * scripts whose `#!python` line is rewritten). Fills in every file's hash and size.
 */
async function stage(tx: Transaction, sources: readonly WheelSource[], plans: readonly WheelPlan[], python: string, concurrency: number): Promise<void> {
  const umask = process.umask();
  const fileMode = 0o666 & ~umask;
  const execMode = executableMode(umask);
  if (sources.some((s) => s.archive !== null)) await tx.prepareStaging();
  const jobs = plans.flatMap((plan, w) => plan.files.map((p) => ({ p, source: sources[w]! })));
  let slots = 0;
  await mapLimit(jobs, concurrency, async ({ p, source }) => {
    if (p.content !== undefined) {
      p.placement = { dest: p.dest, content: p.content, mode: p.executable ? execMode : fileMode };
      p.hash = recordHash(p.content);
      p.size = p.content.length;
      return;
    }
    const file = p.file!;
    const cached = file.cached ?? null;
    let staged: string | null = null;
    if (cached === null) {
      const slot = `f${slots++}`;
      staged = tx.stagedPath(slot);
      const mode = p.executable && !p.script ? execMode : fileMode;
      const digest = await extractVerified(
        source.archive!,
        source.archive!.byName.get(file.name)!,
        source.record!.get(file.name),
        staged,
        source.wheelName,
        mode,
      );
      source.extracted.set(file.name, { path: staged, mode, ...digest });
      p.hash = digest.hash;
      p.size = digest.size;
      p.placement = { dest: p.dest, slot };
    } else {
      p.hash = file.hash!;
      p.size = file.size!;
      p.placement = { dest: p.dest, link: cached, mode: p.executable ? execMode : fileMode };
    }
    if (p.script) {
      // pip's fix_script: `#!python…` becomes `#!<interpreter>` (the rest of the line dropped).
      let data = await readFile(staged ?? cached!);
      if (data.subarray(0, 8).toString("latin1") === "#!python") {
        const eol = data.indexOf(0x0a);
        data = Buffer.concat([Buffer.from(`#!${python}\n`), eol < 0 ? Buffer.alloc(0) : data.subarray(eol + 1)]);
      }
      p.placement = { dest: p.dest, content: data, mode: execMode };
      p.hash = recordHash(data);
      p.size = data.length;
    }
  });
}

/** Entries up to this size are checked in memory, before they are written; larger ones are streamed. */
const IN_MEMORY_MAX = 8 * 1024 * 1024;

/**
 * Writes one archive entry to `to` (a new file, with `mode`), checking its size and hash against
 * RECORD on the way. Returns its sha256 as RECORD writes it.
 */
async function extractVerified(
  archive: WheelArchive,
  entry: ArchiveEntry,
  row: RecordRow | undefined,
  to: string,
  wheelName: string,
  mode: number,
): Promise<{ hash: string; size: number }> {
  const [algorithm, expected] = row?.hash ? splitHash(row.hash) : [null, null];
  const sha256 = createHash("sha256");
  let check: Hash | null = null;
  if (algorithm && algorithm !== "sha256") {
    try {
      check = createHash(algorithm);
    } catch {
      throw new InstallationError(`${wheelName} is not a valid wheel: RECORD uses the unknown hash algorithm ${algorithm} for ${entry.name}.`);
    }
  }
  const verify = (size: number): string => {
    const sha = sha256.digest();
    const actual = check ? check.digest() : sha;
    if (expected !== null && actual.toString("base64url") !== expected.replace(/=+$/, "")) {
      throw new InstallationError(
        `${wheelName} is corrupt: ${entry.name} has ${algorithm}=${actual.toString("base64url")}, but RECORD says ${row!.hash}. Nothing was installed.`,
      );
    }
    if (row?.size && Number(row.size) !== size) {
      throw new InstallationError(`${wheelName} is corrupt: ${entry.name} is ${size} bytes, but RECORD says ${row.size}. Nothing was installed.`);
    }
    return `sha256=${sha.toString("base64url")}`;
  };
  let hash: string;
  let size = 0;
  if (entry.size <= IN_MEMORY_MAX) {
    const data = await archive.read(entry);
    sha256.update(data);
    check?.update(data);
    size = data.length;
    hash = verify(size);
    // Synchronous, as the transaction's placements are: a small file is one quick write, and the
    // promise version costs a thread-pool round trip per file of every wheel.
    writeFileSync(to, data, { mode, flag: "wx" });
  } else {
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sha256.update(chunk);
        check?.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(await archive.open(entry), tap, createWriteStream(to, { mode, flags: "wx" }));
    hash = verify(size);
  }
  // The umask may have taken bits the file must have (the x of an executable).
  if ((mode & ~process.umask()) !== mode) chmodSync(to, mode);
  return { hash, size };
}

/**
 * Generated metadata files (INSTALLER, REQUESTED, direct_url.json, and RECORD when it does not
 * list a launcher or script, whose content names the interpreter) are the same from one install
 * to the next: they are hardlinked from `<cache>/unpacked/generated/<sha256 of mode and content>`,
 * written there the first time. Creating a file costs far more than linking one on most file
 * systems; the files are never changed in place (pip and we replace RECORD, never rewrite it).
 */
function shareThroughCache(cacheDir: string, plans: readonly WheelPlan[], placements: Map<string, Placement>): void {
  for (const plan of plans) {
    const interpreterSpecific = plan.files.some((p) => p.executable && (p.script || p.content !== undefined));
    for (const p of plan.files) {
      const placement = placements.get(p.dest);
      if (!placement || !("content" in placement) || p.executable || (interpreterSpecific && p.dest === plan.recordDest)) continue;
      if (placement.content.length > 256 * 1024) continue;
      const key = createHash("sha256")
        .update(`${placement.mode.toString(8)}\0`)
        .update(placement.content)
        .digest("hex");
      placements.set(p.dest, { ...placement, via: path.join(cacheDir, "unpacked", "generated", key) });
    }
  }
}

/**
 * Small generated files with the same content (every INSTALLER, REQUESTED) are written once, to
 * the staging area, and hardlinked to each destination: creating a file costs far more than
 * linking one on most file systems.
 */
async function shareIdenticalFiles(tx: Transaction, placements: Map<string, Placement>): Promise<void> {
  const groups = new Map<string, string[]>();
  for (const [dest, placement] of placements) {
    if (!("content" in placement) || placement.content.length > 4096) continue;
    const key = `${placement.mode}:${placement.content.toString("latin1")}`;
    groups.set(key, [...(groups.get(key) ?? []), dest]);
  }
  const shared = [...groups.values()].filter((dests) => dests.length > 1);
  if (shared.length === 0) return;
  await tx.prepareStaging();
  const umask = process.umask();
  await Promise.all(
    shared.map(async (dests, i) => {
      const { content, mode } = placements.get(dests[0]!) as { content: Buffer | string; mode: number };
      const staged = tx.stagedPath(`shared${i}`);
      await writeFile(staged, content, { mode });
      if ((mode & ~umask) !== mode) await chmod(staged, mode);
      for (const dest of dests) placements.set(dest, { dest, link: staged, mode });
    }),
  );
}

/**
 * Compiles every .py file of the batch with one run of the interpreter, from a staged copy (the
 * .pyc records the source's mtime, which a hardlink keeps and a copy would not); the .pyc files
 * are added to their wheel's plan.
 */
async function stageBytecode(tx: Transaction, plans: readonly WheelPlan[], python: string): Promise<void> {
  await tx.prepareStaging();
  const sources = plans.flatMap((plan) => plan.files.filter((p) => p.dest.endsWith(".py")).map((p) => ({ plan, p })));
  await mapLimit(sources, 16, async ({ p }, i) => {
    const placement = p.placement!;
    if ("slot" in placement) return;
    const slot = `s${i}`;
    if ("link" in placement) await linkOrCopy(placement.link, tx.stagedPath(slot), placement.mode);
    else await writeFile(tx.stagedPath(slot), placement.content, { mode: placement.mode });
    p.placement = { dest: p.dest, slot };
  });
  const slotOf = (p: Planned): string => (p.placement as { slot: string }).slot;
  const results = await compileFiles(
    python,
    sources.map(({ p }, i) => ({ source: tx.stagedPath(slotOf(p)), output: tx.stagedPath(`c${i}`), finalSource: p.dest })),
  );
  const seen = new Set(plans.flatMap((plan) => plan.files.map((p) => p.dest)));
  for (const [i, pyc] of results.entries()) {
    if (pyc === null || seen.has(pyc)) continue;
    seen.add(pyc);
    const data = await readFile(tx.stagedPath(`c${i}`));
    sources[i]!.plan.files.push({ dest: pyc, executable: false, hash: recordHash(data), size: data.length, placement: { dest: pyc, slot: `c${i}` } });
  }
}

/**
 * pip's get_console_script_specs: pip and easy_install get versioned wrappers for the target
 * interpreter (pip, pipX, pipX.Y) instead of whatever the wheel was built with.
 */
function consoleScriptSpecs(console: Map<string, string>, env: InspectedEnvironment): [string, string][] {
  const rest = new Map(console);
  const out: [string, string][] = [];
  const [major, minor] = env.info.versionInfo;
  const pip = rest.get("pip");
  if (pip) {
    rest.delete("pip");
    const ensurepip = process.env.ENSUREPIP_OPTIONS;
    if (ensurepip === undefined) out.push(["pip", pip]);
    if (ensurepip !== "altinstall") out.push([`pip${major}`, pip]);
    out.push([`pip${major}.${minor}`, pip]);
    for (const k of [...rest.keys()]) if (/^pip(\d+(\.\d+)?)?$/.test(k)) rest.delete(k);
  }
  const easyInstall = rest.get("easy_install");
  if (easyInstall) {
    rest.delete("easy_install");
    if (process.env.ENSUREPIP_OPTIONS === undefined) out.push(["easy_install", easyInstall]);
    out.push([`easy_install-${major}.${minor}`, easyInstall]);
    for (const k of [...rest.keys()]) if (/^easy_install(-\d+\.\d+)?$/.test(k)) rest.delete(k);
  }
  out.push(...rest);
  return out;
}

function safeJoin(base: string, relative: string, wheelName: string, name: string): string {
  const dest = path.join(base, path.normalize(relative));
  if (!isInside(dest, base) || dest === path.resolve(base)) {
    throw new InstallationError(
      `The wheel ${wheelName} has a file ${JSON.stringify(name)} trying to install outside the target directory ${JSON.stringify(base)}.`,
    );
  }
  return dest;
}

/** pip's _fs_to_record_path: relative to the lib directory, `/`-separated. */
function recordPath(file: string, libDir: string): string {
  const relative = file.startsWith(libDir + path.sep) && !libDir.endsWith(path.sep) ? file.slice(libDir.length + 1) : path.relative(libDir, file);
  return path.sep === "/" ? relative : relative.split(path.sep).join("/");
}

function splitHash(hash: string): [string, string] {
  const i = hash.indexOf("=");
  return [hash.slice(0, i).toLowerCase(), hash.slice(i + 1)];
}

/** WHEEL as packaging reads it for an installer (PEP 427: a newer major version is refused), in the installer's words. */
function readWheelFile(text: string, wheelName: string, invalid: (reason: string) => never): WheelFile {
  try {
    return parseWheelFile(text);
  } catch (e) {
    if (!(e instanceof InvalidWheelFile)) throw e;
    if (e.problem === "missing-version") invalid("WHEEL is missing Wheel-Version");
    if (e.problem === "invalid-version") invalid(`invalid Wheel-Version ${JSON.stringify(e.value)}`);
    throw new InstallationError(`${wheelName}'s Wheel-Version (${e.value}) is not compatible with this version of wheelhouse.`);
  }
}
