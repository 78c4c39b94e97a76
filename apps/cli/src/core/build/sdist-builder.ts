/**
 * Source distributions turned into what the resolver and the installer need: their core
 * metadata (PEP 517 prepare_metadata_for_build_wheel) and their wheel (build_wheel). Build
 * requirements are installed, with isolation, by a nested install run the caller provides.
 * Results are kept per sdist for the run, and in the cache by the sdist's sha256 and the
 * interpreter's cache tag, so a warm run builds nothing.
 *
 * Project directories (`install ./dir`, `install -e ./dir`) are built in place, with PEP 660's
 * hooks when editable; their results are kept for the run only (the directory changes), as pip
 * never caches a wheel built from a directory.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { BuildError, buildWheel, prepareMetadata } from "./build-wheel.ts";
import type { DistFile } from "../types.ts";
import type { InspectedEnvironment } from "../environment/inspect-python.ts";
import { writeCacheFile } from "../cache/atomic-write.ts";
import { hashFile } from "../hashes/hashing.ts";
import { readWheelMetadata, withLocalFile } from "../index/wheel-metadata.ts";

/** Nested builds deeper than this are refused (a build requirement that needs a build that needs a build…). */
const MAX_BUILD_DEPTH = 4;

export interface SdistBuilderInit {
  /** The interpreter builds run with (asked only when something is built). */
  env: () => Promise<InspectedEnvironment>;
  /** pip's default; false with --no-build-isolation. */
  buildIsolation: boolean;
  cacheDir: string | null;
  /** Installs requirements into `prefix` (prefix scheme), by a nested run of the install pipeline one level deeper. */
  installBuildRequirements: (requirements: string[], prefix: string, chain: readonly string[]) => Promise<void>;
  /** Projects being built further up (a build that needs itself is a cycle). */
  chain?: readonly string[];
  /** "  Preparing metadata (pyproject.toml) ... done" and the like. */
  log?: (line: string) => void;
}

/** A project directory to build, in place; editable ones through PEP 660's hooks. */
export interface LocalProject {
  /** Absolute path. */
  dir: string;
  /** Its file: URL (PEP 610 direct_url.json's `url`). */
  url: string;
  editable: boolean;
}

export class SdistBuilder {
  readonly #init: SdistBuilderInit;
  readonly #metadata = new Map<string, Promise<string>>();
  readonly #wheels = new Map<string, Promise<string>>();
  #work: Promise<string> | null = null;

  constructor(init: SdistBuilderInit) {
    this.#init = init;
  }

  /** The core metadata of the sdist at `archive` (a local copy of `file`). */
  metadata(file: DistFile, archive: string, project: string): Promise<string> {
    return cached(this.#metadata, file.url, async () => {
      const built = this.#wheels.get(file.url);
      if (built) return readMetadata(await built, project);
      const slot = await this.#cacheSlot(file, archive);
      if (slot) {
        const text = await readFile(path.join(slot, "METADATA"), "utf8").catch(() => null);
        if (text !== null) return text;
        const wheel = await findWheel(slot);
        if (wheel) return readMetadata(wheel, project);
      }
      this.#init.log?.(`  Preparing metadata (pyproject.toml) for ${file.filename}`);
      const out = await mkdtemp(path.join(await this.#workDir(), "metadata-"));
      const { metadata } = await this.#withChain(project, (options) => prepareMetadata(archive, options.env, { ...options.build, outDir: out }));
      if (slot) writeCacheFile(path.join(slot, "METADATA"), metadata);
      return metadata;
    });
  }

  /** A wheel built from the sdist at `archive`. */
  wheel(file: DistFile, archive: string, project: string): Promise<string> {
    return cached(this.#wheels, file.url, async () => {
      const slot = await this.#cacheSlot(file, archive);
      const existing = slot ? await findWheel(slot) : null;
      if (existing) return existing;
      this.#init.log?.(`  Building wheel for ${project} (pyproject.toml)`);
      const out = await mkdtemp(path.join(await this.#workDir(), "wheel-"));
      const wheel = await this.#withChain(project, (options) => buildWheel(archive, options.env, { ...options.build, outDir: out }));
      if (!slot) return wheel;
      await mkdir(slot, { recursive: true });
      const final = path.join(slot, path.basename(wheel));
      await moveFile(wheel, final);
      return final;
    });
  }

  /**
   * The core metadata of a project directory: with `build`, from the wheel built now (and kept
   * for `projectWheel`: one build environment instead of two), else from the backend's
   * prepare_metadata hook (a dry run builds nothing).
   */
  projectMetadata(project: LocalProject, options: { build: boolean }): Promise<string> {
    const key = projectKey(project);
    return cached(this.#metadata, key, async () => {
      // pip's first line for the requirement, before anything is built.
      this.#init.log?.(project.editable ? `Obtaining ${project.url}` : `Processing ${project.dir}`);
      const built = this.#wheels.get(key);
      if (built || options.build) return readMetadata(await (built ?? this.projectWheel(project)), null);
      this.#init.log?.(`  Preparing ${project.editable ? "editable metadata" : "metadata"} (pyproject.toml)`);
      const out = await mkdtemp(path.join(await this.#workDir(), "metadata-"));
      const { metadata } = await this.#withChain(path.basename(project.dir), (options) =>
        prepareMetadata(project.dir, options.env, { ...options.build, outDir: out, editable: project.editable }),
      );
      return metadata;
    });
  }

  /** The wheel (editable: PEP 660 editable wheel) built from a project directory; it lasts until close(). */
  projectWheel(project: LocalProject): Promise<string> {
    return cached(this.#wheels, projectKey(project), async () => {
      this.#init.log?.(`  Building ${project.editable ? "editable" : "wheel"} for ${path.basename(project.dir)} (pyproject.toml)`);
      const out = await mkdtemp(path.join(await this.#workDir(), "wheel-"));
      return this.#withChain(path.basename(project.dir), (options) =>
        buildWheel(project.dir, options.env, { ...options.build, outDir: out, editable: project.editable }),
      );
    });
  }

  /** Removes the temporary build outputs that were not moved into the cache. */
  async close(): Promise<void> {
    const work = this.#work;
    this.#work = null;
    if (work) await rm(await work, { recursive: true, force: true });
  }

  async #withChain<T>(
    project: string,
    build: (options: {
      env: InspectedEnvironment;
      build: { buildIsolation: boolean; installBuildRequirements: (reqs: string[], prefix: string) => Promise<void> };
    }) => Promise<T>,
  ): Promise<T> {
    const chain = [...(this.#init.chain ?? []), project];
    if ((this.#init.chain ?? []).includes(project)) {
      throw new BuildError(`Cannot build ${project}: its build requirements need ${project} built first (${chain.join(" → ")}).`, "");
    }
    if (chain.length > MAX_BUILD_DEPTH) {
      throw new BuildError(`Cannot build ${project}: build requirements nest deeper than ${MAX_BUILD_DEPTH} levels (${chain.join(" → ")}).`, "");
    }
    const env = await this.#init.env();
    return build({
      env,
      build: {
        buildIsolation: this.#init.buildIsolation,
        installBuildRequirements: (reqs, prefix) => this.#init.installBuildRequirements(reqs, prefix, chain),
      },
    });
  }

  /** `<cache>/built/<aa>/<sha256 of the sdist>/<cache tag>/`, or null without a cache. */
  async #cacheSlot(file: DistFile, archive: string): Promise<string | null> {
    const cacheDir = this.#init.cacheDir;
    if (cacheDir === null) return null;
    const sha256 = file.hashes.sha256?.toLowerCase() ?? (await hashFile(archive, ["sha256"])).sha256!;
    const env = await this.#init.env();
    const tag = `${env.info.cacheTag ?? env.info.implementation}-${env.markers.platform_machine || "any"}`;
    return path.join(cacheDir, "built", sha256.slice(0, 2), sha256, tag);
  }

  #workDir(): Promise<string> {
    // Beside the cache when there is one, so built wheels are renamed into it, not copied.
    const base = this.#init.cacheDir === null ? os.tmpdir() : path.join(this.#init.cacheDir, "tmp");
    return (this.#work ??= mkdir(base, { recursive: true }).then(() => mkdtemp(path.join(base, "builds-"))));
  }
}

function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let pending = map.get(key);
  if (!pending) {
    pending = make();
    map.set(key, pending);
    pending.catch(() => map.delete(key));
  }
  return pending;
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

async function findWheel(dir: string): Promise<string | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const wheel = names.find((n) => n.endsWith(".whl"));
  return wheel ? path.join(dir, wheel) : null;
}

function readMetadata(wheel: string, project: string | null): Promise<string> {
  return withLocalFile(wheel, (source) => readWheelMetadata(source, path.basename(wheel), project));
}

function projectKey(project: LocalProject): string {
  return `${project.editable ? "editable" : "wheel"}\0${project.dir}`;
}
