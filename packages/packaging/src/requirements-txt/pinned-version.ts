/**
 * pip's is_pinned (req_install.py): a requirement is pinned to one version when its specifier is
 * one `==` clause without a wildcard, or one `===` clause. What sync compares and audit asks about.
 */
import type { Requirement } from "../requirements.ts";

/** The version of `name==1.0` or `name===1.0`, else null. */
export function pinnedVersion(requirement: Pick<Requirement, "specifier">): string | null {
  const clauses = [...requirement.specifier];
  if (clauses.length !== 1) return null;
  const only = clauses[0]!;
  if ((only.operator === "==" && !only.version.endsWith(".*")) || only.operator === "===") return only.version;
  return null;
}
