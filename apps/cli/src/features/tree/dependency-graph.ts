/**
 * The dependency graph of installed distributions, from their Requires-Dist, as pipdeptree builds
 * its PackageDAG (no I/O): a requirement is an edge when its marker holds in the target's marker
 * environment, `extra == "…"` markers included for the extras that dependents ask of the
 * distribution. A requirement on something not installed is a missing edge; one the installed
 * version does not satisfy, a conflicting edge.
 */
import { canonicalizeName, evaluateMarker, type MarkerEnvironment, type NormalizedName, type Requirement } from "@wheelhouse/packaging";
import type { InstalledDistribution } from "../../core/types.ts";

/** What the graph needs of an installed distribution. */
export type TreeDistribution = Pick<InstalledDistribution, "name" | "displayName" | "version" | "requires">;

/** One dependency of a distribution (its requirements on one name, merged). */
export interface DependencyEdge {
  /** The name as the dependent wrote it. */
  displayName: string;
  name: NormalizedName;
  /** The specifier (`>=1.0,<2`), or "Any". */
  required: string;
  /** Extras asked for, normalized, sorted. */
  extras: string[];
  /** The installed distribution, or null when it is missing. */
  target: TreeDistribution | null;
  /** Installed, at a version the requirement does not accept. */
  conflicting: boolean;
}

export class DependencyGraph {
  readonly #nodes: Map<NormalizedName, TreeDistribution>;
  readonly #markers: MarkerEnvironment;
  /** The extras dependents ask of each distribution (a fixed point: extras enable edges that ask for more extras). */
  readonly #extras = new Map<NormalizedName, Set<string>>();
  readonly #edges = new Map<string, DependencyEdge[]>();
  #dependents: Map<NormalizedName, { dependent: TreeDistribution; edge: DependencyEdge }[]> | null = null;

  constructor(distributions: readonly TreeDistribution[], markers: MarkerEnvironment) {
    this.#nodes = new Map(distributions.map((d) => [d.name, d]));
    this.#markers = markers;
    for (const name of this.#nodes.keys()) this.#extras.set(name, new Set());
    const queue = [...this.#nodes.keys()];
    while (queue.length > 0) {
      const name = queue.shift()!;
      for (const edge of this.dependencies(name, [...this.#extras.get(name)!])) {
        const asked = this.#extras.get(edge.name);
        if (!asked || edge.extras.every((e) => asked.has(e))) continue;
        for (const e of edge.extras) asked.add(e);
        queue.push(edge.name);
      }
    }
  }

  /** Installed distributions, sorted by name. */
  get distributions(): TreeDistribution[] {
    return [...this.#nodes.values()].sort((a, b) => compare(a.name, b.name));
  }

  get(name: NormalizedName): TreeDistribution | null {
    return this.#nodes.get(name) ?? null;
  }

  /** The extras the installed dependents of `name` ask of it. */
  requestedExtras(name: NormalizedName): string[] {
    return [...(this.#extras.get(name) ?? [])].sort();
  }

  /** The dependencies of `name` when `extras` are asked of it, sorted by name. */
  dependencies(name: NormalizedName, extras: readonly string[] = []): DependencyEdge[] {
    const key = `${name}[${[...extras].sort().join(",")}]`;
    const known = this.#edges.get(key);
    if (known) return known;
    const dist = this.#nodes.get(name);
    const byName = new Map<NormalizedName, { displayName: string; requirements: Requirement[] }>();
    for (const req of dist?.requires ?? []) {
      if (req.marker && !holds(() => evaluateMarker(req.marker!, this.#markers, extras))) continue;
      const target = req.normalizedName;
      if (target === name) continue;
      const entry = byName.get(target) ?? { displayName: req.name, requirements: [] };
      entry.requirements.push(req);
      byName.set(target, entry);
    }
    const edges = [...byName.entries()]
      .map(([target, { displayName, requirements }]): DependencyEdge => {
        const specifier = requirements.map((r) => r.specifier).reduce((a, b) => a.and(b));
        const installed = this.#nodes.get(target) ?? null;
        return {
          displayName: installed?.displayName ?? displayName,
          name: target,
          required: specifier.length > 0 ? specifier.toString() : "Any",
          extras: [...new Set(requirements.flatMap((r) => r.extras.map((e) => canonicalizeName(e))))].sort(),
          target: installed,
          conflicting: installed !== null && !specifier.contains(installed.version, { prereleases: true }),
        };
      })
      .sort((a, b) => compare(a.name, b.name));
    this.#edges.set(key, edges);
    return edges;
  }

  /** The installed distributions that depend on `name` (each with its edge to it), sorted by name. */
  dependents(name: NormalizedName): { dependent: TreeDistribution; edge: DependencyEdge }[] {
    if (this.#dependents === null) {
      this.#dependents = new Map();
      for (const dependent of this.distributions) {
        for (const edge of this.activeDependencies(dependent.name)) {
          const list = this.#dependents.get(edge.name) ?? [];
          list.push({ dependent, edge });
          this.#dependents.set(edge.name, list);
        }
      }
    }
    return this.#dependents.get(name) ?? [];
  }

  /** The dependencies of `name` with the extras its dependents ask of it. */
  activeDependencies(name: NormalizedName): DependencyEdge[] {
    return this.dependencies(name, this.requestedExtras(name));
  }

  /** Names required but not installed, sorted. */
  missingNames(): NormalizedName[] {
    const names = new Set<NormalizedName>();
    for (const dist of this.#nodes.values()) for (const e of this.activeDependencies(dist.name)) if (e.target === null) names.add(e.name);
    return [...names].sort(compare);
  }

  /** Missing and conflicting dependencies, by dependent (pipdeptree's "possibly conflicting dependencies"). */
  problems(): { dependent: TreeDistribution; edges: DependencyEdge[] }[] {
    return this.distributions
      .map((dependent) => ({ dependent, edges: this.activeDependencies(dependent.name).filter((e) => e.target === null || e.conflicting) }))
      .filter((p) => p.edges.length > 0);
  }

  /**
   * Dependency cycles, each once, as the names along it starting from its smallest one
   * (`[a, b]` for a → b → a); found by a depth-first walk's back edges.
   */
  cycles(): NormalizedName[][] {
    const state = new Map<NormalizedName, "open" | "done">();
    const path: NormalizedName[] = [];
    const found = new Map<string, NormalizedName[]>();
    const visit = (name: NormalizedName): void => {
      state.set(name, "open");
      path.push(name);
      for (const edge of this.activeDependencies(name)) {
        if (edge.target === null) continue;
        const s = state.get(edge.name);
        if (s === "open") {
          const cycle = path.slice(path.indexOf(edge.name));
          const start = cycle.indexOf([...cycle].sort(compare)[0]!);
          const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
          found.set(rotated.join(" "), rotated);
        } else if (s === undefined) visit(edge.name);
      }
      path.pop();
      state.set(name, "done");
    };
    for (const dist of this.distributions) if (!state.has(dist.name)) visit(dist.name);
    return [...found.values()].sort((a, b) => compare(a.join(" "), b.join(" ")));
  }
}

function holds(evaluate: () => boolean): boolean {
  try {
    return evaluate();
  } catch {
    return false;
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
