/**
 * sdist or project directory → wheel through the PEP 517 hooks (PEP 660's for editable wheels),
 * with pip's build isolation: the build requirements are installed (by the caller's installer,
 * from the same index) into a temporary prefix that a sitecustomize puts on sys.path in place of
 * the target's site-packages. An sdist is unpacked into a temporary directory; a project
 * directory is built in place, as pip does.
 */
import { CliError } from "../cli-error.ts";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { schemePaths, type InspectedEnvironment } from "../environment/inspect-python.ts";
import { HOOK_RUNNER, isolationSitecustomize } from "./hook-runner.ts";
import { unpackSdist } from "./unpack-sdist.ts";

const execFileAsync = promisify(execFile);

export interface BuildOptions {
  /** pip's default: true. False builds with whatever the target environment has. */
  buildIsolation?: boolean;
  /** Installs requirements into a prefix (the install command passes one that uses the same index). */
  installBuildRequirements?: (requirements: string[], intoPrefix: string) => Promise<void>;
  /** Where the wheel (or the prepared metadata) is written. */
  outDir: string;
  /** PEP 517 config_settings. */
  configSettings?: Record<string, string | string[]>;
  /** Receives the backend's output (it is otherwise only shown when the build fails). */
  log?: (text: string) => void;
  /** PEP 660: build_editable and prepare_metadata_for_build_editable in place of the wheel hooks. */
  editable?: boolean;
}

export interface BuildSystem {
  requires: string[];
  backend: string;
  backendPath: string[];
}

/** A PEP 517 hook failed; `output` holds what the backend printed. */
export class BuildError extends CliError {
  override name = "BuildError";
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }

  /** What the backend printed, then pip's `ERROR: ` line. */
  override report(): string {
    return `${this.output ? `${this.output.trimEnd()}\n` : ""}ERROR: ${this.message}`;
  }
}

// pip 23: what a project without [build-system] is built with.
const LEGACY_BUILD_SYSTEM: BuildSystem = { requires: ["setuptools>=40.8.0", "wheel"], backend: "setuptools.build_meta:__legacy__", backendPath: [] };

/** Builds a wheel (with `editable`, a PEP 660 editable wheel) from an sdist or a project directory; returns the wheel's path in `outDir`. */
export async function buildWheel(sdistPath: string, env: InspectedEnvironment, options: BuildOptions): Promise<string> {
  return withBuild(sdistPath, env, options, async (build) => {
    const hook = options.editable ? "build_editable" : "build_wheel";
    const name = (await build.hook(hook, { wheel_directory: path.resolve(options.outDir) })) as string;
    return path.join(path.resolve(options.outDir), name);
  });
}

/**
 * The project's core metadata (for the resolver), through prepare_metadata_for_build_wheel (with
 * `editable`, prepare_metadata_for_build_editable), or by building the wheel when the backend
 * does not have that hook. The .dist-info directory is left in `outDir`.
 */
export async function prepareMetadata(sdistPath: string, env: InspectedEnvironment, options: BuildOptions): Promise<{ distInfo: string; metadata: string }> {
  return withBuild(sdistPath, env, options, async (build) => {
    const metadataDir = path.resolve(options.outDir);
    await mkdir(metadataDir, { recursive: true });
    const hook = options.editable ? "prepare_metadata_for_build_editable" : "prepare_metadata_for_build_wheel";
    const name = (await build.hook(hook, { metadata_directory: metadataDir })) as string;
    await rm(path.join(metadataDir, ".wheel"), { recursive: true, force: true });
    const distInfo = path.join(metadataDir, name);
    return { distInfo, metadata: await readFile(path.join(distInfo, "METADATA"), "utf8") };
  });
}

interface Build {
  hook(name: string, args: Record<string, unknown>): Promise<unknown>;
}

async function withBuild<T>(sdistPath: string, env: InspectedEnvironment, options: BuildOptions, fn: (build: Build) => Promise<T>): Promise<T> {
  const isolated = options.buildIsolation ?? true;
  const work = await mkdtemp(path.join(os.tmpdir(), "wheelhouse-build-"));
  try {
    const isDirectory = (await stat(sdistPath).catch(() => null))?.isDirectory() ?? false;
    const source = isDirectory ? path.resolve(sdistPath) : await unpackSdist(sdistPath, path.join(work, "src"));
    const runner = path.join(work, "runner", "pep517_runner.py");
    await mkdir(path.dirname(runner));
    await writeFile(runner, HOOK_RUNNER);
    await mkdir(path.join(options.outDir), { recursive: true });

    let childEnv: NodeJS.ProcessEnv = { ...process.env, PYTHONIOENCODING: "utf-8" };
    let call = 0;
    const run = async (hook: string, args: Record<string, unknown>): Promise<unknown> => {
      const input = path.join(work, `in-${call}.json`);
      const output = path.join(work, `out-${call++}.json`);
      await writeFile(input, JSON.stringify(args));
      let out = "";
      try {
        const r = await execFileAsync(env.python, [runner, hook, input, output], { cwd: source, env: childEnv, maxBuffer: 256 * 1024 * 1024 });
        out = r.stdout + r.stderr;
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        out = (err.stdout ?? "") + (err.stderr ?? "");
        throw new BuildError(`The build backend crashed in ${hook} for ${path.basename(sdistPath)}.`, out || err.message);
      }
      if (out) options.log?.(out);
      const result = JSON.parse(await readFile(output, "utf8")) as { return?: unknown; error?: string; backend_invalid?: boolean };
      if (result.backend_invalid) throw new BuildError(`The build backend of ${path.basename(sdistPath)} is invalid: ${result.error}`, out);
      if (result.error !== undefined) throw new BuildError(`${hook} failed for ${path.basename(sdistPath)}:\n${result.error}`, out);
      return result.return;
    };

    const buildSystem = readBuildSystem(sdistPath, await run("read_pyproject", {}));
    const common = { backend: buildSystem.backend, backend_path: buildSystem.backendPath, config_settings: options.configSettings ?? null };
    // pip's isolated_editable_sanity_check, once the backend can be imported.
    const checkEditable = async (): Promise<void> => {
      if (options.editable && !(await run("has_build_editable", common))) throw new BuildError(noBuildEditable(source), "");
    };
    if (isolated) {
      const prefix = path.join(work, "prefix");
      const prefixPaths = schemePaths(env.info, { kind: "prefix", prefix });
      const siteDir = path.join(work, "site");
      await mkdir(siteDir);
      await writeFile(
        path.join(siteDir, "sitecustomize.py"),
        isolationSitecustomize([env.paths.purelib, env.paths.platlib], [...new Set([prefixPaths.purelib, prefixPaths.platlib])]),
      );
      childEnv = {
        ...childEnv,
        PATH: [prefixPaths.scripts, process.env.PATH ?? ""].filter(Boolean).join(path.delimiter),
        PYTHONNOUSERSITE: "1",
        PYTHONPATH: siteDir,
      };
      const install = async (reqs: string[]): Promise<void> => {
        if (reqs.length === 0) return;
        if (!options.installBuildRequirements)
          throw new BuildError(`Building ${path.basename(sdistPath)} needs ${reqs.join(", ")}, but no installer was given.`, "");
        await options.installBuildRequirements(reqs, prefix);
      };
      await install(buildSystem.requires);
      await checkEditable();
      await install((await run(options.editable ? "get_requires_for_build_editable" : "get_requires_for_build_wheel", common)) as string[]);
    } else await checkEditable();
    return await fn({ hook: (name, args) => run(name, { ...common, ...args }) });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** pip's message for an editable install of a project whose backend has no PEP 660 hook. */
function noBuildEditable(projectDir: string): string {
  const project = `Project ${pathToFileURL(projectDir).href}`;
  if (!existsSync(path.join(projectDir, "setup.py")) && !existsSync(path.join(projectDir, "setup.cfg"))) {
    return (
      `${project} has a 'pyproject.toml' and its build backend is missing the 'build_editable' hook. ` +
      `Since it does not have a 'setup.py' nor a 'setup.cfg', it cannot be installed in editable mode. ` +
      `Consider using a build backend that supports PEP 660.`
    );
  }
  // pip once fell back to `setup.py develop` here (removed in pip 25); wheelhouse never did.
  return (
    `${project}'s build backend is missing the 'build_editable' hook: ` +
    `it does not support PEP 660 editable mode, and wheelhouse does not run 'setup.py develop'. ` +
    `Consider using a build backend that supports PEP 660 (setuptools 64 or later does).`
  );
}

/** pip's rules for [build-system]: absent → setuptools' legacy backend; `requires` mandatory. */
export function readBuildSystem(sdistPath: string, table: unknown): BuildSystem {
  if (table === null || table === undefined) return LEGACY_BUILD_SYSTEM;
  const t = table as Record<string, unknown>;
  const name = path.basename(sdistPath);
  if (!Array.isArray(t.requires)) {
    throw new BuildError(`${name} has an invalid pyproject.toml file: the [build-system] table is missing the mandatory \`requires\` key.`, "");
  }
  if (!t.requires.every((r) => typeof r === "string")) {
    throw new BuildError(`${name} has an invalid pyproject.toml file: the \`requires\` key of [build-system] must be a list of strings.`, "");
  }
  const backend = typeof t["build-backend"] === "string" ? t["build-backend"] : "setuptools.build_meta:__legacy__";
  const backendPath = Array.isArray(t["backend-path"]) ? (t["backend-path"] as string[]) : [];
  return { requires: t.requires as string[], backend, backendPath };
}
