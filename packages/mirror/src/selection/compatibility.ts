// A small PEP 425 compatibility check: is a wheel tag installable on a target Python and
// platform? Follows pip's order of supported tags (packaging.tags.sys_tags), for CPython only.
import { normalizePlatform, type Tag } from "@wheelhouse/packaging";

/** One target: a CPython "3.12" and a platform tag; null means "any". */
export interface Target {
  python: string | null;
  platform: string | null;
}

/** pythons × platforms; an unset list leaves that axis open. */
export function targetsOf(selection: { pythons?: readonly string[]; platforms?: readonly string[] }): Target[] {
  const pythons = selection.pythons?.length ? selection.pythons : [null];
  const platforms = selection.platforms?.length ? selection.platforms.map(normalizePlatform) : [null];
  return pythons.flatMap((python) => platforms.map((platform) => ({ python, platform })));
}

export function isWheelCompatible(tags: readonly Tag[], targets: readonly Target[]): boolean {
  return tags.some((tag) => targets.some((target) => isTagCompatible(tag, target)));
}

export function isTagCompatible(tag: Tag, target: Target): boolean {
  return pythonSatisfies(tag, target.python) && (target.platform === null || platformSatisfies(tag.platform, target.platform));
}

function pythonSatisfies(tag: Tag, python: string | null): boolean {
  if (python === null) return true;
  const [major, minor] = python.split(".").map(Number) as [number, number];
  const m = /^(py|cp)(\d)(\d*)$/.exec(tag.interpreter);
  if (!m) return false; // PyPy, GraalPy, …: not a CPython target
  const [, kind, tMajor, tMinorText] = m as unknown as [string, "py" | "cp", string, string];
  if (Number(tMajor) !== major) return false;
  const tMinor = tMinorText === "" ? null : Number(tMinorText);
  if (kind === "py" || tMinor === null) {
    // pyX / pyXY (Y ≤ target minor) pair with no ABI.
    return tag.abi === "none" && (tMinor === null || tMinor <= minor);
  }
  if (tMinor === minor) return tag.abi === `cp${major}${minor}` || tag.abi === "abi3" || tag.abi === "none";
  // PEP 384: a stable-ABI wheel built for an older CPython 3 runs on newer ones.
  return tMinor < minor && tag.abi === "abi3" && tMinor >= 2;
}

// PEP 600: the legacy manylinux names are aliases of glibc versions.
const LEGACY_MANYLINUX: Record<string, [number, number]> = { manylinux1: [2, 5], manylinux2010: [2, 12], manylinux2014: [2, 17] };

interface LinuxPlatform {
  libc: "glibc" | "musl" | "any";
  major: number;
  minor: number;
  arch: string;
}

function parseLinux(platform: string): LinuxPlatform | null {
  let m = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(platform);
  if (m) return { libc: "glibc", major: Number(m[1]), minor: Number(m[2]), arch: m[3]! };
  m = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(platform);
  if (m) {
    const [major, minor] = LEGACY_MANYLINUX[m[1]!]!;
    return { libc: "glibc", major, minor, arch: m[2]! };
  }
  m = /^musllinux_(\d+)_(\d+)_(.+)$/.exec(platform);
  if (m) return { libc: "musl", major: Number(m[1]), minor: Number(m[2]), arch: m[3]! };
  m = /^linux_(.+)$/.exec(platform);
  if (m) return { libc: "any", major: Number.MAX_SAFE_INTEGER, minor: Number.MAX_SAFE_INTEGER, arch: m[1]! };
  return null;
}

// macOS: which wheel architectures run on a target architecture (packaging.tags.mac_platforms).
const MAC_ARCHES: Record<string, readonly string[]> = {
  arm64: ["arm64", "universal2"],
  x86_64: ["x86_64", "intel", "fat64", "fat3", "universal2", "universal"],
  i386: ["i386", "intel", "fat32", "fat3", "fat", "universal"],
  universal2: ["arm64", "x86_64", "universal2", "intel", "universal"],
};

function parseMac(platform: string): { major: number; minor: number; arch: string } | null {
  const m = /^macosx_(\d+)_(\d+)_(.+)$/.exec(platform);
  return m ? { major: Number(m[1]), minor: Number(m[2]), arch: m[3]! } : null;
}

/** Whether a wheel built for `wheel` installs on `target` (both platform tags). */
export function platformSatisfies(wheel: string, target: string): boolean {
  const w = normalizePlatform(wheel);
  const t = normalizePlatform(target);
  if (w === "any" || w === t) return true;
  const tl = parseLinux(t);
  if (tl) {
    const wl = parseLinux(w);
    if (!wl || wl.arch !== tl.arch) return false;
    // A plain linux_<arch> target: any glibc manylinux wheel of the architecture.
    if (tl.libc === "any") return wl.libc === "glibc";
    if (wl.libc !== tl.libc) return false;
    return wl.major === tl.major && wl.minor <= tl.minor;
  }
  const tm = parseMac(t);
  if (tm) {
    const wm = parseMac(w);
    if (!wm || !(MAC_ARCHES[tm.arch] ?? [tm.arch]).includes(wm.arch)) return false;
    // From macOS 11 on only the major version counts (pip generates X_0 for X ≥ 11).
    if (wm.major >= 11) return wm.major <= tm.major;
    return wm.major < tm.major || (wm.major === tm.major && wm.minor <= tm.minor);
  }
  return false;
}
