/**
 * PEP 427 wheel installation, producing what pip produces (same paths, launchers, RECORD
 * layout), so pip can list, show, check and uninstall what we install. Every file is verified
 * against the wheel's RECORD while it is extracted; everything is staged beside the destination
 * and committed in one transaction that also takes out an installed older version.
 */
import { createHash, type Hash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InvalidWheelFilename, canonicalizeName, parseRawMetadata, parseWheelFilename, type NormalizedName } from "@wheelhouse/packaging";
import type { InstalledDistribution } from "../core-types.ts";
import type { InspectedEnvironment, SchemePaths } from "../environment/inspect-python.ts";
import { compileFiles } from "./compile.ts";
import { launcherScript, parseEntryPoints, scriptEntryPoints } from "./entry-points.ts";
import { InstallationError } from "./errors.ts";
import { isInside, mapLimit, pruneEmptyDirs, pythonJsonDumps } from "./fs-utils.ts";
import { installedDistributions } from "./installed-distributions.ts";
import { formatRecord, parseRecord, recordHash, type RecordRow } from "./record.ts";
import { Transaction, recoverTransactions, type CommitStep } from "./transaction.ts";
import { uninstallationPaths } from "./uninstall.ts";
import { ensureUnpacked, linkOrCopy } from "./unpacked-cache.ts";
import { openWheelArchive, type ArchiveEntry, type WheelArchive } from "./wheel-archive.ts";

export type InstallStep = CommitStep | { kind: "staged"; files: number };

export interface InstallWheelOptions {
  /** Install paths; defaults to the environment's scheme. */
  scheme?: SchemePaths;
  /** Write REQUESTED (the user asked for it, rather than it being a dependency). */
  requested?: boolean;
  /** PEP 610 direct_url.json content, when installed from a URL or a path. */
  directUrl?: object | null;
  /** Written to INSTALLER; "wheelhouse" by default. */
  installerName?: string;
  /** Byte-compile the installed .py files with the target interpreter. Off by default, as uv does (`--compile`); pip compiles by default. */
  compile?: boolean;
  /** Cache directory: unpack the wheel once under `<cache>/unpacked/` and hardlink from there. */
  fromCache?: string;
  /** Files extracted at once (default 16). */
  concurrency?: number;
  /** Called at each step; throwing aborts the install (tests inject failures here). */
  onStep?: (step: InstallStep) => void | Promise<void>;
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

interface Planned {
  dest: string;
  slot: string;
  /** From the archive (verified), or generated here. */
  entry?: ArchiveEntry;
  content?: Buffer;
  /** A `.data/scripts` file: `#!python` rewritten, made executable. */
  script?: boolean;
  executable: boolean;
  /** Filled in while staging. */
  hash?: string;
  size?: number;
}

/** Installs one wheel into `env`; returns what was installed. Leaves the environment unchanged on failure. */
export async function installWheel(wheelPath: string, env: InspectedEnvironment, options: InstallWheelOptions = {}): Promise<InstalledWheel> {
  const scheme = options.scheme ?? env.paths;
  const concurrency = options.concurrency ?? 16;
  const wheelName = path.basename(wheelPath);
  let filename;
  try {
    filename = parseWheelFilename(wheelName);
  } catch (e) {
    if (e instanceof InvalidWheelFilename) throw new InstallationError(`${wheelName} is not a valid wheel filename: ${e.message}.`);
    throw e;
  }
  await recoverTransactions(new Set([scheme.purelib, scheme.platlib]));
  const archive = await openWheelArchive(wheelPath);
  try {
    const wheel = await readWheel(archive, wheelName, filename.name);
    const libDir = wheel.rootIsPurelib ? scheme.purelib : scheme.platlib;
    const installedInfoDir = path.join(libDir, wheel.infoDir);
    const plan = planFiles(archive, wheel, scheme, libDir, wheelName);

    // Launchers for the entry points, as pip's ScriptMaker writes them.
    const { console, gui } = scriptEntryPoints(parseEntryPoints(wheel.entryPointsText));
    const launchers = [...consoleScriptSpecs(console, env), ...gui];
    for (const [name, value] of launchers) {
      plan.push({
        dest: path.join(scheme.scripts, name),
        slot: "",
        content: Buffer.from(launcherScript(env.python, name, value)),
        executable: true,
      });
    }
    plan.push({ dest: path.join(installedInfoDir, "INSTALLER"), slot: "", content: Buffer.from(`${options.installerName ?? "wheelhouse"}\n`), executable: false });
    if (options.directUrl) {
      plan.push({ dest: path.join(installedInfoDir, "direct_url.json"), slot: "", content: Buffer.from(pythonJsonDumps(options.directUrl)), executable: false });
    }
    if (options.requested) plan.push({ dest: path.join(installedInfoDir, "REQUESTED"), slot: "", content: Buffer.alloc(0), executable: false });

    // One file per destination; a later one wins, as when pip writes over it.
    const byDest = new Map<string, Planned>();
    for (const p of plan) byDest.set(p.dest, p);
    const files = [...byDest.values()];
    files.forEach((p, i) => (p.slot = `f${i}`));

    const tx = await Transaction.begin(libDir);
    let committed: { removed: string[]; replaced: InstalledDistribution | null; all: Planned[] };
    try {
      await stageFiles(tx, archive, wheelPath, wheel, files, env.python, options, concurrency, wheelName);
      const all = [...files];
      if (options.compile ?? false) all.push(...(await stageBytecode(tx, files, env.python)));
      const recordDest = path.join(installedInfoDir, "RECORD");
      const rows: RecordRow[] = all.map((p) => ({ path: recordPath(p.dest, libDir), hash: p.hash!, size: String(p.size!) }));
      rows.push({ path: recordPath(recordDest, libDir), hash: "", size: "" });
      const recordSlot = `f${all.length}`;
      await writeFile(tx.stagedPath(recordSlot), formatRecord(rows));
      all.push({ dest: recordDest, slot: recordSlot, executable: false });
      await options.onStep?.({ kind: "staged", files: all.length });

      // The installed version of the same project, if any, goes out in the same transaction.
      const libDirs = new Set([scheme.purelib, scheme.platlib]);
      const replaced = (await installedDistributions(env)).find((d) => d.name === filename.name && libDirs.has(d.location)) ?? null;
      const remove = replaced ? await uninstallationPaths(replaced, env) : [];
      const removed = await tx.commit({ moves: all.map((p) => ({ slot: p.slot, dest: p.dest })), remove, onStep: options.onStep });
      committed = { removed, replaced, all };
    } catch (e) {
      await tx.abort();
      throw e;
    }
    const newDests = new Set(committed.all.map((p) => p.dest));
    await pruneEmptyDirs(
      committed.removed.filter((p) => !newDests.has(p)).map((p) => path.dirname(p)),
      [scheme.purelib, scheme.platlib, scheme.scripts, scheme.data, scheme.include],
    );
    return {
      name: filename.name,
      displayName: wheel.name,
      version: wheel.version,
      distInfo: installedInfoDir,
      files: committed.all.map((p) => p.dest),
      replaced: committed.replaced,
    };
  } finally {
    archive.close();
  }
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
  if (!canonicalizeName(infoDir).startsWith(projectName)) invalid(`.dist-info directory ${JSON.stringify(infoDir)} does not start with ${JSON.stringify(projectName)}`);

  const text = async (file: string): Promise<string | null> => {
    const entry = archive.byName.get(`${infoDir}/${file}`);
    return entry ? (await archive.read(entry)).toString("utf8") : null;
  };
  const wheelText = (await text("WHEEL")) ?? invalid(`${infoDir}/WHEEL is missing`);
  const headers = parseHeaders(wheelText);
  const wheelVersion = headers.get("wheel-version") ?? invalid("WHEEL is missing Wheel-Version");
  const major = Number(wheelVersion.split(".")[0]);
  if (!Number.isInteger(major)) invalid(`invalid Wheel-Version ${JSON.stringify(wheelVersion)}`);
  // PEP 427: an installer must refuse a wheel of a newer major version.
  if (major > 1) throw new InstallationError(`${wheelName}'s Wheel-Version (${wheelVersion}) is not compatible with this version of wheelhouse.`);

  const metadataText = (await text("METADATA")) ?? invalid(`${infoDir}/METADATA is missing`);
  const { raw } = parseRawMetadata(metadataText);
  if (!raw.name || !raw.version) invalid("METADATA has no Name or Version");
  if (canonicalizeName(raw.name!) !== projectName) {
    throw new InstallationError(`${wheelName} has inconsistent name: the filename has ${JSON.stringify(projectName)}, but the metadata has ${JSON.stringify(raw.name)}.`);
  }
  const recordText = (await text("RECORD")) ?? invalid(`${infoDir}/RECORD is missing`);
  const record = new Map(parseRecord(recordText).map((r) => [r.path, r]));
  return {
    infoDir,
    dataDir: `${infoDir.slice(0, -".dist-info".length)}.data`,
    name: raw.name!,
    version: raw.version!,
    rootIsPurelib: (headers.get("root-is-purelib") ?? "").toLowerCase() === "true",
    record,
    entryPointsText: (await text("entry_points.txt")) ?? "",
  };
}

function planFiles(archive: WheelArchive, wheel: WheelInfo, scheme: SchemePaths, libDir: string, wheelName: string): Planned[] {
  const { console, gui } = scriptEntryPoints(parseEntryPoints(wheel.entryPointsText));
  const schemeDirs: Record<(typeof SCHEME_KEYS)[number], string> = {
    purelib: scheme.purelib,
    platlib: scheme.platlib,
    headers: path.join(scheme.include, wheel.name),
    scripts: scheme.scripts,
    data: scheme.data,
  };
  const unsigned = new Set(["RECORD", "RECORD.jws", "RECORD.p7s"].map((f) => `${wheel.infoDir}/${f}`));
  const plan: Planned[] = [];
  for (const entry of archive.entries) {
    const name = entry.name;
    if (name === `${wheel.infoDir}/RECORD`) continue;
    if (!unsigned.has(name)) {
      const row = wheel.record.get(name);
      if (!row) throw new InstallationError(`${wheelName} is not a valid wheel: ${name} is not listed in RECORD.`);
      if (!row.hash) throw new InstallationError(`${wheelName} is not a valid wheel: RECORD has no hash for ${name}.`);
      const algorithm = row.hash.split("=", 1)[0]!.toLowerCase();
      if (WEAK_HASHES.has(algorithm)) throw new InstallationError(`${wheelName} is not a valid wheel: RECORD uses the weak hash ${algorithm} for ${name} (PEP 427 requires sha256 or better).`);
    }
    const parts = name.split("/");
    if (parts[0]!.endsWith(".data")) {
      if (parts.length < 3) {
        throw new InstallationError(`Unexpected file in ${wheelName}: ${JSON.stringify(name)}. .data directory contents should be named like: '<scheme key>/<path>'.`);
      }
      const key = parts[1]!;
      if (!(SCHEME_KEYS as readonly string[]).includes(key)) {
        throw new InstallationError(
          `Unknown scheme key used in ${wheelName}: ${key} (for file ${JSON.stringify(name)}). .data directory contents should be in subdirectories named with a valid scheme key (${[...SCHEME_KEYS].sort().join(", ")})`,
        );
      }
      const base = schemeDirs[key as (typeof SCHEME_KEYS)[number]];
      const dest = safeJoin(base, parts.slice(2).join("/"), wheelName, name);
      if (key === "scripts") {
        // setuptools' own wrappers for entry points (EP, EP.exe, EP-script.py) are replaced by ours.
        const file = path.basename(dest);
        const lower = file.toLowerCase();
        const match = lower.endsWith(".exe") || lower.endsWith(".pya") ? file.slice(0, -4) : lower.endsWith("-script.py") ? file.slice(0, -10) : file;
        if (console.has(match) || gui.has(match)) continue;
        plan.push({ dest, slot: "", entry, script: true, executable: true });
      } else plan.push({ dest, slot: "", entry, executable: entry.executable });
    } else {
      plan.push({ dest: safeJoin(libDir, name, wheelName, name), slot: "", entry, executable: entry.executable });
    }
  }
  return plan;
}

async function stageFiles(
  tx: Transaction,
  archive: WheelArchive,
  wheelPath: string,
  wheel: WheelInfo,
  files: Planned[],
  python: string,
  options: InstallWheelOptions,
  concurrency: number,
  wheelName: string,
): Promise<void> {
  const umask = process.umask();
  const fileMode = 0o666 & ~umask;
  const execMode = (0o777 & ~umask) | 0o111;
  const digests = new Map<string, { hash: string; size: number }>();
  const extract = async (entry: ArchiveEntry, to: string, executable: boolean): Promise<{ hash: string; size: number }> => {
    const digest = await extractVerified(archive, entry, wheel.record.get(entry.name), to, wheelName);
    digests.set(entry.name, digest);
    if (executable) await chmod(to, execMode);
    return digest;
  };

  let cacheDir: string | null = null;
  if (options.fromCache) {
    const unpacked = await ensureUnpacked(
      options.fromCache,
      wheelPath,
      archive,
      (name, to) => {
        const entry = archive.byName.get(name)!;
        return extract(entry, to, entry.executable);
      },
      concurrency,
    );
    cacheDir = unpacked.dir;
    for (const [name, d] of Object.entries(unpacked.digests)) digests.set(name, d);
  }

  await mapLimit(files, concurrency, async (p) => {
    const to = tx.stagedPath(p.slot);
    if (p.content !== undefined) {
      await writeFile(to, p.content, { mode: p.executable ? execMode : fileMode });
      if (p.executable) await chmod(to, execMode);
      p.hash = recordHash(p.content);
      p.size = p.content.length;
      return;
    }
    const entry = p.entry!;
    const cached = cacheDir ? path.join(cacheDir, ...entry.name.split("/")) : null;
    if (p.script) {
      // pip's fix_script: `#!python…` becomes `#!<interpreter>` (the rest of the line dropped).
      let data: Buffer;
      if (cached) data = await readFile(cached);
      else {
        await extract(entry, to, false);
        data = await readFile(to);
      }
      if (data.subarray(0, 8).toString("latin1") === "#!python") {
        const eol = data.indexOf(0x0a);
        data = Buffer.concat([Buffer.from(`#!${python}\n`), eol < 0 ? Buffer.alloc(0) : data.subarray(eol + 1)]);
      }
      await writeFile(to, data);
      await chmod(to, execMode);
      p.hash = recordHash(data);
      p.size = data.length;
      return;
    }
    if (cached) {
      await linkOrCopy(cached, to, entry.executable ? execMode : fileMode);
      const d = digests.get(entry.name);
      if (d) {
        p.hash = d.hash;
        p.size = d.size;
      } else {
        const data = await readFile(to);
        p.hash = recordHash(data);
        p.size = data.length;
      }
    } else {
      await extract(entry, to, p.executable);
      const d = digests.get(entry.name)!;
      p.hash = d.hash;
      p.size = d.size;
    }
  });
}

/** Writes one archive entry to `to`, checking its size and hash against RECORD on the way. */
async function extractVerified(
  archive: WheelArchive,
  entry: ArchiveEntry,
  row: RecordRow | undefined,
  to: string,
  wheelName: string,
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
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sha256.update(chunk);
      check?.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(await archive.open(entry), tap, createWriteStream(to));
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
  return { hash: `sha256=${sha.toString("base64url")}`, size };
}

async function stageBytecode(tx: Transaction, files: Planned[], python: string): Promise<Planned[]> {
  const sources = files.filter((p) => p.dest.endsWith(".py"));
  const slots = sources.map((_, i) => `c${i}`);
  const results = await compileFiles(
    python,
    sources.map((p, i) => ({ source: tx.stagedPath(p.slot), output: tx.stagedPath(slots[i]!), finalSource: p.dest })),
  );
  const out: Planned[] = [];
  const seen = new Set(files.map((p) => p.dest));
  for (const [i, pyc] of results.entries()) {
    if (pyc === null || seen.has(pyc)) continue;
    seen.add(pyc);
    const data = await readFile(tx.stagedPath(slots[i]!));
    out.push({ dest: pyc, slot: slots[i]!, executable: false, hash: recordHash(data), size: data.length });
  }
  return out;
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
    throw new InstallationError(`The wheel ${wheelName} has a file ${JSON.stringify(name)} trying to install outside the target directory ${JSON.stringify(base)}.`);
  }
  return dest;
}

/** pip's _fs_to_record_path: relative to the lib directory, `/`-separated. */
function recordPath(file: string, libDir: string): string {
  return path.relative(libDir, file).split(path.sep).join("/");
}

function splitHash(hash: string): [string, string] {
  const i = hash.indexOf("=");
  return [hash.slice(0, i).toLowerCase(), hash.slice(i + 1)];
}

function parseHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([^:\s]+):\s*(.*)$/.exec(line);
    if (m && !out.has(m[1]!.toLowerCase())) out.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  return out;
}
