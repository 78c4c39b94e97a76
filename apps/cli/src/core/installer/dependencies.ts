/**
 * What pip's `iter_dependencies()` yields for an installed distribution (Requires-Dist whose
 * marker holds with `extra == ""` in the target), and versions displayed as pip displays them.
 */
import { evaluateMarker, tryParseVersion, type MarkerEnvironment, type Requirement } from "@wheelhouse/packaging";
import type { InstalledDistribution } from "../types.ts";

/** The requirements that apply without extras, in the target's marker environment. */
export function activeDependencies(dist: InstalledDistribution, markers: MarkerEnvironment): Requirement[] {
  return dist.requires.filter((req) => {
    if (!req.marker) return true;
    try {
      return evaluateMarker(req.marker, { ...markers, extra: "" });
    } catch {
      return false;
    }
  });
}

/** `str(packaging.version.parse(v))`: the normalized form, or the text as written when it is not PEP 440. */
export function displayVersion(version: string): string {
  return tryParseVersion(version)?.toString() ?? version;
}
