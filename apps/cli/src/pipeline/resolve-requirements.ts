/**
 * Resolution alone, for the commands that do not install (download, lock): the same provider
 * and request as install, nothing installed counted, sdists prepared when their metadata is not
 * static (with build requirements installed by the install pipeline into the build's prefix).
 */
import type { MarkerEnvironment } from "@wheelhouse/packaging";
import type { InspectedEnvironment } from "../core/environment/inspect-python.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import type { PackageFinder } from "../core/finder/package-finder.ts";
import type { RequirementLine } from "@wheelhouse/packaging";
import { resolve, type ResolveResult } from "../core/resolver/resolve.ts";
import { IndexProvider } from "../core/resolver/index-provider.ts";
import type { Reporter } from "../ui/command-reporter.ts";
import { sdistBuilderFor } from "./install-requirements.ts";
import { resolveRequest } from "./resolve-request.ts";

export interface ResolveInput {
  session: IndexSession;
  finder: PackageFinder;
  /** Markers to evaluate requirements with. */
  markers: MarkerEnvironment;
  /** The interpreter sdists are built with, asked only when one has to be. */
  env: () => Promise<InspectedEnvironment>;
  requirements: readonly RequirementLine[];
  constraints: readonly RequirementLine[];
  noDeps: boolean;
  buildIsolation: boolean;
  reporter: Reporter;
}

/** The resolution and the provider that answered it (its metadata and direct URLs stay readable). */
export async function resolveRequirements(input: ResolveInput): Promise<{ result: ResolveResult; provider: IndexProvider }> {
  const { session, finder, reporter } = input;
  const builder = sdistBuilderFor({ session, finder, env: input.env, buildIsolation: input.buildIsolation, reporter });
  const provider = new IndexProvider({
    finder,
    session,
    builder,
    ...(input.noDeps ? {} : { lookahead: { environment: input.markers, allowPrereleases: (name) => finder.allowPrereleases(name) } }),
  });
  try {
    const request = resolveRequest(input.requirements, input.constraints, {
      environment: input.markers,
      allowPrereleases: (name) => finder.allowPrereleases(name),
      noDeps: input.noDeps,
    });
    const result = await resolve(request, provider, { onProgress: (message) => reporter.info(message) });
    for (const warning of result.warnings) reporter.warning(warning);
    return { result, provider };
  } finally {
    await builder.close();
  }
}
