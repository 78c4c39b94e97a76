import type { DistSpec } from "./python.ts";

/** The importable package name for a project: `acme-core` → `acme_core`. */
export function moduleName(project: string): string {
  return project.replace(/[-.]+/g, "_").toLowerCase();
}

/**
 * A minimal release: one package whose `__init__.py` records the project and
 * version, so a test can tell which release pip installed by reading it.
 */
export function packageSpec(project: string, version: string, overrides: Partial<DistSpec> = {}): DistSpec {
  const module = moduleName(project);
  return {
    name: project,
    version,
    summary: `${project} ${version} for the Wheelhouse e2e tests`,
    modules: {
      [`${module}/__init__.py`]: `PROJECT = ${JSON.stringify(project)}\nVERSION = ${JSON.stringify(version)}\n`,
    },
    wheel: true,
    sdist: false,
    ...overrides,
  };
}
