// PEP 508 marker environments for a sync's targets: every target Python on every target platform.
// A sync follows a dependency when its marker holds in at least one of them.
import type { MarkerEnvironment } from "@wheelhouse/packaging";
import { normalizePlatform } from "./compatibility.ts";

/** When a selection names no Pythons: the CPython versions still in use. */
export const DEFAULT_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"];
/** When a selection names no platforms: the common ones. */
export const DEFAULT_PLATFORMS = ["manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "win_amd64", "macosx_11_0_arm64", "macosx_10_12_x86_64"];

interface OsValues {
  os_name: string;
  sys_platform: string;
  platform_system: string;
  machines: string[];
}

const WINDOWS_MACHINES: Record<string, string> = { win_amd64: "AMD64", win32: "x86", win_arm64: "ARM64" };

/** What `os.name`, `sys.platform`, `platform.system()` and `platform.machine()` say on a platform tag. */
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

export function markerEnvironments(pythons: readonly string[] | undefined, platforms: readonly string[] | undefined): MarkerEnvironment[] {
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
