/**
 * `wheelhouse tree` output: pipdeptree's text tree and its `--json-tree` shape, and its warnings
 * about missing, conflicting and cyclic dependencies.
 */
import type { DependencyGraph } from "./dependency-graph.ts";
import type { TreeNode } from "./forest.ts";

/**
 * Forward:
 *   top==1.0
 *     - left [required: >=1.0, installed: 1.0]
 *       - base [required: Any, installed: 1.0]
 *     - lib[fast] [required: >=2, installed: ?]
 * Reversed:
 *   base==1.0
 *     - left==1.0 [requires: base>=1.0]
 *       - top==1.0 [requires: left]
 * A dependency that closes a cycle ends with ` (cycle)` and is not expanded.
 */
export function renderText(forest: readonly TreeNode[], reverse: boolean): string {
  const lines: string[] = [];
  const visit = (node: TreeNode, level: number): void => {
    lines.push(level === 0 ? rootText(node) : `${"  ".repeat(level)}- ${reverse ? dependentText(node) : dependencyText(node)}${node.cycle ? " (cycle)" : ""}`);
    for (const child of node.children) visit(child, level + 1);
  };
  for (const root of forest) visit(root, 0);
  return lines.map((l) => `${l}\n`).join("");
}

function rootText(node: TreeNode): string {
  return node.installed === null ? `${node.displayName} [installed: ?]` : `${node.displayName}==${node.installed}`;
}

function dependencyText(node: TreeNode): string {
  return `${node.displayName}${extrasText(node.extras)} [required: ${node.required}, installed: ${node.installed ?? "?"}]`;
}

function dependentText(node: TreeNode): string {
  const spec = node.required === "Any" ? "" : (node.required ?? "");
  return `${node.displayName}==${node.installed} [requires: ${node.requires}${extrasText(node.extras)}${spec}]`;
}

function extrasText(extras: readonly string[]): string {
  return extras.length > 0 ? `[${extras.join(",")}]` : "";
}

/**
 * pipdeptree's `--json-tree`: a list of roots, each
 *   {
 *     "key": "left",                 // normalized name
 *     "package_name": "left",        // as the distribution spells it
 *     "installed_version": "1.0",    // "?" when not installed
 *     "required_version": ">=1.0",   // a root: its installed version; otherwise the specifier, or "Any"
 *     "extras": ["fast"],            // only when extras are asked for
 *     "cycle": true,                 // only on a dependency that closes a cycle (its list is empty)
 *     "dependencies": [ … ]          // the same objects, nested
 *   }
 * Reversed (`--reverse`), the nested list is "dependents" instead: the distributions that need
 * this one, each with `required_version` (and `extras`) being what it asks of it.
 */
export function renderJson(forest: readonly TreeNode[], reverse: boolean): string {
  const listKey = reverse ? "dependents" : "dependencies";
  const toJson = (node: TreeNode): Record<string, unknown> => {
    const installed = node.installed ?? "?";
    const out: Record<string, unknown> = {
      key: node.key,
      package_name: node.displayName,
      installed_version: installed,
      required_version: node.required ?? installed,
    };
    if (node.extras.length > 0) out.extras = node.extras;
    if (node.cycle) out.cycle = true;
    out[listKey] = node.children.map(toJson);
    return out;
  };
  return `${JSON.stringify(forest.map(toJson), null, 4)}\n`;
}

/** pipdeptree's warnings (to stderr): missing or conflicting dependencies, then cycles; "" when none. */
export function warningsText(graph: DependencyGraph): string {
  const lines: string[] = [];
  const problems = graph.problems();
  if (problems.length > 0) {
    lines.push("WARNING: Possibly conflicting dependencies found:");
    for (const { dependent, edges } of problems) {
      lines.push(`* ${dependent.displayName}==${dependent.version}`);
      for (const e of edges) lines.push(` - ${e.displayName}${extrasText(e.extras)} [required: ${e.required}, installed: ${e.target?.version ?? "?"}]`);
    }
  }
  const cycles = graph.cycles();
  if (cycles.length > 0) {
    lines.push("WARNING: Cyclic dependencies found:");
    for (const cycle of cycles) lines.push(`* ${[...cycle, cycle[0]!].map((n) => graph.get(n)?.displayName ?? n).join(" => ")}`);
  }
  return lines.map((l) => `${l}\n`).join("");
}
