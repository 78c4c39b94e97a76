/**
 * Project names: PEP 503 normalization and PEP 508 validity.
 */

/** A project name that went through PEP 503 normalization. */
export type NormalizedName = string & { readonly __brand: "NormalizedName" };

// PEP 508: a name starts and ends with a letter or digit; inside, `.`, `_` and `-` are allowed too.
const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** PEP 503: lowercase, and every run of `-`, `_` and `.` becomes one `-`. */
export function canonicalizeName(name: string): NormalizedName {
  return name.replace(/[-_.]+/g, "-").toLowerCase() as NormalizedName;
}

/** PEP 508: whether `name` is a valid distribution (or extra) name. */
export function isValidProjectName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** Whether `name` is already in its PEP 503 normalized form. */
export function isNormalizedName(name: string): name is NormalizedName {
  return isValidProjectName(name) && canonicalizeName(name) === name;
}
