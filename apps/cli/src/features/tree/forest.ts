/**
 * The trees `wheelhouse tree` prints, as pipdeptree draws them: forward, each top-level
 * distribution (one nothing else requires) with its dependencies nested under it, or reversed,
 * each distribution that requires nothing with the ones that need it nested under it. A
 * dependency already on the path from the root closes a cycle: it is shown, marked, and not
 * followed again. Distributions only reachable through a cycle get a root of their own.
 */
import type { NormalizedName } from "@wheelhouse/packaging";
import { compare, type DependencyEdge, type DependencyGraph } from "./dependency-graph.ts";

export interface TreeNode {
  key: NormalizedName;
  /** The name as the distribution spells it (as the requirement does, when it is not installed). */
  displayName: string;
  /** The installed version; null when it is not installed. */
  installed: string | null;
  /**
   * Under a parent: forward, the parent's specifier for this one; reversed, this one's specifier
   * for the parent ("Any" when none). null for a root.
   */
  required: string | null;
  /** Forward: the extras the parent asks of this one; reversed: of the parent. */
  extras: string[];
  /** Reversed: the parent's name as this one's requirement spells it. */
  requires?: string;
  /** The installed version does not satisfy `required`. */
  conflicting: boolean;
  /** Already on the path from the root: not followed again. */
  cycle: boolean;
  children: TreeNode[];
}

export interface ForestOptions {
  reverse?: boolean;
  /** Roots to show (normalized names); default: every top-level distribution (reversed: every one that requires nothing). */
  roots?: readonly NormalizedName[];
  /** Levels below the roots to show; default: all. */
  depth?: number | null;
}

export function buildForest(graph: DependencyGraph, options: ForestOptions = {}): TreeNode[] {
  const maxDepth = options.depth ?? Infinity;
  const roots = options.roots ?? (options.reverse ? reverseRoots(graph) : forwardRoots(graph));
  return roots.map((name) => (options.reverse ? reverseNode(graph, name, maxDepth) : forwardNode(graph, name, maxDepth)));
}

/** Forward roots: what no other installed distribution requires, then one per part reachable only through a cycle. */
export function forwardRoots(graph: DependencyGraph): NormalizedName[] {
  const required = new Set<NormalizedName>();
  for (const dist of graph.distributions) for (const e of graph.activeDependencies(dist.name)) if (e.target) required.add(e.name);
  const roots = graph.distributions.map((d) => d.name).filter((n) => !required.has(n));
  return withCycleRoots(graph, roots, (name) => graph.activeDependencies(name).flatMap((e) => (e.target ? [e.name] : [])));
}

/** Reversed roots: what requires nothing (installed or not), and missing requirements; then one per part only a cycle reaches. */
export function reverseRoots(graph: DependencyGraph): NormalizedName[] {
  const roots = [...graph.distributions.filter((d) => graph.activeDependencies(d.name).length === 0).map((d) => d.name), ...graph.missingNames()].sort(compare);
  return withCycleRoots(graph, roots, (name) => graph.dependents(name).map((d) => d.dependent.name));
}

function withCycleRoots(graph: DependencyGraph, roots: NormalizedName[], next: (name: NormalizedName) => NormalizedName[]): NormalizedName[] {
  const reached = new Set<NormalizedName>();
  const reach = (start: NormalizedName): void => {
    const stack = [start];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (reached.has(name)) continue;
      reached.add(name);
      stack.push(...next(name));
    }
  };
  for (const root of roots) reach(root);
  const out = [...roots];
  for (const dist of graph.distributions) {
    if (reached.has(dist.name)) continue;
    out.push(dist.name);
    reach(dist.name);
  }
  return out;
}

function rootNode(key: NormalizedName, displayName: string, installed: string | null): TreeNode {
  return { key, displayName, installed, required: null, extras: [], conflicting: false, cycle: false, children: [] };
}

function forwardNode(graph: DependencyGraph, name: NormalizedName, maxDepth: number): TreeNode {
  const dist = graph.get(name);
  const extras = graph.requestedExtras(name);
  const root = rootNode(name, dist?.displayName ?? name, dist?.version ?? null);
  const expand = (node: TreeNode, nodeExtras: readonly string[], path: ReadonlySet<NormalizedName>, depth: number): void => {
    if (node.installed === null || node.cycle || depth >= maxDepth) return;
    for (const edge of graph.dependencies(node.key, nodeExtras)) {
      const child = forwardChild(edge, path.has(edge.name));
      node.children.push(child);
      expand(child, edge.extras, new Set([...path, edge.name]), depth + 1);
    }
  };
  expand(root, extras, new Set([name]), 0);
  return root;
}

function forwardChild(edge: DependencyEdge, cycle: boolean): TreeNode {
  return {
    key: edge.name,
    displayName: edge.displayName,
    installed: edge.target?.version ?? null,
    required: edge.required,
    extras: edge.extras,
    conflicting: edge.conflicting,
    cycle,
    children: [],
  };
}

function reverseNode(graph: DependencyGraph, name: NormalizedName, maxDepth: number): TreeNode {
  const dist = graph.get(name);
  const root = rootNode(name, dist?.displayName ?? missingDisplayName(graph, name), dist?.version ?? null);
  const expand = (node: TreeNode, path: ReadonlySet<NormalizedName>, depth: number): void => {
    if (node.cycle || depth >= maxDepth) return;
    for (const { dependent, edge } of graph.dependents(node.key)) {
      const child: TreeNode = {
        key: dependent.name,
        displayName: dependent.displayName,
        installed: dependent.version,
        required: edge.required,
        extras: edge.extras,
        requires: edge.displayName,
        conflicting: edge.conflicting,
        cycle: path.has(dependent.name),
        children: [],
      };
      node.children.push(child);
      expand(child, new Set([...path, dependent.name]), depth + 1);
    }
  };
  expand(root, new Set([name]), 0);
  return root;
}

/** A missing requirement's name as its first dependent spells it. */
function missingDisplayName(graph: DependencyGraph, name: NormalizedName): string {
  return graph.dependents(name)[0]?.edge.displayName ?? name;
}
