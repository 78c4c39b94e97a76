/**
 * The resolver's provider for a real run: candidates from the PackageFinder, dependencies from
 * core metadata (cache, PEP 658, range reads of wheels — never a whole-wheel download when the
 * index allows otherwise), sdists without static metadata prepared by the SdistBuilder, and
 * direct URLs (`name @ url`, wheel and sdist URLs, local archives, project directories — built
 * in place, editable ones through PEP 660) as candidates of their own.
 *
 * Every answer is cached per candidate and shared by concurrent callers: the resolver prefetches
 * the dependencies of the next projects in parallel.
 */
import { CliError } from "../cli-error.ts";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import {
  InvalidMetadata,
  canonicalizeName,
  parseMetadata,
  parseSdistFilename,
  parseWheelFilename,
  tryParseVersion,
  type MarkerEnvironment,
  type NormalizedName,
  type Requirement,
} from "@wheelhouse/packaging";
import { filenameFromUrl } from "@wheelhouse/simple-index/upstream-page";
import type { Candidate, DistFile, InstalledDistribution, ResolverProvider } from "../types.ts";
import { localPath } from "../net/http-client.ts";
import { toDistFile } from "../index/index-client.ts";
import type { IndexSession } from "../index/index-session.ts";
import type { PackageFinder } from "../finder/package-finder.ts";
import { allowedCandidates } from "./allowed-candidates.ts";
import type { UrlCandidateProvider } from "./resolve.ts";
import type { LocalProject, SdistBuilder } from "../build/sdist-builder.ts";

/** A candidate's metadata does not name the project or version it was offered as. */
export class InconsistentCandidate extends CliError {
  override name = "InconsistentCandidate";
}

/** A direct reference the installer cannot use (a VCS URL, an unknown file type, an editable that is not a directory). */
export class UnsupportedReference extends CliError {
  override name = "UnsupportedReference";
}

/** A distribution's core metadata cannot be read at all (no Name or Version, a newer major Metadata-Version). */
export class UnreadableMetadata extends CliError {
  override name = "UnreadableMetadata";
}

/**
 * Core metadata as the resolution reads it: leniently (pip reads what it can), but what cannot
 * be read at all is one sentence naming the distribution, not an exception with a stack.
 */
export function readCandidateMetadata(text: string, source: string): ReturnType<typeof parseMetadata> {
  try {
    return parseMetadata(text, { validate: false });
  } catch (e) {
    if (!(e instanceof InvalidMetadata)) throw e;
    throw new UnreadableMetadata(`The metadata of ${source} cannot be read: ${e.errors.join("; ")}.`);
  }
}

/** What the resolution needs to know of one candidate. */
export interface CandidateMetadata {
  /** The Name field as written (pip's "Would install" and "Successfully installed" use it). */
  displayName: string;
  requiresDist: Requirement[];
  /** The METADATA text (null for what is installed already, or has no file). */
  text: string | null;
}

export interface IndexProviderInit {
  finder: PackageFinder;
  session: IndexSession;
  /** Builds sdists for their metadata; without one an sdist that needs building is an error. */
  builder: SdistBuilder | null;
  /**
   * What the target has installed: a version the index no longer offers is still a candidate
   * (pip's AlreadyInstalledCandidate), with no files and the installed dependencies.
   */
  installed?: ReadonlyMap<NormalizedName, InstalledDistribution>;
  /**
   * Look ahead of the resolver: once a candidate's metadata is known, fetch the pages of its
   * dependencies (those whose markers hold without extras) and the metadata of the best wheel
   * each allows, and so on down the tree. The resolver then finds most answers already there,
   * instead of discovering the tree one level per round trip.
   */
  lookahead?: { environment: MarkerEnvironment; allowPrereleases: (name: NormalizedName) => boolean };
  /** file: URLs (without fragment) of project directories asked for as editable (`-e`). */
  editables?: ReadonlySet<string>;
  /**
   * Learn a project directory's metadata by building its wheel (which the install then uses)
   * rather than by the prepare_metadata hook; false for a dry run.
   */
  buildLocalProjects?: boolean;
}

export class IndexProvider implements ResolverProvider, UrlCandidateProvider {
  /** Candidates made for direct URLs, with the URL asked for (PEP 610 direct_url.json). */
  readonly directUrls = new Map<Candidate, string>();
  readonly #init: IndexProviderInit;
  readonly #metadata = new Map<string, Promise<CandidateMetadata>>();
  readonly #urlCandidates = new Map<string, Promise<Candidate | null>>();
  readonly #candidates = new Map<NormalizedName, Promise<Candidate[]>>();
  readonly #installedCandidates = new Map<Candidate, InstalledDistribution>();
  readonly #localProjects = new Map<Candidate, LocalProject>();
  /** The (wheel URL, extras) pairs the look-ahead has followed. */
  readonly #extrasLookedAhead = new Set<string>();

  constructor(init: IndexProviderInit) {
    this.#init = init;
  }

  candidates(name: NormalizedName): Promise<Candidate[]> {
    const dist = this.#init.installed?.get(name);
    if (!dist) return this.#init.finder.candidates(name);
    let pending = this.#candidates.get(name);
    if (!pending) {
      pending = this.#init.finder.candidates(name).then((found) => {
        const version = tryParseVersion(dist.version);
        if (version === null || found.some((c) => c.version.equals(version))) return found;
        const installed: Candidate = { name, version, files: [], yanked: false };
        this.#installedCandidates.set(installed, dist);
        return [...found, installed];
      });
      this.#candidates.set(name, pending);
    }
    return pending;
  }

  async dependencies(candidate: Candidate): Promise<Requirement[]> {
    const dist = this.#installedCandidates.get(candidate);
    if (dist) return dist.requires;
    return (await this.metadata(candidate)).requiresDist;
  }

  /** The metadata of the file that would be installed for `candidate`; one fetch (or build) per file. */
  metadata(candidate: Candidate): Promise<CandidateMetadata> {
    const file = candidate.files[0];
    const key = `${candidate.name}\0${file?.url ?? candidate.version.toString()}`;
    let pending = this.#metadata.get(key);
    if (!pending) {
      pending = this.#readMetadata(candidate);
      this.#metadata.set(key, pending);
      pending.then(
        (metadata) => this.#lookahead(metadata.requiresDist),
        () => this.#metadata.delete(key),
      );
    }
    return pending;
  }

  /**
   * Speculative fetches for dependencies (see `lookahead`); failures are left for the resolver to
   * meet. `extras` are those asked of the package the requirements belong to: a dependency behind
   * one of them (`tree-async; extra == "async"` of `tree-web[async]`) is read ahead too.
   */
  #lookahead(requirements: readonly Requirement[], extras: readonly string[] = []): void {
    const options = this.#init.lookahead;
    if (!options) return;
    const markerExtras = extras.length > 0 ? ["", ...extras] : [];
    for (const requirement of requirements) {
      if (requirement.url !== null) continue;
      try {
        if (requirement.marker !== null && !requirement.marker.evaluate(options.environment, markerExtras)) continue;
      } catch {
        continue; // a marker that cannot be evaluated is the resolver's to report
      }
      const name = requirement.normalizedName;
      this.candidates(name).then(
        (all) => {
          const best = allowedCandidates(all, requirement.specifier, { prereleases: options.allowPrereleases(name), preferVersion: null })[0];
          // Never a speculative build: wheels only.
          if (best?.files[0]?.kind !== "wheel") return;
          const metadata = this.metadata(best);
          metadata.catch(() => {});
          // (metadata() looks ahead without extras by itself.)
          // Each (wheel, extras) once: extras that lead back to themselves would otherwise loop.
          const asked = [...new Set(requirement.extras.map((x) => canonicalizeName(x)))].sort();
          const key = `${best.files[0].url}\0${asked.join(",")}`;
          if (asked.length === 0 || this.#extrasLookedAhead.has(key)) return;
          this.#extrasLookedAhead.add(key);
          metadata.then(
            (m) => this.#lookahead(m.requiresDist, asked),
            () => {},
          );
        },
        () => {},
      );
    }
  }

  /** The project directory a candidate is built from, when it is one. */
  localProject(candidate: Candidate): LocalProject | undefined {
    return this.#localProjects.get(candidate);
  }

  /**
   * The project directory a file: URL names (editable when asked for with `-e`), or null when it
   * names no directory. An editable that is not a directory is refused.
   */
  localProjectAt(url: string): LocalProject | null {
    const bare = url.split("#")[0]!;
    const editable = this.#init.editables?.has(bare) ?? false;
    const dir = /^file:/i.test(bare) ? localPath(bare) : null;
    const isDirectory = dir !== null && (statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false);
    if (!isDirectory) {
      if (editable)
        throw new UnsupportedReference(`${url} is not a project directory: wheelhouse installs in editable mode from a local project directory only.`);
      return null;
    }
    if (!existsSync(path.join(dir, "pyproject.toml")) && !existsSync(path.join(dir, "setup.py"))) {
      throw new UnsupportedReference(`${bare} does not appear to be a Python project: neither 'setup.py' nor 'pyproject.toml' found.`);
    }
    return { dir: path.resolve(dir), url: bare, editable };
  }

  /** The metadata text of a project directory (built or prepared once per run). */
  localMetadata(project: LocalProject): Promise<string> {
    const builder = this.#init.builder;
    if (builder === null) throw new UnsupportedReference(`${project.dir} has to be built to learn its name and dependencies, which this command cannot do.`);
    return builder.projectMetadata(project, { build: this.#init.buildLocalProjects ?? false });
  }

  candidateForUrl(name: NormalizedName, url: string): Promise<Candidate | null> {
    const key = `${name}\0${url}`;
    let pending = this.#urlCandidates.get(key);
    if (!pending) {
      pending = this.#candidateForUrl(name, url);
      this.#urlCandidates.set(key, pending);
    }
    return pending;
  }

  async #readMetadata(candidate: Candidate): Promise<CandidateMetadata> {
    const file = candidate.files[0];
    const dist = this.#installedCandidates.get(candidate);
    if (dist) return { displayName: dist.displayName, requiresDist: dist.requires, text: null };
    if (!file) return { displayName: candidate.name, requiresDist: [], text: null };
    const { session, builder } = this.#init;
    const local = this.#localProjects.get(candidate);
    let text = local ? await this.localMetadata(local) : await session.metadata.forCandidate(candidate);
    if (text === null) {
      if (builder === null) throw new UnsupportedReference(`${file.filename} has to be built to learn its dependencies, which this command cannot do.`);
      const archive = await session.downloader.fetch(file, { requirement: `${candidate.name}==${candidate.version}` });
      text = await builder.metadata(file, archive, candidate.name);
    }
    const metadata = readCandidateMetadata(text, file.filename);
    if (canonicalizeName(metadata.name) !== candidate.name) {
      throw new InconsistentCandidate(
        `Requested ${candidate.name} from ${session.http.redact(file.url)} has inconsistent name: ` +
          `expected '${candidate.name}', but metadata has '${metadata.name}'`,
      );
    }
    if (!metadata.version.equals(candidate.version)) {
      throw new InconsistentCandidate(
        `Requested ${candidate.name}==${candidate.version} from ${session.http.redact(file.url)} has inconsistent version: ` +
          `expected '${candidate.version}', but metadata has '${metadata.version}'`,
      );
    }
    return { displayName: metadata.name, requiresDist: metadata.requiresDist ?? [], text };
  }

  async #candidateForUrl(name: NormalizedName, url: string): Promise<Candidate | null> {
    const local = this.localProjectAt(url);
    if (local !== null) {
      const metadata = readCandidateMetadata(await this.localMetadata(local), local.url);
      if (canonicalizeName(metadata.name) !== name) {
        throw new InconsistentCandidate(`Requested ${name} from ${local.url} has inconsistent name: expected '${name}', but metadata has '${metadata.name}'`);
      }
      const file: DistFile = {
        filename: path.basename(local.dir),
        url: local.url,
        hashes: {},
        requiresPython: null,
        yanked: false,
        coreMetadata: false,
        source: "direct URL",
        kind: "sdist",
      };
      const candidate: Candidate = { name, version: metadata.version, files: [file], yanked: false };
      this.#localProjects.set(candidate, local);
      this.directUrls.set(candidate, url);
      return candidate;
    }
    const file = directFile(url);
    if (file === null) {
      throw new UnsupportedReference(
        `${url} is not a wheel, a source archive or a project directory; installing from a VCS URL is not supported by this version of wheelhouse.`,
      );
    }
    let candidate: Candidate;
    if (file.kind === "wheel") {
      const parsed = parseWheelFilename(file.filename);
      if (parsed.name !== name) throw new InconsistentCandidate(`${file.filename} is not a wheel of ${name}.`);
      candidate = { name, version: parsed.version, files: [file], yanked: false };
    } else {
      let version;
      try {
        version = parseSdistFilename(file.filename.replace(/\.tgz$/i, ".tar.gz"), { project: name }).version;
      } catch {
        // An archive whose name does not give the version: its metadata does.
        if (this.#init.builder === null) throw new UnsupportedReference(`Cannot tell the version of ${file.filename} without building it.`);
        const archive = await this.#init.session.downloader.fetch(file);
        const text = await this.#init.builder.metadata(file, archive, name);
        version = readCandidateMetadata(text, file.filename).version;
      }
      candidate = { name, version, files: [file], yanked: false };
    }
    this.directUrls.set(candidate, url);
    return candidate;
  }
}

/** The DistFile a direct URL names (hashes from its `#sha256=…` fragment), or null when it is neither a wheel nor an sdist. */
export function directFile(url: string): DistFile | null {
  const hash = url.indexOf("#");
  const bare = hash === -1 ? url : url.slice(0, hash);
  const hashes: Record<string, string> = {};
  if (hash !== -1) {
    for (const part of url.slice(hash + 1).split("&")) {
      const [key, value] = part.split("=", 2) as [string, string | undefined];
      if (value && /^(sha256|sha384|sha512|sha224|sha1|md5)$/i.test(key)) hashes[key.toLowerCase()] = value.toLowerCase();
    }
  }
  let filename: string;
  try {
    filename = filenameFromUrl(bare);
  } catch {
    return null;
  }
  return toDistFile({ filename, url: bare, hashes }, "direct URL");
}

/** The project a nameless URL or path requirement names, from its filename; null when the filename does not tell. */
export function projectOfArchive(url: string): NormalizedName | null {
  const file = directFile(url);
  if (file === null) return null;
  try {
    return file.kind === "wheel" ? parseWheelFilename(file.filename).name : parseSdistFilename(file.filename.replace(/\.tgz$/i, ".tar.gz")).name;
  } catch {
    return null;
  }
}
