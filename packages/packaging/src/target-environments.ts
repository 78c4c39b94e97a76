/**
 * The environments a mirror sync and a bundle export choose files for, as PEP 508 marker
 * environments: every target CPython on every target platform. A dependency is followed when its
 * marker holds in at least one of them (a file too many beats a file missing behind an air gap).
 * One list for both: a requirements text selects the same files for a sync and for a bundle.
 */
import { evaluateMarker, type Marker, type MarkerEnvironment } from "./markers.ts";

/** When a selection names no Pythons: the CPython versions still in use (3.8 kept for the bundles that asked for it). */
export const DEFAULT_PYTHONS: readonly string[] = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"];
/** When a selection names no platforms: the common ones. */
export const DEFAULT_PLATFORMS: readonly string[] = [
  "manylinux_2_17_x86_64",
  "manylinux_2_17_aarch64",
  "win_amd64",
  "macosx_11_0_arm64",
  "macosx_10_12_x86_64",
];

/** What `os.name`, `sys.platform`, `platform.system()` and `platform.machine()` say on a platform. */
export interface OsValues {
  os_name: string;
  sys_platform: string;
  platform_system: string;
  machines: string[];
}

const WINDOWS_MACHINES: Record<string, string> = { win_amd64: "AMD64", win32: "x86", win_arm64: "ARM64" };

/** Platform tags as wheels spell them: lowercase, `-` and `.` as `_`. */
export function normalizePlatform(platform: string): string {
  return platform.toLowerCase().replace(/[-.]/g, "_");
}

/** The OS values on a platform tag; null for a tag that names no OS (`any`). */
export function osValuesOf(platform: string): OsValues | null {
  const p = normalizePlatform(platform);
  const linux = /^(?:manylinux\d*|musllinux|linux)(?:_\d+_\d+)?_(.+)$/.exec(p);
  if (linux) return { os_name: "posix", sys_platform: "linux", platform_system: "Linux", machines: [linux[1]!] };
  const mac = /^macosx_\d+_\d+_(.+)$/.exec(p);
  if (mac) {
    const arch = mac[1]!;
    const machines = arch === "universal2" ? ["arm64", "x86_64"] : arch === "intel" ? ["x86_64"] : [arch];
    return { os_name: "posix", sys_platform: "darwin", platform_system: "Darwin", machines };
  }
  const win = WINDOWS_MACHINES[p];
  if (win) return { os_name: "nt", sys_platform: "win32", platform_system: "Windows", machines: [win] };
  return null;
}

/** pythons × platforms (the defaults for an unset or empty list), each Python at two patch levels. */
export function markerEnvironments(pythons?: readonly string[], platforms?: readonly string[]): MarkerEnvironment[] {
  const pys = pythons?.length ? pythons : DEFAULT_PYTHONS;
  let oses = (platforms ?? []).map(osValuesOf).filter((o): o is OsValues => o !== null);
  if (oses.length === 0) oses = DEFAULT_PLATFORMS.map((p) => osValuesOf(p)!);
  const envs: MarkerEnvironment[] = [];
  const seen = new Set<string>();
  for (const py of pys) {
    // The patch level is unknown: the first and a late one, so `python_full_version` markers
    // that split a minor version keep both sides.
    for (const full of [`${py}.0`, `${py}.99`]) {
      for (const os of oses) {
        for (const machine of os.machines) {
          const env: MarkerEnvironment = {
            python_version: py,
            python_full_version: full,
            os_name: os.os_name,
            sys_platform: os.sys_platform,
            platform_release: "",
            platform_system: os.platform_system,
            platform_version: "",
            platform_machine: machine,
            platform_python_implementation: "CPython",
            implementation_name: "cpython",
            implementation_version: full,
          };
          const key = JSON.stringify(env);
          if (!seen.has(key)) {
            seen.add(key);
            envs.push(env);
          }
        }
      }
    }
  }
  return envs;
}

/** Every default Python on every default platform. */
export const TARGET_ENVIRONMENTS: readonly MarkerEnvironment[] = markerEnvironments();

/** Whether a marker holds in at least one environment; one that cannot be evaluated counts as holding. */
export function markerMayHold(marker: Marker | null, extras: readonly string[], environments: readonly MarkerEnvironment[] = TARGET_ENVIRONMENTS): boolean {
  if (marker === null) return true;
  return environments.some((env) => {
    try {
      return evaluateMarker(marker, env, extras);
    } catch {
      return true;
    }
  });
}
