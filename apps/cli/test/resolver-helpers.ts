/** Shared fixtures for the resolver's tests. */
import { parseRequirement, type MarkerEnvironment } from "@wheelhouse/packaging";
import type { Resolution } from "../src/core/types.ts";
import type { ResolveRequest, SourcedRequirement } from "../src/core/resolver/resolve.ts";

export const LINUX: MarkerEnvironment = {
  python_version: "3.12",
  python_full_version: "3.12.1",
  os_name: "posix",
  sys_platform: "linux",
  platform_release: "6.1.0",
  platform_system: "Linux",
  platform_version: "#1 SMP",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  implementation_name: "cpython",
  implementation_version: "3.12.1",
};

export const WINDOWS: MarkerEnvironment = {
  ...LINUX,
  os_name: "nt",
  sys_platform: "win32",
  platform_release: "10",
  platform_system: "Windows",
  platform_version: "10.0.19045",
  platform_machine: "AMD64",
};

/** Requirements as if read from requirements.txt, one a line. */
export function fromFile(file: string, ...lines: string[]): SourcedRequirement[] {
  return lines.map((l, i) => ({ requirement: parseRequirement(l), source: `${file}:${i + 1}` }));
}

/** A request for `requirements` (from requirements.txt) with defaults for the rest. */
export function request(requirements: string[], extra: Partial<ResolveRequest> = {}): ResolveRequest {
  return {
    requirements: fromFile("requirements.txt", ...requirements),
    constraints: [],
    environment: LINUX,
    allowPrereleases: false,
    ...extra,
  };
}

/** The pins as `name==version`, sorted, for comparing. */
export function pinned(resolution: Resolution): string[] {
  return [...resolution.pins].map(([name, p]) => `${name}==${p.candidate.version}`).sort();
}
