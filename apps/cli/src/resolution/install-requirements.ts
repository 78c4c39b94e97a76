/**
 * The install pipeline, as `wheelhouse install` runs it and as builds run it for their build
 * requirements (one level deeper, into a prefix):
 *
 *   resolve (installed versions kept unless upgrading) → what is already satisfied
 *   → fetch every archive in parallel through the download cache, verifying hashes
 *   → (all verified, or nothing is installed) → build sdists → install wheels in parallel.
 *
 * The wheels are installed together, in one atomic transaction that also takes out the versions
 * they replace (installer/install-wheel.ts installWheels).
 */
import { stat } from "node:fs/promises";
import { tryParseVersion, type NormalizedName } from "@wheelhouse/packaging";
import type { UpgradeStrategy } from "../config/options.ts";
import type { Candidate, DistFile } from "../core-types.ts";
import { environmentFor, type InspectedEnvironment } from "../environment/inspect-python.ts";
import { formatSize } from "../index/cache-admin.ts";
import { HashMismatch, type HashMismatchItem } from "../index/errors.ts";
import { hashFile } from "../index/hashing.ts";
import { isLocalLocation } from "../index/http-client.ts";
import type { IndexSession } from "../index/index-session.ts";
import type { PackageFinder } from "../index/package-finder.ts";
import { installWheels } from "../installer/install-wheel.ts";
import { installedDistributions, type InstalledDistributionDetails } from "../installer/installed-distributions.ts";
import { parseRequirementArgs, type RequirementLine } from "../requirements/index.ts";
import { resolve } from "../resolver/resolve.ts";
import { fileForHashes, formatHashErrors, hashCheckingEnabled, HashCheckFailed, unpinnedRequirements, type MissingHash } from "./hash-checking.ts";
import { IndexProvider } from "./index-provider.ts";
import { limiter } from "./limit.ts";
import { namedRequirement, resolveRequest } from "./resolve-request.ts";
import { SdistBuilder } from "./sdist-builder.ts";
import type { ProgressRenderer } from "../ui/progress.ts";

/** Archives fetched at once. */
const FETCH_CONCURRENCY = 8;
/** Sdists built at once. */
const BUILD_CONCURRENCY = 4;

export interface InstallSettings {
  noDeps: boolean;
  /** -U: the named projects get their newest allowed version. */
  upgrade: boolean;
  upgradeStrategy: UpgradeStrategy;
  forceReinstall: boolean;
  /** -I: installed distributions are neither kept nor reported as satisfying. */
  ignoreInstalled: boolean;
  /** --require-hashes (a --hash on any requirement turns it on as well). */
  requireHashes: boolean;
  dryRun: boolean;
  compile: boolean;
  buildIsolation: boolean;
}

/** Where the pipeline's lines go (pip's INFO and WARNING levels). */
export interface Reporter {
  info(line: string): void;
  warning(line: string): void;
}

export interface InstallInput {
  session: IndexSession;
  finder: PackageFinder;
  /** The target, with the scheme to install into. */
  env: InspectedEnvironment;
  requirements: readonly RequirementLine[];
  constraints: readonly RequirementLine[];
  settings: InstallSettings;
  reporter: Reporter;
  /** Projects whose build this run installs requirements for (nested runs). */
  chain?: readonly string[];
  /** Draws download and install progress (on a terminal only). */
  progress?: ProgressRenderer | null;
}

export interface InstalledItem {
  name: NormalizedName;
  displayName: string;
  version: string;
}

export interface InstallOutcome {
  /** What was installed (or, with --dry-run, would be), sorted as pip lists them. */
  installed: InstalledItem[];
  /** Pins the target already had. */
  satisfied: InstalledItem[];
}

/** One archive to fetch and install. */
interface Planned {
  candidate: Candidate;
  name: NormalizedName;
  displayName: string;
  version: string;
  file: DistFile;
  /** The user's --hash values for it (requirements and constraints). */
  hashes: Record<string, string[]>;
  label: string;
  requested: boolean;
  /** The URL it was asked for by, when it is a direct reference. */
  directUrl: string | null;
}

/** Runs the pipeline; throws ResolutionImpossible, HashCheckFailed, BuildError, InstallationError, HttpError… */
export async function installRequirements(input: InstallInput): Promise<InstallOutcome> {
  const { session, finder, env, settings, reporter } = input;
  const hashMode = hashCheckingEnabled(settings.requireHashes, input.requirements);
  const unpinned = hashMode ? unpinnedRequirements(input.requirements) : [];
  // pip installs --target into an empty directory it then moves into place: nothing counts as installed.
  const fresh = settings.ignoreInstalled || env.scheme.kind === "target";
  const installedList = fresh ? [] : await installedDistributions(env);
  const installedByName = new Map<NormalizedName, InstalledDistributionDetails>(installedList.map((d) => [d.name, d]));
  const preferInstalled = !settings.forceReinstall && !(settings.upgrade && settings.upgradeStrategy === "eager");

  const builder = sdistBuilderFor({
    session,
    finder,
    env: async () => env,
    buildIsolation: settings.buildIsolation,
    reporter,
    chain: input.chain ?? [],
    settings,
  });
  const provider = new IndexProvider({
    finder,
    session,
    builder,
    ...(preferInstalled ? { installed: installedByName } : {}),
    ...(settings.noDeps ? {} : { lookahead: { environment: env.markers, allowPrereleases: (name) => finder.allowPrereleases(name) } }),
  });
  try {
    const request = resolveRequest(input.requirements, input.constraints, {
      environment: env.markers,
      allowPrereleases: (name) => finder.allowPrereleases(name),
      ...(preferInstalled ? { installed: new Map(installedList.map((d) => [d.name, d.version])) } : {}),
      upgrade: settings.upgrade,
      noDeps: settings.noDeps,
    });
    const hashesByName = new Map<NormalizedName, Record<string, string[]>>();
    for (const line of [...input.requirements, ...input.constraints]) {
      if (Object.keys(line.hashes).length === 0) continue;
      const name = namedRequirement(line).normalizedName;
      const merged = hashesByName.get(name) ?? {};
      for (const [algorithm, digests] of Object.entries(line.hashes)) merged[algorithm] = [...(merged[algorithm] ?? []), ...digests];
      hashesByName.set(name, merged);
    }
    // Each pin's file is fetched as soon as it is pinned,
    // while the resolution goes on; what a backtrack abandons just stays in the cache.
    const fetches = new Fetches(session, input.progress ?? null);
    const onPin = (candidate: Candidate): void => {
      if (settings.dryRun) return;
      const dist = installedByName.get(candidate.name);
      if (dist && !settings.forceReinstall && (candidate.files.length === 0 || (tryParseVersion(dist.version)?.equals(candidate.version) ?? false))) return;
      const hashes = hashesByName.get(candidate.name) ?? {};
      const file = fileForHashes(candidate, hashes);
      if (file) fetches.start(file, hashes, `${candidate.name}==${candidate.version.toString()}`);
    };
    const result = await resolve(request, provider, { onProgress: (message) => reporter.info(message), onPin });
    for (const warning of result.warnings) reporter.warning(warning);

    const userLines = new Map<NormalizedName, RequirementLine>();
    for (const line of input.requirements) {
      const name = namedRequirement(line).normalizedName;
      if (!userLines.has(name)) userLines.set(name, line);
    }

    const plan: Planned[] = [];
    const satisfied: InstalledItem[] = [];
    for (const [name, pin] of result.pins) {
      const candidate = pin.candidate;
      const label = userLines.get(name)?.text ?? name;
      const dist = installedByName.get(name);
      if (dist && !settings.forceReinstall && (candidate.files.length === 0 || (tryParseVersion(dist.version)?.equals(candidate.version) ?? false))) {
        reporter.info(`Requirement already satisfied: ${label} in ${dist.location} (${dist.version})`);
        satisfied.push({ name, displayName: dist.displayName, version: dist.version });
        continue;
      }
      const hashes = hashesByName.get(name) ?? {};
      const file = fileForHashes(candidate, hashes);
      if (!file) throw new Error(`${name} ${candidate.version} has no file to install`);
      plan.push({
        candidate,
        name,
        displayName: name,
        version: candidate.version.toString(),
        file,
        hashes,
        label,
        requested: userLines.has(name),
        directUrl: provider.directUrls.get(candidate) ?? null,
      });
    }
    // pip names what it installs by the metadata's Name (fetched already, unless --no-deps).
    await Promise.all(plan.map(async (item) => (item.displayName = (await provider.metadata(item.candidate)).displayName)));
    const installed = sortItems(plan.map((p) => ({ name: p.name, displayName: p.displayName, version: p.version })));

    if (settings.dryRun) {
      for (const item of plan) reporter.info(`Collecting ${item.label}`);
      if (unpinned.length > 0) throw new HashCheckFailed(formatHashErrors({ missing: [], unpinned, mismatches: [] }));
      if (plan.length > 0) reporter.info(`Would install ${installed.map((i) => `${i.displayName}-${i.version}`).join(" ")}`);
      return { installed, satisfied };
    }

    const archives = await fetchAll(fetches, plan, hashMode, unpinned, reporter);
    const buildLimit = limiter(BUILD_CONCURRENCY);
    const wheels = await Promise.all(
      plan.map((item, i) => (item.file.kind === "wheel" ? archives[i]!.path : buildLimit(() => builder.wheel(item.file, archives[i]!.path, item.name)))),
    );

    if (plan.length === 0) return { installed, satisfied };
    reporter.info(`Installing collected packages: ${plan.map((p) => p.displayName).join(", ")}`);
    input.progress?.step("Installing collected packages", 0, plan.length);
    // One transaction for all of them: every wheel is installed, or none.
    const done = await installWheels(
      plan.map((item, i) => ({
        path: wheels[i]!,
        requested: item.requested,
        directUrl: item.directUrl === null ? null : directUrlJson(session.http.redact(item.directUrl.split("#")[0]!), archives[i]!.sha256),
      })),
      env,
      { compile: settings.compile, ...(session.cacheDir !== null ? { fromCache: session.cacheDir } : {}) },
    );
    input.progress?.step("Installing collected packages", done.length, plan.length);
    input.progress?.clear();
    for (const wheel of done) {
      if (!wheel.replaced) continue;
      const old = wheel.replaced;
      reporter.info(`  Attempting uninstall: ${old.displayName}`);
      reporter.info(`    Found existing installation: ${old.displayName} ${old.version}`);
      reporter.info(`    Uninstalling ${old.displayName}-${old.version}:`);
      reporter.info(`      Successfully uninstalled ${old.displayName}-${old.version}`);
    }
    const items = sortItems(done.map((w) => ({ name: w.name, displayName: w.displayName, version: w.version })));
    reporter.info(`Successfully installed ${items.map((i) => `${i.displayName}-${i.version}`).join(" ")}`);
    return { installed: items, satisfied };
  } finally {
    await builder.close();
  }
}

export interface BuilderInput {
  session: IndexSession;
  finder: PackageFinder;
  /** Any environment of the interpreter to build with (only its interpreter is used). */
  env: () => Promise<InspectedEnvironment>;
  buildIsolation: boolean;
  reporter: Reporter;
  /** Projects being built further up. */
  chain?: readonly string[];
  /** The settings nested runs start from (their own overrides applied). */
  settings?: InstallSettings;
}

/**
 * The SdistBuilder of a run: builds use the interpreter's own scheme (which isolation hides), and
 * install their build requirements with a nested run of this pipeline into the build's prefix.
 */
export function sdistBuilderFor(input: BuilderInput): SdistBuilder {
  const { session, finder, reporter } = input;
  const base: InstallSettings = input.settings ?? {
    noDeps: false,
    upgrade: false,
    upgradeStrategy: "only-if-needed",
    forceReinstall: false,
    ignoreInstalled: true,
    requireHashes: false,
    dryRun: false,
    compile: false,
    buildIsolation: input.buildIsolation,
  };
  return new SdistBuilder({
    env: async () => environmentFor((await input.env()).info, { kind: "default" }),
    buildIsolation: input.buildIsolation,
    cacheDir: session.cacheDir,
    chain: input.chain ?? [],
    log: (line) => reporter.info(line),
    installBuildRequirements: async (requirements, prefix, chain) => {
      reporter.info(`  Installing build dependencies: ${requirements.join(", ")}`);
      await installRequirements({
        session,
        finder,
        env: environmentFor((await input.env()).info, { kind: "prefix", prefix }),
        requirements: parseRequirementArgs(requirements),
        constraints: [],
        settings: { ...base, noDeps: false, upgrade: false, forceReinstall: false, ignoreInstalled: true, requireHashes: false, dryRun: false, compile: false },
        reporter: { info: () => {}, warning: reporter.warning },
        chain,
      });
    },
  });
}

/**
 * Fetches every planned archive (FETCH_CONCURRENCY at a time) and reports as pip does. In hash
 * mode, every problem — missing hashes, unpinned requirements, mismatches — is gathered and
 * thrown together, before anything is installed.
 */
async function fetchAll(
  fetches: Fetches,
  plan: readonly Planned[],
  hashMode: boolean,
  unpinned: readonly RequirementLine[],
  reporter: Reporter,
): Promise<{ path: string; sha256: string | null }[]> {
  const results = await Promise.allSettled(
    plan.map((item) =>
      (async () => {
        const { path, cached } = await fetches.start(item.file, item.hashes, `${item.name}==${item.version}`);
        const needSha = item.directUrl !== null || (hashMode && Object.keys(item.hashes).length === 0);
        const sha256 = needSha ? (item.file.hashes["sha256"]?.toLowerCase() ?? (await hashFile(path, ["sha256"]))["sha256"]!) : null;
        return { path, cached, sha256 };
      })(),
    ),
  );
  const out: { path: string; sha256: string | null }[] = [];
  const mismatches: HashMismatchItem[] = [];
  const missing: MissingHash[] = [];
  let failure: unknown = null;
  for (const [i, result] of results.entries()) {
    const item = plan[i]!;
    reporter.info(`Collecting ${item.label}`);
    if (result.status === "rejected") {
      if (result.reason instanceof HashMismatch) mismatches.push(...result.reason.items);
      else failure ??= result.reason;
      continue;
    }
    const { path, cached, sha256 } = result.value;
    const size = formatSize((await stat(path)).size);
    if (isLocalLocation(item.file.url)) reporter.info(`  Processing ${path}`);
    else reporter.info(`  ${cached ? "Using cached" : "Downloading"} ${item.file.filename} (${size})`);
    if (hashMode && Object.keys(item.hashes).length === 0) {
      missing.push({ requirement: item.directUrl ?? `${item.name}==${item.version}`, sha256: sha256! });
    }
    out.push({ path, sha256 });
  }
  if (failure !== null) throw failure;
  if (missing.length > 0 || unpinned.length > 0 || mismatches.length > 0) throw new HashCheckFailed(formatHashErrors({ missing, unpinned, mismatches }));
  return out;
}

/**
 * The archives of a run, each fetched once, FETCH_CONCURRENCY at a time, whether it was asked for
 * when pinned or when planned. (Unpacking each wheel into the unpacked cache as soon as it is
 * fetched was measured too: on a small machine it slows the resolution more than it saves.)
 */
class Fetches {
  readonly #session: IndexSession;
  readonly #progress: ProgressRenderer | null;
  readonly #limit = limiter(FETCH_CONCURRENCY);
  readonly #fetches = new Map<string, Promise<{ path: string; cached: boolean }>>();

  constructor(session: IndexSession, progress: ProgressRenderer | null) {
    this.#session = session;
    this.#progress = progress;
  }

  /** The archive's local path, and whether it was in the cache before this run fetched it. */
  start(file: DistFile, hashes: Record<string, string[]>, requirement: string): Promise<{ path: string; cached: boolean }> {
    const key = `${file.url}\n${JSON.stringify(hashes)}`;
    let fetch = this.#fetches.get(key);
    if (fetch) return fetch;
    const downloader = this.#session.downloader;
    const progress = this.#progress;
    fetch = this.#limit(async () => {
      const cached = (await downloader.cachedPath(file, hashes)) !== null;
      try {
        const path = await downloader.fetch(file, { expectedHashes: hashes, requirement, ...(progress ? { onProgress: (p) => progress.download(p) } : {}) });
        return { path, cached };
      } finally {
        progress?.downloaded(file.filename);
      }
    });
    this.#fetches.set(key, fetch);
    // (An abandoned pin's fetch may fail with nobody waiting for it.)
    fetch.catch(() => {});
    return fetch;
  }
}

/** PEP 610 for an archive: its URL and sha256 (pip writes both `hash` and `hashes`). */
function directUrlJson(url: string, sha256: string | null): object {
  return sha256 === null ? { url, archive_info: {} } : { url, archive_info: { hash: `sha256=${sha256}`, hashes: { sha256 } } };
}

/** pip's order for "Would install" and "Successfully installed": by name as written, then version. */
function sortItems(items: InstalledItem[]): InstalledItem[] {
  return [...items].sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

