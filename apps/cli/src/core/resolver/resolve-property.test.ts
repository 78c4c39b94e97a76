/**
 * Property: on random small dependency graphs, the resolver finds a resolution exactly when a
 * brute-force search over every assignment does, and what it finds satisfies every requirement.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SpecifierSet } from "@wheelhouse/packaging";
import { FakeProvider, type FakeIndex } from "../../../test/fake-provider.ts";
import { ResolutionImpossible } from "./resolution-impossible.ts";
import { resolve } from "./resolve.ts";
import { request } from "../../../test/resolver-helpers.ts";

const VERSIONS = ["1.0", "2.0", "3.0"];

interface Dep {
  target: number;
  spec: string;
}

interface Graph {
  /** packages[i] = version → deps. */
  packages: Map<string, Dep[]>[];
  user: Dep[];
}

const specArb = fc.oneof(
  fc.constant(""),
  fc.constantFrom(...VERSIONS).chain((v) => fc.constantFrom(`>=${v}`, `<${v}`, `==${v}`, `!=${v}`, `<=${v}`, `>${v}`)),
);

const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 5 }).chain((size) => {
  const dep = fc.record({ target: fc.integer({ min: 0, max: size - 1 }), spec: specArb });
  const pkg = fc
    .subarray(VERSIONS, { minLength: 1 })
    .chain((versions) => fc.tuple(...versions.map((v) => fc.array(dep, { maxLength: 2 }).map((deps) => [v, deps] as const))))
    .map((entries) => new Map<string, Dep[]>(entries));
  return fc.record({
    packages: fc.array(pkg, { minLength: size, maxLength: size }),
    user: fc.array(dep, { minLength: 1, maxLength: 3 }),
  });
});

const nameOf = (i: number): string => `p${i}`;
const text = (d: Dep): string => `${nameOf(d.target)}${d.spec}`;

function toIndex(g: Graph): FakeIndex {
  const index: FakeIndex = {};
  g.packages.forEach((versions, i) => {
    index[nameOf(i)] = Object.fromEntries([...versions].map(([v, deps]) => [v, deps.map(text)]));
  });
  return index;
}

function satisfied(d: Dep, chosen: readonly (string | null)[]): boolean {
  const v = chosen[d.target];
  return v !== null && v !== undefined && new SpecifierSet(d.spec).contains(v);
}

/** Whether some assignment (each package absent or at one version) satisfies everything. */
function bruteForce(g: Graph): boolean {
  const options = g.packages.map((versions) => [null, ...versions.keys()]);
  const chosen: (string | null)[] = g.packages.map(() => null);
  const valid = (): boolean =>
    g.user.every((d) => satisfied(d, chosen)) && chosen.every((v, i) => v === null || g.packages[i]!.get(v)!.every((d) => satisfied(d, chosen)));
  const search = (i: number): boolean => {
    if (i === options.length) return valid();
    for (const o of options[i]!) {
      chosen[i] = o;
      if (search(i + 1)) return true;
    }
    return false;
  };
  return search(0);
}

describe("resolve: property", () => {
  it("finds a resolution iff one exists, and it satisfies every requirement", async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, async (g) => {
        const expected = bruteForce(g);
        let pins: Map<string, string> | null = null;
        try {
          const r = await resolve(request(g.user.map(text)), new FakeProvider(toIndex(g)));
          pins = new Map([...r.pins].map(([name, p]) => [name, p.candidate.version.toString()]));
        } catch (e) {
          if (!(e instanceof ResolutionImpossible)) throw e;
        }
        assert.equal(pins !== null, expected, `brute force says ${expected ? "solvable" : "unsolvable"}`);
        if (pins === null) return;
        const chosen = g.packages.map((_, i) => pins.get(nameOf(i)) ?? null);
        for (const d of g.user) assert.ok(satisfied(d, chosen), `user requirement ${text(d)}`);
        chosen.forEach((v, i) => {
          if (v === null) return;
          for (const d of g.packages[i]!.get(v)!) assert.ok(satisfied(d, chosen), `${nameOf(i)} ${v} requires ${text(d)}`);
        });
        assert.ok([...pins.keys()].every((name) => /^p[0-9]$/.test(name)));
      }),
      { numRuns: 1000 },
    );
  });
});
