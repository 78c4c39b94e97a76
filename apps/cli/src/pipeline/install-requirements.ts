/**
 * The install pipeline, as `wheelhouse install` runs it and as builds run it for their build
 * requirements (one level deeper, into a prefix):
 *
 *   resolve (installed versions kept unless upgrading) → what is already satisfied
 *   → fetch every archive in parallel through the download cache, verifying hashes
 *   → (all verified, or nothing is installed) → build sdists → install wheels in parallel.
 *
 * The wheels are installed together, in one atomic transaction that also takes out the versions
 * they replace (core/installer/install-wheel.ts installWheels). `wheelhouse wheel` runs the same
 * pipeline up to the install (prepareRequirements) and saves the wheels instead.
 */
import { stat } from "node:fs/promises";
import { Requirement, tryParseVersion, type NormalizedName } from "@wheelhouse/packaging";
import type { UpgradeStrategy } from "../core/config/options.ts";
import type { Candidate, DistFile } from "../core/types.ts";
import { environmentFor, type InspectedEnvironment } from "../core/environment/inspect-python.ts";
import { formatSize } from "../ui/format-size.ts";
import { HashMismatch, type HashMismatchItem } from "../core/hashes/hash-mismatch.ts";
import { hashFile } from "../core/hashes/hashing.ts";
import { isLocalLocation } from "../core/net/http-client.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import type { PackageFinder } from "../core/finder/package-finder.ts";
import { installWheels } from "../core/installer/install-wheel.ts";
import { installedDistributions, type InstalledDistributionDetails } from "../core/installer/installed-distributions.ts";
import { parseRequirementArgs } from "../core/requirements/requirements-files.ts";
import type { RequirementLine } from "@wheelhouse/packaging";
import { resolve } from "../core/resolver/resolve.ts";
import { fileForHashes, formatHashErrors, hashCheckingEnabled, HashCheckFailed, unpinnedRequirements, type MissingHash } from "./hash-checking.ts";
import { IndexProvider, readCandidateMetadata } from "../core/resolver/index-provider.ts";
import { reportItem, type InstallationReportItem } from "./installation-report.ts";
import { limiter } from "../core/concurrency/limit.ts";
import { namedRequirement, resolveRequest } from "./resolve-request.ts";
import { SdistBuilder } from "../core/build/sdist-builder.ts";
import type { Planned } from "./planned.ts";
import type { Reporter } from "../ui/command-reporter.ts";
import type { ProgressRenderer } from "../ui/progress.ts";

/** Archives fetched at once. */
const FETCH_CONCURRENCY = 16;
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
  /** Files of distributions to take out in the install's transaction (see installWheels); unused when nothing is installed. */
  alsoRemove?: readonly string[];
  /** Gather pip's installation report items (InstallOutcome.report). */
  report?: boolean;
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
  /** With `report`: pip's installation report items for what was installed (or would be), in plan order. */
  report?: InstallationReportItem[];
}

/** A resolved run, before its archives are fetched: what `use` in prepareRequirements receives. */
export interface PreparedRun {
  /** The pins to fetch, in resolution order (those the target already satisfies left out). */
  plan: readonly Planned[];
  /** Pins the target already had. */
  satisfied: InstalledItem[];
  /** The plan as pip lists it (sorted, named by their metadata). */
  planned: InstalledItem[];
  /** Requirements not pinned with `==` in hash-checking mode (reported with the other hash problems). */
  unpinned: readonly RequirementLine[];
  /** Fetches every planned archive and reports as pip does; in hash-checking mode every problem is thrown together. */
  fetch(): Promise<FetchedArchive[]>;
  /** The wheel built from the planned sdist fetched to `archive` (BUILD_CONCURRENCY at a time); it lasts until `use` returns. */
  build(item: Planned, archive: string): Promise<string>;
}

export interface FetchedArchive {
  path: string;
  /** Known when a direct URL or a missing --hash needs it. */
  sha256: string | null;
}

/** Runs the pipeline; throws ResolutionImpossible, HashCheckFailed, BuildError, InstallationError, HttpError… */
export async function installRequirements(input: InstallInput): Promise<InstallOutcome> {
  const { session, env, settings, reporter } = input;
  return prepareRequirements(input, async ({ plan, satisfied, planned: installed, unpinned, fetch, build }) => {
    if (settings.dryRun) {
      for (const item of plan) if (!item.local) reporter.info(`Collecting ${item.label}`);
      if (unpinned.length > 0) throw new HashCheckFailed(formatHashErrors({ missing: [], unpinned, mismatches: [] }));
      if (plan.length > 0) reporter.info(`Would install ${installed.map((i) => `${i.displayName}-${i.version}`).join(" ")}`);
      return { installed, satisfied, ...(input.report ? { report: await Promise.all(plan.map((item) => reportItem(item, null))) } : {}) };
    }
    const archives = await fetch();
    const wheels = await Promise.all(plan.map((item, i) => (item.file.kind === "wheel" ? archives[i]!.path : build(item, archives[i]!.path))));
    const report = input.report ? { report: await Promise.all(plan.map((item, i) => reportItem(item, item.local ? null : archives[i]!.path))) } : {};

    if (plan.length === 0) return { installed, satisfied, ...report };
    reporter.info(`Installing collected packages: ${plan.map((p) => p.displayName).join(", ")}`);
    input.progress?.step("Installing collected packages", 0, plan.length);
    // One transaction for all of them: every wheel is installed, or none.
    const done = await installWheels(
      plan.map((item, i) => ({
        path: wheels[i]!,
        requested: item.requested,
        directUrl: item.local
          ? { url: item.local.url, dir_info: item.local.editable ? { editable: true } : {} }
          : item.directUrl === null
            ? null
            : directUrlJson(session.http.redact(item.directUrl.split("#")[0]!), archives[i]!.sha256),
        // A wheel built from a project directory is a one-off: not kept in the unpacked cache.
        ...(item.local ? { cache: false } : {}),
      })),
      env,
      {
        compile: settings.compile,
        ...(session.cacheDir !== null ? { fromCache: session.cacheDir } : {}),
        ...(input.alsoRemove ? { alsoRemove: input.alsoRemove } : {}),
      },
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
    return { installed: items, satisfied, ...report };
  });
}

/**
 * The pipeline up to the install: resolve, plan, start each pin's fetch as it is pinned; then
 * `use` fetches and builds what it needs (install installs the wheels, `wheel` saves them).
 * Built wheels outside the cache are removed once `use` settles.
 */
export async function prepareRequirements<T>(input: InstallInput, use: (run: PreparedRun) => Promise<T>): Promise<T> {
  const { session, finder, env, settings, reporter } = input;
  const hashMode = hashCheckingEnabled(settings.requireHashes, input.requirements);
  const unpinned = hashMode ? unpinnedRequirements(input.requirements) : [];
  // pip installs --target into an empty directory it then moves into place: nothing counts as installed.
  const fresh = settings.ignoreInstalled || env.scheme.kind === "target";
  const installedList = fresh ? [] : await installedDistributions(env);
  const installedByName = new Map<NormalizedName, InstalledDistributionDetails>(installedList.map((d) => [d.name, d]));
  const preferInstalled = !settings.forceReinstall && !(settings.upgrade && settings.upgradeStrategy === "eager");
  const editables = new Set(input.requirements.flatMap((line) => (line.editable && line.url ? [line.url.split("#")[0]!] : [])));

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
    editables,
    // A dry run only prepares metadata; an install builds each project directory once, now.
    buildLocalProjects: !settings.dryRun,
  });
  try {
    const requirements = await nameLocalProjects(input.requirements, provider);
    const request = resolveRequest(requirements, input.constraints, {
      environment: env.markers,
      allowPrereleases: (name) => finder.allowPrereleases(name),
      ...(preferInstalled ? { installed: new Map(installedList.map((d) => [d.name, d.version])) } : {}),
      upgrade: settings.upgrade,
      noDeps: settings.noDeps,
    });
    const hashesByName = new Map<NormalizedName, Record<string, string[]>>();
    for (const line of [...requirements, ...input.constraints]) {
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
      if (settings.dryRun || provider.localProject(candidate)) return;
      const dist = installedByName.get(candidate.name);
      if (dist && !settings.forceReinstall && (candidate.files.length === 0 || (tryParseVersion(dist.version)?.equals(candidate.version) ?? false))) return;
      const hashes = hashesByName.get(candidate.name) ?? {};
      const file = fileForHashes(candidate, hashes);
      if (file) fetches.start(file, hashes, `${candidate.name}==${candidate.version.toString()}`);
    };
    const result = await resolve(request, provider, { onProgress: (message) => reporter.info(message), onPin });
    for (const warning of result.warnings) reporter.warning(warning);

    const userLines = new Map<NormalizedName, RequirementLine>();
    const userExtras = new Map<NormalizedName, Set<string>>();
    for (const line of requirements) {
      const requirement = namedRequirement(line);
      const name = requirement.normalizedName;
      if (!userLines.has(name)) userLines.set(name, line);
      userExtras.set(name, new Set([...(userExtras.get(name) ?? []), ...requirement.extras]));
    }

    const plan: Planned[] = [];
    const satisfied: InstalledItem[] = [];
    for (const [name, pin] of result.pins) {
      const candidate = pin.candidate;
      const label = userLines.get(name)?.text ?? name;
      const dist = installedByName.get(name);
      const local = provider.localProject(candidate);
      // pip reinstalls what is built from a project directory, whatever version is installed.
      if (dist && !local && !settings.forceReinstall && (candidate.files.length === 0 || (tryParseVersion(dist.version)?.equals(candidate.version) ?? false))) {
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
        ...(local ? { local } : {}),
        requestedExtras: [...(userExtras.get(name) ?? [])],
        metadataText: null,
      });
    }
    // pip names what it installs by the metadata's Name (fetched already, unless --no-deps).
    await Promise.all(
      plan.map(async (item) => {
        const metadata = await provider.metadata(item.candidate);
        item.displayName = metadata.displayName;
        item.metadataText = metadata.text;
      }),
    );
    const planned = sortItems(plan.map((p) => ({ name: p.name, displayName: p.displayName, version: p.version })));
    const buildLimit = limiter(BUILD_CONCURRENCY);
    return await use({
      plan,
      satisfied,
      planned,
      unpinned,
      fetch: () => fetchAll(fetches, plan, hashMode, unpinned, reporter),
      build: (item, archive) => buildLimit(() => (item.local ? builder.projectWheel(item.local) : builder.wheel(item.file, archive, item.name))),
    });
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
): Promise<FetchedArchive[]> {
  const results = await Promise.allSettled(
    plan.map((item) =>
      (async () => {
        // A project directory is built where it is: nothing to fetch.
        if (item.local) return { path: item.local.dir, cached: false, sha256: null };
        const { path, cached } = await fetches.start(item.file, item.hashes, `${item.name}==${item.version}`);
        const needSha = item.directUrl !== null || (hashMode && Object.keys(item.hashes).length === 0);
        const sha256 = needSha ? (item.file.hashes.sha256?.toLowerCase() ?? (await hashFile(path, ["sha256"])).sha256!) : null;
        return { path, cached, sha256 };
      })(),
    ),
  );
  const out: FetchedArchive[] = [];
  const mismatches: HashMismatchItem[] = [];
  const missing: MissingHash[] = [];
  const directories: string[] = [];
  let failure: unknown = null;
  for (const [i, result] of results.entries()) {
    const item = plan[i]!;
    if (item.local) {
      // (Its "Processing" or "Obtaining" line came when it was prepared.)
      // pip: an editable cannot be hash-checked at all; a directory has no single file to hash.
      if (hashMode && item.local.editable) {
        throw new HashCheckFailed(`The editable requirement ${item.label} cannot be installed when requiring hashes, because there is no single file to hash.`);
      }
      if (hashMode) directories.push(`    ${item.local.url}`);
      out.push({ path: item.local.dir, sha256: null });
      continue;
    }
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
  if (directories.length > 0) {
    throw new HashCheckFailed(["Can't verify hashes for these file:// requirements because they point to directories:", ...directories].join("\n"));
  }
  if (missing.length > 0 || unpinned.length > 0 || mismatches.length > 0) throw new HashCheckFailed(formatHashErrors({ missing, unpinned, mismatches }));
  return out;
}

/**
 * Names the requirements that are project directories without a name (`./dir`, `-e ./dir`) by
 * their metadata (built, or prepared, once), as pip does before resolving.
 */
async function nameLocalProjects(lines: readonly RequirementLine[], provider: IndexProvider): Promise<RequirementLine[]> {
  return Promise.all(
    lines.map(async (line) => {
      if (line.requirement !== null || line.url === undefined) return line;
      const project = provider.localProjectAt(line.url);
      if (project === null) return line;
      const { name } = readCandidateMetadata(await provider.localMetadata(project), project.url);
      return { ...line, requirement: new Requirement({ name, extras: line.extras ?? [], url: project.url, marker: line.marker ?? null }) };
    }),
  );
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
  return [...items].sort((a, b) =>
    a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
}
