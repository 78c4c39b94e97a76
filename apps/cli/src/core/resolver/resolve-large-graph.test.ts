/**
 * Performance: a 300-project synthetic graph whose newest versions often do not fit, so the
 * resolver has to backtrack, resolves well under a second.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpecifierSet, parseRequirement } from "@wheelhouse/packaging";
import { FakeProvider, type FakeIndex } from "../../../test/fake-provider.ts";
import { resolve } from "./resolve.ts";
import { request } from "../../../test/resolver-helpers.ts";

const SIZE = 300;
const VERSIONS = 10;

/** A deterministic PRNG (mulberry32), so the graph is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Projects p0…p299 with versions 1.0…10.0; each depends on two or three later projects. A planted
 * solution (mostly the newest or next-newest versions) satisfies everything; versions newer than
 * the planted one ask for newer dependencies than the planted ones, which other projects' upper
 * bounds reject — found only after pinning, so the resolver must backtrack.
 */
function syntheticGraph(seed: number): { index: FakeIndex; roots: string[] } {
  const random = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const planted = Array.from({ length: SIZE }, () => (random() < 0.7 ? VERSIONS : int(VERSIONS - 3, VERSIONS - 1)));
  const edges = Array.from({ length: SIZE }, (_, i) => {
    const out = new Set<number>();
    const count = i >= SIZE - 3 ? 0 : int(2, 3);
    while (out.size < Math.min(count, SIZE - i - 1)) out.add(int(i + 1, Math.min(SIZE - 1, i + 30)));
    return [...out];
  });
  const index: FakeIndex = {};
  for (let i = 0; i < SIZE; i++) {
    const versions: FakeIndex[string] = {};
    for (let v = 1; v <= VERSIONS; v++) {
      versions[`${v}.0`] = edges[i]!.map((j) => {
        const s = planted[j]!;
        if (v > planted[i]!) return `p${j}>${s}.0`; // too new: wants a newer j than fits
        // Half the planted requirements leave the upper bound to another dependent.
        return random() < 0.5 ? `p${j}>=${Math.max(1, s - 2)}.0` : `p${j}>=${Math.max(1, s - 2)}.0,<=${s}.0`;
      });
    }
    index[`p${i}`] = versions;
  }
  return { index, roots: Array.from({ length: 10 }, (_, i) => `p${i}`) };
}

describe("resolve: a large graph", () => {
  it("resolves a 300-project graph that needs backtracking, satisfying every requirement", async (t) => {
    const { index, roots } = syntheticGraph(42);
    const provider = new FakeProvider(index);
    const progress: string[] = [];
    const started = performance.now();
    const r = await resolve(request(roots), provider, { onProgress: (m) => progress.push(m) });
    const elapsed = performance.now() - started;

    // It did have to backtrack.
    assert.ok(progress.length > 10, `backtracked on ${progress.length} projects`);
    assert.ok(r.pins.size > 250, `pinned ${r.pins.size}`);
    // Every dependency of every pin holds.
    for (const [, { candidate }] of r.pins) {
      for (const dep of await provider.dependencies(candidate)) {
        const pin = r.pins.get(dep.normalizedName);
        assert.ok(pin && new SpecifierSet(dep.specifier.toString()).contains(pin.candidate.version), `${candidate.name} ${candidate.version}: ${dep}`);
      }
    }
    for (const root of roots) assert.ok(r.pins.has(parseRequirement(root).normalizedName));
    // Speed is measured by `npm run bench -- resolve`, not asserted here (timed tests are noise).
    t.diagnostic(`resolved ${r.pins.size} projects in ${elapsed.toFixed(0)} ms`);
  });
});
