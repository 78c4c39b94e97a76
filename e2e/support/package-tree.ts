// A 30-package dependency tree for installer tests and benchmarks, built by the test with
// make_dist.py and uploaded to a registry. It has what real trees have: shared dependencies
// (a diamond), several versions of one package, an extra, a marker that excludes a package on
// this platform, a console script, and a conflict that forces the resolver to backtrack
// (the newest tree-util needs tree-core>=2, but tree-data needs tree-core<2).
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { makeDist, type DistSpec } from "./python.ts";
import { moduleName, packageSpec } from "./projects.ts";
import { basicAuth, uploadForm } from "./upload-form.ts";

export const TREE_ROOT = "tree-app";

/** Every release in the tree. */
export function treeSpecs(): DistSpec[] {
  const specs: DistSpec[] = [];
  const add = (name: string, version: string, requires: string[] = [], extra: Partial<DistSpec> = {}) =>
    specs.push(packageSpec(name, version, { requires_dist: requires, ...extra }));

  add(TREE_ROOT, "1.0", ["tree-web[async]>=1", "tree-cli", "tree-data<3", "tree-win; sys_platform == 'win32'"], {
    console_scripts: { "tree-app": "tree_app:main" },
    modules: { "tree_app/__init__.py": 'VERSION = "1.0"\n\ndef main():\n    print("tree-app 1.0 ok")\n' },
  });
  add("tree-web", "1.0", ["tree-http>=1", "tree-templates", "tree-util"]);
  add("tree-web", "1.1", ["tree-http>=1.1", "tree-templates>=1", "tree-util", "tree-async; extra == 'async'"], { provides_extra: ["async"] });
  add("tree-cli", "2.0", ["tree-term", "tree-config", "tree-util>=1"]);
  add("tree-data", "2.4", ["tree-core<2", "tree-schema", "tree-codec"]);
  add("tree-http", "1.0", ["tree-socket", "tree-url"]);
  add("tree-http", "1.1", ["tree-socket", "tree-url", "tree-tls"]);
  add("tree-templates", "1.0", ["tree-escape", "tree-util"]);
  add("tree-util", "1.0", ["tree-core>=1"]);
  add("tree-util", "1.5", ["tree-core>=1,<2"]);
  add("tree-util", "2.0", ["tree-core>=2"]);
  add("tree-core", "1.2", ["tree-base"]);
  add("tree-core", "2.0", ["tree-base"]);
  add("tree-async", "0.9", ["tree-loop"]);
  add("tree-term", "1.0", ["tree-color"]);
  add("tree-config", "3.1", ["tree-schema", "tree-paths"]);
  add("tree-schema", "1.0", ["tree-base"]);
  add("tree-codec", "1.0", ["tree-base"]);
  add("tree-socket", "1.0", []);
  add("tree-url", "1.0", ["tree-escape"]);
  add("tree-tls", "1.0", ["tree-socket"]);
  add("tree-escape", "1.0", []);
  add("tree-base", "1.0", []);
  add("tree-loop", "1.0", []);
  add("tree-color", "1.0", []);
  add("tree-paths", "1.0", []);
  add("tree-win", "1.0", []);
  // Leaves that round the tree up to 30 installed packages, pulled in by tree-base's dependents.
  const leaves = ["tree-i18n", "tree-log", "tree-cache", "tree-events", "tree-retry", "tree-jsonx", "tree-crypto", "tree-time", "tree-fmt"];
  for (const leaf of leaves) add(leaf, "1.0", []);
  add("tree-base", "1.1", leaves);
  add("tree-beta", "1.0b1", []); // a prerelease nobody asks for
  return specs;
}

/** What a correct resolution on Linux picks: 30 packages. */
export const TREE_EXPECTED: Record<string, string> = {
  "tree-app": "1.0",
  "tree-web": "1.1",
  "tree-cli": "2.0",
  "tree-data": "2.4",
  "tree-http": "1.1",
  "tree-templates": "1.0",
  "tree-util": "1.5",
  "tree-core": "1.2",
  "tree-async": "0.9",
  "tree-term": "1.0",
  "tree-config": "3.1",
  "tree-schema": "1.0",
  "tree-codec": "1.0",
  "tree-socket": "1.0",
  "tree-url": "1.0",
  "tree-tls": "1.0",
  "tree-escape": "1.0",
  "tree-base": "1.1",
  "tree-loop": "1.0",
  "tree-color": "1.0",
  "tree-paths": "1.0",
  "tree-i18n": "1.0",
  "tree-log": "1.0",
  "tree-cache": "1.0",
  "tree-events": "1.0",
  "tree-retry": "1.0",
  "tree-jsonx": "1.0",
  "tree-crypto": "1.0",
  "tree-time": "1.0",
  "tree-fmt": "1.0",
};

/** Builds every wheel of the tree (once per process). */
let built: Promise<string[]> | null = null;
export function buildTree(): Promise<string[]> {
  built ??= (async () => (await Promise.all(treeSpecs().map((spec) => makeDist(spec)))).flat())();
  return built;
}

/** Uploads the tree to a registry's default index through the legacy API. */
export async function uploadTree(registryUrl: string, token: string): Promise<void> {
  for (const path of await buildTree()) {
    const bytes = await readFile(path);
    const filename = basename(path);
    const [name, version] = filename.replace(/-py3-none-any\.whl$/, "").split("-") as [string, string];
    const form = uploadForm({ name, version }, filename, bytes);
    const response = await fetch(`${registryUrl}/`, { method: "POST", body: form, headers: { authorization: basicAuth("__token__", token) } });
    if (response.status !== 200) throw new Error(`upload of ${filename}: ${response.status} ${await response.text()}`);
  }
}

export { moduleName };
