/**
 * Uninstalling a distribution the way pip's `req_uninstall.py` decides what to remove: every
 * RECORD entry, the .pyc beside and in `__pycache__` for each .py, the console and GUI scripts
 * of its entry points; then the directories left empty. Done as one transaction.
 */
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import type { InstalledDistribution } from "../types.ts";
import type { InspectedEnvironment } from "../environment/inspect-python.ts";
import { UninstallationError } from "./errors.ts";
import { isInside, pruneEmptyDirs } from "./fs-utils.ts";
import { declaredFiles, distributionEntryPoints, findInstalledDistribution } from "./installed-distributions.ts";
import { Transaction, recoverTransactions, type CommitStep } from "./transaction.ts";

export class NotInstalled extends UninstallationError {
  override name = "NotInstalled";
  constructor(readonly project: string) {
    super(`Skipping ${project} as it is not installed.`);
  }
}

export interface UninstallOptions {
  onStep?: (step: CommitStep) => void | Promise<void>;
}

/** Removes the distribution named `name`; returns the paths removed. */
export async function uninstall(name: string, env: InspectedEnvironment, options: UninstallOptions = {}): Promise<string[]> {
  await recoverTransactions([...libDirs(env), ...env.searchPaths]);
  const dist = await findInstalledDistribution(env, name);
  if (!dist) throw new NotInstalled(name);
  return uninstallDistribution(dist, env, options);
}

export async function uninstallDistribution(dist: InstalledDistribution, env: InspectedEnvironment, options: UninstallOptions = {}): Promise<string[]> {
  const paths = await uninstallationPaths(dist, env);
  const tx = await Transaction.begin(dist.location);
  let removed: string[];
  try {
    removed = await tx.commit({ moves: [], remove: paths, onStep: options.onStep });
  } catch (e) {
    await tx.abort();
    throw e;
  }
  await pruneEmptyDirs(
    removed.map((p) => path.dirname(p)),
    stopDirs(env, dist),
  );
  return removed;
}

/** The files pip would remove for `dist` (those that exist), absolute. */
export async function uninstallationPaths(dist: InstalledDistribution, env: InspectedEnvironment): Promise<string[]> {
  const entries = await declaredFiles(dist);
  if (entries === null) {
    let message = `Cannot uninstall ${dist.displayName} ${dist.version}, RECORD file not found.`;
    if (!dist.installer || dist.installer === "pip") {
      message += ` You might be able to recover from this via: 'pip install --force-reinstall --no-deps ${dist.displayName}==${dist.version}'.`;
    } else message += ` Hint: The package was installed by ${dist.installer}.`;
    throw new UninstallationError(message);
  }
  const candidates: string[] = [];
  const cacheTag = env.info.cacheTag;
  for (const entry of entries) {
    const file = path.resolve(dist.location, entry);
    candidates.push(file);
    if (file.endsWith(".py")) {
      const base = file.slice(0, -3);
      candidates.push(`${base}.pyc`, `${base}.pyo`);
      // importlib.util.cache_from_source(file)
      if (cacheTag) candidates.push(path.join(path.dirname(file), "__pycache__", `${path.basename(base)}.${cacheTag}.pyc`));
    }
  }
  if (dist.distInfo.endsWith(".egg-info")) candidates.push(...(await filesUnder(dist.distInfo)));
  const { entryPoints } = await distributionEntryPoints(dist);
  for (const ep of entryPoints) {
    if (ep.group === "console_scripts" || ep.group === "gui_scripts") candidates.push(path.join(env.paths.scripts, ep.name));
  }
  const out: string[] = [];
  for (const file of new Set(candidates)) {
    // pip: in a virtual environment, nothing outside it is touched.
    if (env.environmentRoot && !isInside(file, env.environmentRoot)) continue;
    const st = await lstat(file).catch(() => null);
    if (!st) continue;
    if (st.isDirectory()) out.push(...(await filesUnder(file)));
    else out.push(file);
  }
  return [...new Set(out)];
}

function libDirs(env: InspectedEnvironment): string[] {
  return [...new Set([env.paths.purelib, env.paths.platlib])];
}

function stopDirs(env: InspectedEnvironment, dist: InstalledDistribution): string[] {
  return [dist.location, env.paths.purelib, env.paths.platlib, env.paths.scripts, env.paths.data, env.paths.include];
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}
