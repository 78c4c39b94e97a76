/**
 * Why a resolution failed, as values and as the sentences pip prints for them.
 */
import { CliError } from "../cli-error.ts";
import type { Requirement } from "@wheelhouse/packaging";
import type { Candidate } from "../types.ts";

/** One requirement taking part in a conflict, and who asked for it. */
export interface ConflictCause {
  requirement: Requirement;
  /** The candidate whose dependency it is; null when the user asked for it. */
  parent: Candidate | null;
  /** Where the user wrote it ("requirements.txt:3", "command line"); null for dependencies. */
  source: string | null;
  /** True for a -c constraint. */
  constraint: boolean;
}

export type ResolutionFailureKind = "no-matching-distribution" | "conflict";

/**
 * No set of versions satisfies the requirements. `message` is the explanation, one sentence per
 * line, without pip's `ERROR: ` prefixes (the command adds its own).
 */
export class ResolutionImpossible extends CliError {
  override name = "ResolutionImpossible";
  constructor(
    /** The requirements that clash (for "no-matching-distribution": the one nothing satisfies). */
    readonly conflicts: readonly ConflictCause[],
    readonly kind: ResolutionFailureKind,
    message: string,
  ) {
    super(message);
  }

  override report(): string {
    if (this.kind === "no-matching-distribution") {
      // pip: the yanked note is information; the two sentences are errors.
      return this.message
        .split("\n")
        .map((line) => (line.startsWith("Ignored the following yanked versions") ? line : `ERROR: ${line}`))
        .join("\n");
    }
    return `ERROR: ${this.message}\n\nERROR: ${RESOLUTION_HELP}`;
  }
}

const RESOLUTION_HELP = "ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts";

/** The search went on longer than `maxRounds` candidate attempts (pip's ResolutionTooDeep). */
export class ResolutionTooDeep extends CliError {
  override name = "ResolutionTooDeep";
  constructor(readonly rounds: number) {
    super(
      `Gave up resolving after trying ${rounds} candidates: the dependencies allow too many combinations. ` +
        "Narrow the requirements (for example pin the packages that are backtracked on) and try again.",
    );
  }
}

/** A requirement as it is shown in explanations: name, extras, versions or URL; no marker. */
export function formatRequirement(r: Requirement): string {
  let out = r.name;
  if (r.extras.length > 0) out += `[${r.extras.join(",")}]`;
  if (r.url !== null) return `${out} @ ${r.url}`;
  return out + r.specifier.toString();
}

/** pip's text_join: "a", "a and b", "a, b and c". */
function textJoin(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * pip's ResolutionImpossible report:
 *
 *     Cannot install app==1.0 and lib>=2 because these package versions have conflicting dependencies.
 *     The conflict is caused by:
 *         The user requested lib>=2 (from requirements.txt:2)
 *         app 1.0 depends on lib<2
 */
export function formatConflict(causes: readonly ConflictCause[]): string {
  // pip names what the user asked for: a user requirement as written, a dependency by its parent.
  const triggers = new Set<string>();
  for (const c of causes) {
    if (c.constraint) continue;
    triggers.add(c.parent === null ? formatRequirement(c.requirement) : `${c.parent.name}==${c.parent.version}`);
  }
  const info = triggers.size > 0 ? textJoin([...triggers].sort()) : "the requested packages";
  const lines = [`Cannot install ${info} because these package versions have conflicting dependencies.`];
  lines.push("The conflict is caused by:");
  for (const c of causes) {
    const from = c.source !== null ? ` (from ${c.source})` : "";
    if (c.parent !== null) lines.push(`    ${c.parent.name} ${c.parent.version} depends on ${formatRequirement(c.requirement)}`);
    else if (c.constraint) lines.push(`    The user requested (constraint) ${formatRequirement(c.requirement)}${from}`);
    else lines.push(`    The user requested ${formatRequirement(c.requirement)}${from}`);
  }
  lines.push(
    "",
    "To fix this you could try to:",
    "1. loosen the range of package versions you've specified",
    "2. remove package versions to allow the resolver to attempt to solve the dependency conflict",
  );
  return lines.join("\n");
}

/**
 * pip's report when one requirement alone matches nothing:
 *
 *     Could not find a version that satisfies the requirement foo>=9 (from versions: 1.0, 2.0)
 *     No matching distribution found for foo>=9
 *
 * `versions` and `yanked` are every version offered (ascending); like pip, yanked ones are listed
 * apart.
 */
export function formatNoMatchingDistribution(cause: ConflictCause, versions: readonly string[], yanked: readonly string[]): string {
  const req = cause.requirement.toString();
  const shown = cause.parent === null ? req : `${req} (from ${cause.parent.name})`;
  const lines: string[] = [];
  if (yanked.length > 0) lines.push(`Ignored the following yanked versions: ${yanked.join(", ")}`);
  lines.push(`Could not find a version that satisfies the requirement ${shown} (from versions: ${versions.join(", ") || "none"})`);
  lines.push(`No matching distribution found for ${req}`);
  return lines.join("\n");
}
