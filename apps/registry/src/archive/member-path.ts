import { hasControlCharacter } from "../text/control-characters.ts";
import { invalidFile, quote } from "./invalid-distribution.ts";

// "C:foo" and "C:\foo" are absolute (or drive-relative) on Windows.
const DRIVE_LETTER = /^[A-Za-z]:/;

/**
 * Checks one member name from a zip or tar and returns its path segments,
 * with "." and empty segments dropped ("./pkg-1.0//a" → ["pkg-1.0", "a"]);
 * [] for a directory entry naming the root.
 * Throws for names an installer could be tricked into writing outside its
 * target directory, or that tools would read differently.
 */
export function memberSegments(name: string, isDirectory: boolean): string[] {
  if (hasControlCharacter(name)) throw invalidFile(`member name ${quote(name)} contains a control character.`);
  if (name.includes("\\")) throw backslashInName(name);
  if (name.startsWith("/") || DRIVE_LETTER.test(name)) throw absoluteName(name);
  const segments = name.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) throw dotDotInName(name);
  // "./" is the archive root itself (`tar -C dir .` writes it): nothing to place.
  if (segments.length === 0 && !isDirectory) throw invalidFile(`member name ${quote(name)} is empty.`);
  return segments;
}

/** The key two members collide on: "a\\b", "a/b", "./a/b/" are one path once extracted. */
export function collisionKey(name: string): string {
  return name
    .replaceAll("\\", "/")
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/");
}

// Exported so the zip reader can translate yauzl's strictFileNames errors into
// the same sentences.
export function backslashInName(name: string) {
  return invalidFile(`member name ${quote(name)} contains a backslash.`);
}
export function absoluteName(name: string) {
  return invalidFile(`member name ${quote(name)} is an absolute path.`);
}
export function dotDotInName(name: string) {
  return invalidFile(`member name ${quote(name)} contains a ".." segment.`);
}
