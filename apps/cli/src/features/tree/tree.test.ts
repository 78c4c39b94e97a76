// `wheelhouse tree`'s graph, trees and output, from installed metadata: a diamond, a cycle, a
// missing and a conflicting dependency, extras and markers, --reverse, --depth, -p roots, JSON.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canonicalizeName, parseRequirement, type NormalizedName } from "@wheelhouse/packaging";
import { LINUX, WINDOWS } from "../../../test/resolver-helpers.ts";
import { DependencyGraph, type TreeDistribution } from "./dependency-graph.ts";
import { buildForest, type ForestOptions } from "./forest.ts";
import { renderJson, renderText, warningsText } from "./render.ts";

function dist(name: string, version: string, requires: string[] = []): TreeDistribution {
  return { name: canonicalizeName(name), displayName: name, version, requires: requires.map((r) => parseRequirement(r)) };
}

const DIAMOND = [dist("top", "1.0", ["left>=1.0", "right"]), dist("left", "1.0", ["base>=1"]), dist("right", "2.0", ["base<2,>=1.0"]), dist("base", "1.5")];

function text(dists: TreeDistribution[], options: ForestOptions = {}, markers = LINUX): string {
  return renderText(buildForest(new DependencyGraph(dists, markers), options), options.reverse ?? false);
}

const names = (...n: string[]) => n.map(canonicalizeName) as NormalizedName[];

describe("tree", () => {
  test("a diamond: the shared dependency under both sides", () => {
    assert.equal(
      text(DIAMOND),
      [
        "top==1.0",
        "  - left [required: >=1.0, installed: 1.0]",
        "    - base [required: >=1, installed: 1.5]",
        "  - right [required: Any, installed: 2.0]",
        "    - base [required: <2,>=1.0, installed: 1.5]",
        "",
      ].join("\n"),
    );
    assert.equal(warningsText(new DependencyGraph(DIAMOND, LINUX)), "");
  });

  test("a diamond reversed: who needs base, and who needs them", () => {
    assert.equal(
      text(DIAMOND, { reverse: true }),
      [
        "base==1.5",
        "  - left==1.0 [requires: base>=1]",
        "    - top==1.0 [requires: left>=1.0]",
        "  - right==2.0 [requires: base<2,>=1.0]",
        "    - top==1.0 [requires: right]",
        "",
      ].join("\n"),
    );
  });

  test("--depth limits the levels below the roots; 0 shows the roots alone", () => {
    assert.equal(text(DIAMOND, { depth: 1 }), "top==1.0\n  - left [required: >=1.0, installed: 1.0]\n  - right [required: Any, installed: 2.0]\n");
    assert.equal(text(DIAMOND, { depth: 0 }), "top==1.0\n");
    assert.equal(text(DIAMOND, { reverse: true, depth: 1 }), "base==1.5\n  - left==1.0 [requires: base>=1]\n  - right==2.0 [requires: base<2,>=1.0]\n");
  });

  test("chosen roots (-p): any package, even one others require", () => {
    assert.equal(
      text(DIAMOND, { roots: names("left", "right") }),
      ["left==1.0", "  - base [required: >=1, installed: 1.5]", "right==2.0", "  - base [required: <2,>=1.0, installed: 1.5]", ""].join("\n"),
    );
    assert.equal(text(DIAMOND, { reverse: true, roots: names("left") }), "left==1.0\n  - top==1.0 [requires: left>=1.0]\n");
  });

  test("a cycle is shown once, marked, and not followed again; reported on stderr", () => {
    const dists = [dist("app", "1.0", ["a"]), dist("a", "1.0", ["b>=1"]), dist("b", "1.0", ["c"]), dist("c", "1.0", ["A"])];
    assert.equal(
      text(dists),
      [
        "app==1.0",
        "  - a [required: Any, installed: 1.0]",
        "    - b [required: >=1, installed: 1.0]",
        "      - c [required: Any, installed: 1.0]",
        "        - a [required: Any, installed: 1.0] (cycle)",
        "",
      ].join("\n"),
    );
    assert.equal(warningsText(new DependencyGraph(dists, LINUX)), "WARNING: Cyclic dependencies found:\n* a => b => c => a\n");
  });

  test("a cycle nothing else requires still gets a root (its first name)", () => {
    const dists = [dist("x", "1.0", ["y"]), dist("y", "1.0", ["x"]), dist("solo", "1.0")];
    assert.equal(
      text(dists),
      ["solo==1.0", "x==1.0", "  - y [required: Any, installed: 1.0]", "    - x [required: Any, installed: 1.0] (cycle)", ""].join("\n"),
    );
    assert.equal(text(dists, { reverse: true }), ["solo==1.0", "x==1.0", "  - y==1.0 [requires: x]", "    - x==1.0 [requires: y] (cycle)", ""].join("\n"));
  });

  test("a missing dependency: installed ?, and a warning with the conflicting ones", () => {
    const dists = [dist("app", "1.0", ["gone>=2", "old>=2"]), dist("old", "1.0")];
    assert.equal(text(dists), "app==1.0\n  - gone [required: >=2, installed: ?]\n  - old [required: >=2, installed: 1.0]\n");
    assert.equal(
      warningsText(new DependencyGraph(dists, LINUX)),
      "WARNING: Possibly conflicting dependencies found:\n* app==1.0\n - gone [required: >=2, installed: ?]\n - old [required: >=2, installed: 1.0]\n",
    );
    // Reversed, the missing one is a root: who needs it?
    assert.equal(text(dists, { reverse: true }), "gone [installed: ?]\n  - app==1.0 [requires: gone>=2]\nold==1.0\n  - app==1.0 [requires: old>=2]\n");
  });

  test("markers are evaluated for the target", () => {
    const dists = [dist("app", "1.0", ["winonly; sys_platform == 'win32'", "posixonly; os_name == 'posix'"]), dist("winonly", "1.0"), dist("posixonly", "1.0")];
    assert.equal(text(dists), "app==1.0\n  - posixonly [required: Any, installed: 1.0]\nwinonly==1.0\n");
    assert.equal(text(dists, {}, WINDOWS), "app==1.0\n  - winonly [required: Any, installed: 1.0]\nposixonly==1.0\n");
  });

  test("extras asked by a dependent are followed, only under that dependent", () => {
    const dists = [
      dist("app", "1.0", ["lib[Fast]>=1"]),
      dist("other", "1.0", ["lib"]),
      dist("lib", "2.0", ["speedup; extra == 'fast'", "docs; extra == 'docs'"]),
      dist("speedup", "1.0", ["accel[simd]"]),
      dist("accel", "1.0", ["simd-impl; extra == 'simd'"]),
      dist("simd-impl", "1.0"),
    ];
    assert.equal(
      text(dists),
      [
        "app==1.0",
        "  - lib[fast] [required: >=1, installed: 2.0]",
        "    - speedup [required: Any, installed: 1.0]",
        "      - accel[simd] [required: Any, installed: 1.0]",
        "        - simd-impl [required: Any, installed: 1.0]",
        "other==1.0",
        "  - lib [required: Any, installed: 2.0]",
        "",
      ].join("\n"),
    );
    // docs (an extra nobody asks for) is not missing; speedup is not top-level.
    assert.equal(warningsText(new DependencyGraph(dists, LINUX)), "");
    assert.equal(
      text(dists, { reverse: true, roots: names("simd-impl") }),
      [
        "simd-impl==1.0",
        "  - accel==1.0 [requires: simd-impl]",
        "    - speedup==1.0 [requires: accel[simd]]",
        "      - lib==2.0 [requires: speedup]",
        "        - app==1.0 [requires: lib[fast]>=1]",
        "        - other==1.0 [requires: lib]",
        "",
      ].join("\n"),
    );
  });

  test("JSON: pipdeptree's --json-tree shape; reversed, the nested list is the dependents", () => {
    const graph = new DependencyGraph([...DIAMOND, dist("lonely", "0.1", ["gone"])], LINUX);
    const forward = JSON.parse(renderJson(buildForest(graph, { depth: 2 }), false));
    assert.deepEqual(forward, [
      {
        key: "lonely",
        package_name: "lonely",
        installed_version: "0.1",
        required_version: "0.1",
        dependencies: [{ key: "gone", package_name: "gone", installed_version: "?", required_version: "Any", dependencies: [] }],
      },
      {
        key: "top",
        package_name: "top",
        installed_version: "1.0",
        required_version: "1.0",
        dependencies: [
          {
            key: "left",
            package_name: "left",
            installed_version: "1.0",
            required_version: ">=1.0",
            dependencies: [{ key: "base", package_name: "base", installed_version: "1.5", required_version: ">=1", dependencies: [] }],
          },
          {
            key: "right",
            package_name: "right",
            installed_version: "2.0",
            required_version: "Any",
            dependencies: [{ key: "base", package_name: "base", installed_version: "1.5", required_version: "<2,>=1.0", dependencies: [] }],
          },
        ],
      },
    ]);
    const reverse = JSON.parse(renderJson(buildForest(graph, { reverse: true, roots: names("base"), depth: 1 }), true));
    assert.deepEqual(reverse, [
      {
        key: "base",
        package_name: "base",
        installed_version: "1.5",
        required_version: "1.5",
        dependents: [
          { key: "left", package_name: "left", installed_version: "1.0", required_version: ">=1", dependents: [] },
          { key: "right", package_name: "right", installed_version: "2.0", required_version: "<2,>=1.0", dependents: [] },
        ],
      },
    ]);
    const cyclic = JSON.parse(renderJson(buildForest(new DependencyGraph([dist("x", "1", ["y[e]"]), dist("y", "1", ["x"])], LINUX)), false));
    assert.deepEqual(cyclic[0].dependencies[0].extras, ["e"]);
    assert.equal(cyclic[0].dependencies[0].dependencies[0].cycle, true);
  });

  test("a long chain renders (no recursion limit in the graph walk)", () => {
    const dists: TreeDistribution[] = [];
    for (let i = 0; i < 200; i++) dists.push(dist(`p${i}`, "1.0", i + 1 < 200 ? [`p${i + 1}`] : []));
    const out = text(dists);
    assert.equal(out.split("\n").length, 201);
    assert.match(out, /^ {398}- p199 \[required: Any, installed: 1\.0\]$/m);
  });
});
