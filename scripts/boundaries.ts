// The shape of the tree as rules a test can hold (issue 11): apps import packages, never the
// reverse; no app imports another app; a workspace's relative imports stay inside it; every
// `@wheelhouse/*` import is declared in the importer's package.json; production code never
// imports a test helper; and no module import cycle anywhere (type-only imports included, since
// a type cycle is still two modules that cannot be understood apart); and the layers inside a
// workspace that LAYERS names (the CLI's: core below pipeline, features, ui and commands); and no
// I/O in the packages PURE_WORKSPACES names.
// TypeScript's own pre-processor lists a file's imports (static, re-exports, dynamic `import()`),
// so this needs no parser of its own.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

type Kind = "app" | "package" | "tests" | "tooling";

interface Workspace {
  name: string;
  dir: string;
  kind: Kind;
  declared: Set<string>;
  exports: Map<string, string>;
}

/** Layers inside a workspace (apps/cli/README.md): modules under `files` may not import under `mayNotImport`. */
export interface Layer {
  files: string;
  mayNotImport: readonly string[];
  /** The one module allowed to anyway. */
  unless?: string;
}

export const LAYERS: readonly Layer[] = [
  { files: "apps/cli/src/core/", mayNotImport: ["apps/cli/src/pipeline/", "apps/cli/src/features/", "apps/cli/src/ui/", "apps/cli/src/commands/"] },
  // ui/ serves pipeline, features and commands, so it builds on core/ alone (else a folder cycle).
  { files: "apps/cli/src/ui/", mayNotImport: ["apps/cli/src/pipeline/", "apps/cli/src/features/", "apps/cli/src/commands/"] },
  { files: "apps/cli/src/pipeline/", mayNotImport: ["apps/cli/src/features/", "apps/cli/src/commands/"] },
  // (features/ may not import commands/: the rule below holds it, as it holds every module but the table.)
  // Commands are loaded through the command table alone, so no other module (no other command) imports one.
  { files: "apps/cli/src/", mayNotImport: ["apps/cli/src/commands/"], unless: "apps/cli/src/command-table.ts" },
];

/** Packages whose code does no I/O: reading and writing are injected by their callers. */
export const PURE_WORKSPACES: readonly string[] = ["@wheelhouse/packaging", "@wheelhouse/simple-index", "@wheelhouse/advisories"];
const IO_MODULES = /^(node:)?(fs|fs\/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|os|process|readline)$/;
const PROCESS_STATE = /\bprocess\.(env|cwd|argv|exit|stdin|stdout|stderr|chdir)\b/;

export interface Violation {
  file: string;
  rule: string;
  detail: string;
}

const SKIP_DIRS = new Set(["node_modules", "dist", "generated", "data", ".git"]);
const TOOLING_DIRS = ["scripts", "bench"];

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function kindOf(root: string, dir: string): Kind {
  const top = relative(root, dir).split(sep)[0];
  if (top === "apps") return "app";
  if (top === "packages") return "package";
  return "tests";
}

function loadWorkspaces(root: string): Workspace[] {
  const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] };
  const dirs: string[] = [];
  for (const pattern of rootManifest.workspaces) {
    if (pattern.endsWith("/*")) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const name of readdirSync(parent)) {
        const dir = join(parent, name);
        if (statSync(dir).isDirectory() && existsSync(join(dir, "package.json"))) dirs.push(dir);
      }
    } else if (existsSync(join(root, pattern, "package.json"))) dirs.push(join(root, pattern));
  }
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      exports?: Record<string, string> | string;
    };
    const exportsField = typeof manifest.exports === "string" ? { ".": manifest.exports } : (manifest.exports ?? {});
    return {
      name: manifest.name,
      dir,
      kind: kindOf(root, dir),
      declared: new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]),
      exports: new Map(Object.entries(exportsField).map(([key, target]) => [key, resolve(dir, target)])),
    };
  });
}

/** Test files and test helpers: what production code may never import. */
export function isTestCode(path: string): boolean {
  if (/\.test\.ts$/.test(path)) return true;
  const parts = path.split(sep);
  return parts.some((part) => part === "test" || part === "tests" || part === "test-support" || part === "e2e") || /(^|[/\\])testing(\.ts|[/\\])/.test(path);
}

function resolveRelative(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  if (existsSync(target) && statSync(target).isFile()) return target;
  for (const candidate of [`${target}.ts`, join(target, "index.ts")]) if (existsSync(candidate)) return candidate;
  return target;
}

export function checkBoundaries(root: string, layers: readonly Layer[] = LAYERS, pureWorkspaces: readonly string[] = PURE_WORKSPACES): Violation[] {
  const workspaces = loadWorkspaces(root);
  const byName = new Map(workspaces.map((w) => [w.name, w]));
  const owner = (path: string): Workspace | undefined => workspaces.find((w) => path === w.dir || path.startsWith(w.dir + sep));
  const files = [...workspaces.flatMap((w) => walk(w.dir)), ...TOOLING_DIRS.filter((d) => existsSync(join(root, d))).flatMap((d) => walk(join(root, d)))];
  const violations: Violation[] = [];
  const graph = new Map<string, string[]>();
  const workspaceEdges = new Map<string, Set<string>>();

  for (const file of files) {
    const from = owner(file);
    const fromKind: Kind = from?.kind ?? "tooling";
    const rel = relative(root, file);
    const edges: string[] = [];
    const text = readFileSync(file, "utf8");
    const info = ts.preProcessFile(text, true, true);
    const pure = from !== undefined && pureWorkspaces.includes(from.name) && !isTestCode(file);
    if (pure && PROCESS_STATE.test(text)) violations.push({ file: rel, rule: "io-in-pure-package", detail: "reads process state" });
    for (const { fileName: specifier } of info.importedFiles) {
      if (pure && IO_MODULES.test(specifier)) violations.push({ file: rel, rule: "io-in-pure-package", detail: specifier });
      let target: string | undefined;
      let to: Workspace | undefined;
      if (specifier.startsWith(".")) {
        target = resolveRelative(file, specifier);
        to = owner(target);
        if (from && to !== from && (fromKind === "app" || fromKind === "package")) {
          violations.push({ file: rel, rule: "relative-import-leaves-workspace", detail: `${specifier} reaches into ${relative(root, target)}` });
        }
      } else if (specifier.startsWith("@wheelhouse/")) {
        const [scope, name, ...sub] = specifier.split("/");
        to = byName.get(`${scope}/${name}`);
        if (!to) {
          violations.push({ file: rel, rule: "unknown-workspace", detail: specifier });
          continue;
        }
        target = to.exports.get(sub.length ? `./${sub.join("/")}` : ".");
        if (!target) violations.push({ file: rel, rule: "not-exported", detail: `${specifier} is not in ${to.name}'s exports` });
        if (from && from !== to && !from.declared.has(to.name)) {
          violations.push({ file: rel, rule: "undeclared-dependency", detail: `${to.name} is not in ${relative(root, join(from.dir, "package.json"))}` });
        }
      } else continue;
      if (!to || !target) continue;
      if (from && to !== from) {
        if (fromKind === "package" && to.kind === "app") violations.push({ file: rel, rule: "package-imports-app", detail: `${specifier} (${to.name})` });
        if (fromKind === "app" && to.kind === "app") violations.push({ file: rel, rule: "app-imports-app", detail: `${specifier} (${to.name})` });
        if (from.kind !== "tests") {
          const set = workspaceEdges.get(from.name) ?? new Set<string>();
          set.add(to.name);
          workspaceEdges.set(from.name, set);
        }
      }
      if (from && from.kind !== "tests" && !isTestCode(file) && isTestCode(target))
        violations.push({ file: rel, rule: "production-imports-test-code", detail: specifier });
      const targetRel = relative(root, target);
      for (const layer of isTestCode(file) ? [] : layers) {
        if (!rel.startsWith(layer.files) || rel === layer.unless) continue;
        const below = layer.mayNotImport.find((dir) => targetRel.startsWith(dir));
        if (below) violations.push({ file: rel, rule: "layer", detail: `${layer.files} may not import ${below} (${specifier})` });
      }
      edges.push(target);
    }
    graph.set(file, edges);
  }

  for (const cycle of cyclesOf(graph)) {
    violations.push({ file: relative(root, cycle[0]!), rule: "import-cycle", detail: cycle.map((f) => relative(root, f)).join(" -> ") });
  }
  for (const cycle of cyclesOf(new Map([...workspaceEdges].map(([k, v]) => [k, [...v]])))) {
    violations.push({ file: cycle[0]!, rule: "workspace-cycle", detail: cycle.join(" -> ") });
  }
  return violations;
}

/** Strongly connected components of more than one node (or a self-loop), by Tarjan's algorithm. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  // Iterative, so a deep import chain cannot overflow the call stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const child = edges[frame.next++]!;
        if (!graph.has(child)) continue;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, next: 0 });
        } else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || (graph.get(frame.node) ?? []).includes(frame.node)) found.push(component.reverse());
      }
    }
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
  const violations = checkBoundaries(root);
  for (const v of violations) console.log(`${v.file}: ${v.rule}: ${v.detail}`);
  console.log(violations.length === 0 ? "boundaries: clean" : `boundaries: ${violations.length} violation(s)`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
