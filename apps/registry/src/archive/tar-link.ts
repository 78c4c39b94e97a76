import { invalidFile, quote } from "./invalid-distribution.ts";

/**
 * A symlink or hard link must resolve inside the sdist's top-level directory:
 * extracting a link to `../../etc` and then a file "through" it is the classic
 * tar escape (CVE-2007-4559 and friends).
 *
 * Symlink targets are relative to the link's own directory; hard link targets
 * name another member, relative to the archive root.
 */
export function checkLinkTarget(kind: "symlink" | "link", name: string, segments: readonly string[], target: string, top: string): void {
  const escapes = () => invalidFile(`link ${quote(name)} points outside the sdist's top-level directory.`);
  if (target === "" || target.startsWith("/") || /^[A-Za-z]:/.test(target) || target.includes("\\") || target.includes("\0")) throw escapes();

  const resolved = kind === "symlink" ? segments.slice(0, -1) : [];
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      resolved.pop();
      // Leaving the top-level directory, even to come back, is refused: the
      // path may cross another link on the way.
      if (resolved.length === 0) throw escapes();
    } else {
      resolved.push(part);
    }
  }
  if (resolved[0] !== top || resolved.length < 2) throw escapes();
}
