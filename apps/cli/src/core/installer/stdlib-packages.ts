/** pip's stdlib_pkgs: distributions an interpreter may list that list and freeze never show. */
export const STDLIB_PKGS: readonly string[] = ["python", "wsgiref", "argparse"];
