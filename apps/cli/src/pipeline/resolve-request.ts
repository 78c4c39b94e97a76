/**
 * RequirementLines (command line, `-r`, `-c`) as the resolver's request. Nameless URL and path
 * requirements are named from their filename, as pip does for wheels (and for sdists with a
 * standard name).
 */
import { Requirement, type MarkerEnvironment, type NormalizedName } from "@wheelhouse/packaging";
import type { RequirementLine } from "@wheelhouse/packaging";
import type { ResolveRequest, SourcedRequirement } from "../core/resolver/resolve.ts";
import { projectOfArchive, UnsupportedReference } from "../core/resolver/index-provider.ts";

/** The line's requirement, named from its archive's filename when it had no name of its own. */
export function namedRequirement(line: RequirementLine): Requirement {
  if (line.requirement) return line.requirement;
  const name = line.url ? projectOfArchive(line.url) : null;
  if (name === null) {
    throw new UnsupportedReference(
      line.path !== undefined && !line.url?.match(/\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar)$/i)
        ? `${line.text}: installing from a project directory is not supported by this version of wheelhouse; build a wheel or an sdist of it first.`
        : `Cannot tell which project ${line.text} is; add #egg=<name> to the URL.`,
    );
  }
  return new Requirement({ name, extras: line.extras ?? [], url: line.url ?? null, marker: line.marker ?? null });
}

export function sourced(lines: readonly RequirementLine[]): SourcedRequirement[] {
  return lines.map((line) => ({ requirement: namedRequirement(line), source: line.comesFrom ?? line.source }));
}

export interface RequestSettings {
  environment: MarkerEnvironment;
  allowPrereleases: (name: NormalizedName) => boolean;
  installed?: Map<NormalizedName, string>;
  upgrade?: boolean;
  noDeps?: boolean;
}

/** The resolver's request for these requirements and constraints. */
export function resolveRequest(requirements: readonly RequirementLine[], constraints: readonly RequirementLine[], settings: RequestSettings): ResolveRequest {
  for (const line of constraints) {
    if (!line.requirement) throw new UnsupportedReference(`Unnamed requirements are not allowed as constraints (found ${line.text}).`);
  }
  return {
    requirements: sourced(requirements),
    constraints: sourced(constraints),
    environment: settings.environment,
    allowPrereleases: settings.allowPrereleases,
    ...(settings.installed ? { installed: settings.installed } : {}),
    ...(settings.upgrade ? { upgrade: true } : {}),
    ...(settings.noDeps ? { noDeps: true } : {}),
  };
}
