// Test-only: a project directory (pyproject.toml + an in-tree, stdlib-only PEP 517/660 backend,
// as pip's own tests use) that builds offline. Its package `<module>/__init__.py` holds
// `VALUE = "original"`; the editable wheel is a `.pth` file naming the project directory, so an
// edit of the source shows without a reinstall. Every hook the backend runs is appended to
// `hooks.log` in the project directory.
import { mkdir } from "node:fs/promises";
import { backendProjectFiles, writeTree } from "@wheelhouse/testing";

export interface TestProjectOptions {
  /** Requires-Dist. */
  dependencies?: string[];
  /** [build-system] requires (installed from the index under build isolation). */
  buildRequires?: string[];
  /** Modules every hook imports (to prove the build requirements reached the backend). */
  imports?: string[];
  /** Whether the backend has build_editable (PEP 660); default true. */
  editable?: boolean;
  /** Extra METADATA header lines (Summary: …). */
  headers?: string[];
}

/** Writes the project (@wheelhouse/testing's backend project) into `dir` (created); returns `dir`. */
export async function makeTestProject(dir: string, name: string, version: string, options: TestProjectOptions = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeTree(dir, backendProjectFiles(name, version, options));
  return dir;
}
