/**
 * pip's hash-checking mode (`--require-hashes`, or any requirement with `--hash`): every
 * requirement pinned with `==` and carrying hashes, every archive checked against them, and the
 * problems reported together as pip's HashErrors are (missing, then unpinned, then mismatches).
 */
import { CliError } from "../core/cli-error.ts";
import type { Candidate, DistFile } from "../core/types.ts";
import { formatHashMismatches, type HashMismatchItem } from "../core/hashes/hash-mismatch.ts";
import { normalizeHashSet } from "../core/hashes/hashing.ts";
import type { RequirementLine } from "@wheelhouse/packaging";

const MISSING_HEAD =
  "Hashes are required in --require-hashes mode, but they are missing from some requirements. " +
  "Here is a list of those requirements along with the hashes their downloaded archives actually had. " +
  "Add lines like these to your requirements files to prevent tampering. " +
  "(If you did not enable --require-hashes manually, note that it turns on automatically when any package has a hash.)";
const UNPINNED_HEAD = "In --require-hashes mode, all requirements must have their versions pinned with ==. These do not:";

/** pip: `--require-hashes`, or a `--hash` on any requirement, turns hash checking on. */
export function hashCheckingEnabled(requireHashes: boolean, requirements: readonly RequirementLine[]): boolean {
  return requireHashes || requirements.some((line) => Object.keys(line.hashes).length > 0);
}

/** pip's str(InstallRequirement): `demo>=1 (from -r requirements.txt (line 3))`. */
export function describeLine(line: RequirementLine): string {
  let text = line.requirement ? line.requirement.toString() : line.text;
  if (line.requirement && line.url && line.requirement.url === null) text += ` from ${line.url}`;
  return line.comesFrom ? `${text} (from ${line.comesFrom})` : text;
}

/** pip's HashUnpinned: requirements that are neither a URL nor pinned with one `==`/`===` clause. */
export function unpinnedRequirements(requirements: readonly RequirementLine[]): RequirementLine[] {
  return requirements.filter((line) => {
    if (line.url || line.requirement?.url) return false;
    const specifiers = [...(line.requirement?.specifier ?? [])];
    return !(specifiers.length === 1 && (specifiers[0]!.operator === "==" || specifiers[0]!.operator === "==="));
  });
}

/** One requirement without hashes, and the sha256 its archive actually had. */
export interface MissingHash {
  /** `name==version`, or the URL of a direct requirement. */
  requirement: string;
  sha256: string;
}

/** The whole report, pip's order: missing hashes, unpinned requirements, mismatches. */
export function formatHashErrors(errors: {
  missing: readonly MissingHash[];
  unpinned: readonly RequirementLine[];
  mismatches: readonly HashMismatchItem[];
}): string {
  const lines: string[] = [];
  if (errors.missing.length > 0) {
    lines.push(MISSING_HEAD, ...errors.missing.map((m) => `    ${m.requirement} --hash=sha256:${m.sha256}`));
  }
  if (errors.unpinned.length > 0) lines.push(UNPINNED_HEAD, ...errors.unpinned.map((line) => `    ${describeLine(line)}`));
  if (errors.mismatches.length > 0) lines.push(formatHashMismatches(errors.mismatches));
  return lines.join("\n");
}

/**
 * The file of a candidate to fetch: with hashes, the best file whose published digest is one of
 * them (pip keeps only those links), else the best file.
 */
export function fileForHashes(candidate: Candidate, hashes: Record<string, readonly string[]>): DistFile | undefined {
  const wanted = normalizeHashSet(hashes);
  if (Object.keys(wanted).length === 0) return candidate.files[0];
  const matching = candidate.files.find((file) =>
    Object.entries(file.hashes).some(([algorithm, digest]) => wanted[algorithm.toLowerCase()]?.includes(digest.toLowerCase()) ?? false),
  );
  return matching ?? candidate.files[0];
}

/** Hash checking failed; nothing was installed. The message is pip's report (without `ERROR: `). */
export class HashCheckFailed extends CliError {
  override name = "HashCheckFailed";
}
