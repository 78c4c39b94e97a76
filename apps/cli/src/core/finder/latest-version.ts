/**
 * pip list --outdated's "Latest" column: the newest version the index offers for the target,
 * not yanked, and not a pre-release unless `--pre`; with the type of its best file.
 */
import type { NormalizedName } from "@wheelhouse/packaging";
import type { PackageFinder } from "./package-finder.ts";

export function latestVersionFrom(
  finder: PackageFinder,
  pre: boolean,
): (name: NormalizedName) => Promise<{ version: string; filetype: "wheel" | "sdist" } | null> {
  return async (name) => {
    const best = (await finder.candidates(name)).find((c) => !c.yanked && (pre || !c.version.isPrerelease) && c.files.length > 0);
    return best ? { version: best.version.toString(), filetype: best.files[0]!.kind } : null;
  };
}
