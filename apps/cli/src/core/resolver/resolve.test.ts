import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalizeName, type NormalizedName } from "@wheelhouse/packaging";
import { FakeProvider, type FakeIndex } from "../../../test/fake-provider.ts";
import { ResolutionImpossible, ResolutionTooDeep } from "./resolution-impossible.ts";
import { resolve, type ResolveRequest } from "./resolve.ts";
import { LINUX, WINDOWS, fromFile, pinned, request } from "../../../test/resolver-helpers.ts";

const n = (s: string): NormalizedName => canonicalizeName(s);

async function pins(index: FakeIndex, reqs: string[], extra: Partial<ResolveRequest> = {}): Promise<string[]> {
  return pinned(await resolve(request(reqs, extra), new FakeProvider(index)));
}

async function failure(index: FakeIndex, reqs: string[], extra: Partial<ResolveRequest> = {}): Promise<ResolutionImpossible> {
  try {
    await resolve(request(reqs, extra), new FakeProvider(index));
  } catch (e) {
    if (e instanceof ResolutionImpossible) return e;
    throw e;
  }
  assert.fail("expected ResolutionImpossible");
}

describe("resolve: basics", () => {
  it("follows a simple chain, newest versions", async () => {
    const index = { a: { "1.0": ["b>=1"], "2.0": ["b>=2"] }, b: { "1.0": ["c"], "2.0": ["c<2"] }, c: { "1.0": [], "2.0": [] } };
    assert.deepEqual(await pins(index, ["a"]), ["a==2.0", "b==2.0", "c==1.0"]);
  });

  it("resolves a diamond to the version both sides accept", async () => {
    const index = {
      app: { "1.0": ["left", "right"] },
      left: { "1.0": ["shared>=1.5"] },
      right: { "1.0": ["shared<3"] },
      shared: { "1.0": [], "2.0": [], "3.0": [] },
    };
    assert.deepEqual(await pins(index, ["app"]), ["app==1.0", "left==1.0", "right==1.0", "shared==2.0"]);
  });

  it("resolves cycles (a → b → a)", async () => {
    const index = { a: { "1.0": ["b"], "2.0": ["b>=2"] }, b: { "1.0": ["a"], "2.0": ["a<2"] } };
    // Newest a wants b>=2, which wants a<2: a 1.0 with b 2.0 (pip's answer as well).
    assert.deepEqual(await pins(index, ["a"]), ["a==1.0", "b==2.0"]);
  });

  it("records who asked for each pin and normalizes names", async () => {
    const index = { "Foo.Bar": { "1.0": ["Baz_Qux>=1"] }, "baz-qux": { "1.0": [] } };
    const r = await resolve(request(["foo_bar"]), new FakeProvider(index));
    assert.deepEqual(pinned(r), ["baz-qux==1.0", "foo-bar==1.0"]);
    assert.deepEqual(r.pins.get(n("foo-bar"))!.requestedBy, ["requirements.txt:1"]);
    assert.deepEqual(r.pins.get(n("baz-qux"))!.requestedBy, ["foo-bar==1.0"]);
    assert.deepEqual(r.warnings, []);
  });

  it("with noDeps pins only what the user asked for and fetches no dependencies", async () => {
    const provider = new FakeProvider({ a: { "1.0": ["b"] }, b: { "1.0": [] } });
    const r = await resolve(request(["a"], { noDeps: true }), provider);
    assert.deepEqual(pinned(r), ["a==1.0"]);
    assert.deepEqual(provider.dependencyCalls, []);
  });

  it("fetches dependencies only of candidates it tries (or prefetches as best)", async () => {
    const index = { a: { "1.0": ["old-dep"], "2.0": ["b"] }, b: { "1.0": [] }, "old-dep": { "1.0": [] } };
    const provider = new FakeProvider(index);
    await resolve(request(["a"]), provider);
    assert.deepEqual(provider.dependencyCalls.sort(), ["a==2.0", "b==1.0"]);
    assert.ok(!provider.candidateCalls.includes("old-dep"));
  });
});

describe("resolve: backtracking", () => {
  it("chooses an older version when the newest's dependencies clash (pip's choice)", async () => {
    const index = {
      a: { "1.0": ["b"], "2.0": ["b<2"] },
      b: { "1.0": [], "2.0": [] },
      c: { "1.0": ["b>=2"] },
    };
    const progress: string[] = [];
    const r = await resolve(request(["a", "c"]), new FakeProvider(index), { onProgress: (m) => progress.push(m) });
    assert.deepEqual(pinned(r), ["a==1.0", "b==2.0", "c==1.0"]);
  });

  it("keeps the newest a and an older b when nothing else constrains b (pip's order)", async () => {
    // Both orders give a valid answer; pip decides a first (named first) and pins b 1.0.
    const index = { a: { "1.0": [], "2.0": ["b<2"] }, b: { "1.0": [], "2.0": [] } };
    assert.deepEqual(await pins(index, ["a", "b"]), ["a==2.0", "b==1.0"]);
  });

  it("backtracks deep chains and jumps over decisions that took no part", async () => {
    const index: FakeIndex = {
      a: { "1.0": [], "2.0": ["b"] },
      b: Object.fromEntries(["1.0", "2.0", "3.0", "4.0", "5.0"].map((v) => [v, ["c"]])),
      c: { "1.0": ["d>=5"] },
      d: { "1.0": [] },
      n1: { "1.0": [], "2.0": [], "3.0": [] },
      n2: { "1.0": [], "2.0": [], "3.0": [] },
      n3: { "1.0": [], "2.0": [], "3.0": [] },
    };
    const provider = new FakeProvider(index);
    const progress: string[] = [];
    const r = await resolve(request(["a", "n1", "n2", "n3"]), provider, { onProgress: (m) => progress.push(m) });
    assert.deepEqual(pinned(r), ["a==1.0", "n1==3.0", "n2==3.0", "n3==3.0"]);
    // n1..n3 were decided between a and the failure, but were not part of it: never retried.
    for (const name of ["n1", "n2", "n3"]) {
      assert.ok(!provider.dependencyCalls.some((c) => c.startsWith(`${name}==`) && !c.endsWith("3.0")), name);
    }
    assert.ok(progress.some((m) => m.startsWith("Looking at multiple versions of b")));
  });

  it("backtracks through several levels to the decision behind the conflict", async () => {
    // top N pins mid N, mid N pins leaf N; only leaf 1 agrees with other's requirement.
    const index: FakeIndex = {
      top: { "1.0": ["mid==1.0"], "2.0": ["mid==2.0"], "3.0": ["mid==3.0"] },
      mid: { "1.0": ["leaf==1.0"], "2.0": ["leaf==2.0"], "3.0": ["leaf==3.0"] },
      leaf: { "1.0": [], "2.0": [], "3.0": [] },
      other: { "1.0": ["deeper"] },
      deeper: { "1.0": ["leaf<2"] },
    };
    assert.deepEqual(await pins(index, ["top", "other"]), ["deeper==1.0", "leaf==1.0", "mid==1.0", "other==1.0", "top==1.0"]);
  });

  it("stops with ResolutionTooDeep after maxRounds", async () => {
    const index = { a: { "1.0": ["b<1"], "2.0": ["b<1"], "3.0": ["b<1"] }, b: { "1.0": [] } };
    await assert.rejects(resolve(request(["a"]), new FakeProvider(index), { maxRounds: 2 }), ResolutionTooDeep);
  });
});

describe("resolve: extras", () => {
  const index: FakeIndex = {
    pkg: { "1.0": ["base", 'for-a; extra == "a"', 'for-b; extra == "Extra_B"', 'for-both; extra == "a" or extra == "extra-b"'] },
    base: { "1.0": [] },
    "for-a": { "1.0": [] },
    "for-b": { "1.0": [] },
    "for-both": { "1.0": [] },
    other: { "1.0": ["pkg[extra.b]"] },
  };

  it("adds the dependencies of the requested extras only", async () => {
    assert.deepEqual(await pins(index, ["pkg"]), ["base==1.0", "pkg==1.0"]);
    const r = await resolve(request(["pkg[a]"]), new FakeProvider(index));
    assert.deepEqual(pinned(r), ["base==1.0", "for-a==1.0", "for-both==1.0", "pkg==1.0"]);
    assert.deepEqual([...r.pins.get(n("pkg"))!.extras], ["a"]);
  });

  it("accumulates extras asked by different dependents (names normalized)", async () => {
    const r = await resolve(request(["pkg[A]", "other"]), new FakeProvider(index));
    assert.deepEqual(pinned(r), ["base==1.0", "for-a==1.0", "for-b==1.0", "for-both==1.0", "other==1.0", "pkg==1.0"]);
    assert.deepEqual([...r.pins.get(n("pkg"))!.extras].sort(), ["a", "extra-b"]);
  });

  it("follows an extra asked after its package was pinned", async () => {
    // pkg==1.0 is exact, so it is decided before other adds [extra-b].
    const r = await resolve(request(["pkg==1.0", "other"]), new FakeProvider(index));
    assert.deepEqual(pinned(r), ["base==1.0", "for-b==1.0", "for-both==1.0", "other==1.0", "pkg==1.0"]);
  });

  it("backtracks on a conflict that only an extra brings in", async () => {
    const idx: FakeIndex = {
      lib: { "1.0": [], "2.0": ['strict<1; extra == "x"'] },
      strict: { "1.0": [] },
    };
    assert.deepEqual(await pins(idx, ["lib[x]"]), ["lib==1.0"]);
    assert.deepEqual(await pins(idx, ["lib"]), ["lib==2.0"]);
  });
});

describe("resolve: markers", () => {
  const index: FakeIndex = {
    app: { "1.0": ['posix-only; os_name == "posix"', 'win-only; sys_platform == "win32"', 'new-py; python_version >= "3.10"'] },
    "posix-only": { "1.0": [] },
    "win-only": { "1.0": [] },
    "new-py": { "1.0": [] },
    colorama: { "1.0": [] },
  };

  it("evaluates dependency markers against the target environment", async () => {
    assert.deepEqual(await pins(index, ["app"], { environment: LINUX }), ["app==1.0", "new-py==1.0", "posix-only==1.0"]);
    assert.deepEqual(await pins(index, ["app"], { environment: WINDOWS }), ["app==1.0", "new-py==1.0", "win-only==1.0"]);
  });

  it("drops user requirements whose marker is false, saying so", async () => {
    const progress: string[] = [];
    const r = await resolve(request(["app", 'colorama; os_name == "nt"'], { environment: LINUX }), new FakeProvider(index), {
      onProgress: (m) => progress.push(m),
    });
    assert.ok(!r.pins.has(n("colorama")));
    assert.ok(progress.includes(`Ignoring colorama: markers 'os_name == "nt"' don't match your environment`));
    assert.ok((await pins(index, ['colorama; os_name == "nt"'], { environment: WINDOWS })).includes("colorama==1.0"));
  });
});

describe("resolve: constraints", () => {
  const index: FakeIndex = { app: { "1.0": ["lib"] }, lib: { "1.0": [], "2.0": [] }, unrelated: { "1.0": [] } };

  it("limits versions but never adds a project", async () => {
    const constraints = fromFile("constraints.txt", "lib<2", "unrelated==1.0");
    assert.deepEqual(await pins(index, ["app"], { constraints }), ["app==1.0", "lib==1.0"]);
  });

  it("ignores constraints whose marker is false", async () => {
    const constraints = fromFile("constraints.txt", 'lib<2; os_name == "nt"');
    assert.deepEqual(await pins(index, ["app"], { constraints }), ["app==1.0", "lib==2.0"]);
  });

  it("names the constraint in a conflict", async () => {
    const e = await failure(index, ["lib>=2"], { constraints: fromFile("constraints.txt", "lib<2") });
    assert.equal(
      e.message,
      [
        "Cannot install lib>=2 because these package versions have conflicting dependencies.",
        "The conflict is caused by:",
        "    The user requested lib>=2 (from requirements.txt:1)",
        "    The user requested (constraint) lib<2 (from constraints.txt:1)",
        "",
        "To fix this you could try to:",
        "1. loosen the range of package versions you've specified",
        "2. remove package versions to allow the resolver to attempt to solve the dependency conflict",
      ].join("\n"),
    );
  });
});

describe("resolve: pre-releases (PEP 440)", () => {
  const index: FakeIndex = { lib: { "1.0": [], "2.0b1": [] }, pre: { "1.0a1": [], "1.0b2": [] }, rc: { "1.0": [], "2.0rc1": [] } };

  it("excludes pre-releases by default", async () => {
    assert.deepEqual(await pins(index, ["lib"]), ["lib==1.0"]);
  });

  it("allows them with --pre, for all or per project", async () => {
    assert.deepEqual(await pins(index, ["lib"], { allowPrereleases: true }), ["lib==2.0b1"]);
    assert.deepEqual(await pins(index, ["lib", "rc"], { allowPrereleases: (name) => name === "rc" }), ["lib==1.0", "rc==2.0rc1"]);
  });

  it("allows them when a specifier names a pre-release", async () => {
    assert.deepEqual(await pins(index, ["lib>=2.0b1"]), ["lib==2.0b1"]);
  });

  it("allows them when only pre-releases are available or satisfy", async () => {
    assert.deepEqual(await pins(index, ["pre"]), ["pre==1.0b2"]);
    assert.deepEqual(await pins(index, ["rc>=1.5"]), ["rc==2.0rc1"]);
  });
});

describe("resolve: yanked releases (PEP 592)", () => {
  const index: FakeIndex = {
    lib: { "1.0": [], "2.0": { yanked: "broken build" } },
    gone: { "1.0": { yanked: true } },
  };

  it("skips yanked releases unless pinned exactly", async () => {
    const r = await resolve(request(["lib"]), new FakeProvider(index));
    assert.deepEqual(pinned(r), ["lib==1.0"]);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(await pins(index, ["lib>=2"]).catch((e: Error) => e.name), "ResolutionImpossible");
  });

  it("chooses a yanked release pinned with == or ===, with a warning", async () => {
    for (const spec of ["lib==2.0", "lib===2.0"]) {
      const r = await resolve(request([spec]), new FakeProvider(index));
      assert.deepEqual(pinned(r), ["lib==2.0"]);
      assert.deepEqual(r.warnings, ["The candidate selected for download or install is a yanked version: lib 2.0\nReason for being yanked: broken build"]);
    }
    const r = await resolve(request(["gone==1.0"]), new FakeProvider(index));
    assert.deepEqual(r.warnings, ["The candidate selected for download or install is a yanked version: gone 1.0"]);
  });

  it("lists yanked versions apart when nothing matches", async () => {
    const e = await failure(index, ["gone"]);
    assert.equal(
      e.message,
      [
        "Ignored the following yanked versions: 1.0",
        "Could not find a version that satisfies the requirement gone (from versions: none)",
        "No matching distribution found for gone",
      ].join("\n"),
    );
  });
});

describe("resolve: installed versions and -U", () => {
  const index: FakeIndex = { app: { "1.0": ["lib"] }, lib: { "1.0": [], "2.0": [] } };
  const installed = new Map([[n("lib"), "1.0"]]);

  it("keeps an installed version that satisfies", async () => {
    assert.deepEqual(await pins(index, ["lib"], { installed }), ["lib==1.0"]);
    assert.deepEqual(await pins(index, ["lib>=2"], { installed }), ["lib==2.0"]);
  });

  it("-U upgrades what the user named; dependencies only if needed", async () => {
    assert.deepEqual(await pins(index, ["lib"], { installed, upgrade: true }), ["lib==2.0"]);
    assert.deepEqual(await pins(index, ["app"], { installed, upgrade: true }), ["app==1.0", "lib==1.0"]);
    assert.deepEqual(await pins(index, ["app"], { installed, upgrade: new Set([n("lib")]) }), ["app==1.0", "lib==2.0"]);
  });

  it("keeps an installed pre-release without --pre", async () => {
    const idx: FakeIndex = { lib: { "1.0": [], "2.0b1": [] } };
    assert.deepEqual(await pins(idx, ["lib"], { installed: new Map([[n("lib"), "2.0b1"]]) }), ["lib==2.0b1"]);
  });
});

describe("resolve: direct URLs", () => {
  const url = "https://example.test/wheels/lib-3.0-py3-none-any.whl";

  it("uses the provider's candidate for the URL", async () => {
    const provider = new FakeProvider({ lib: { "1.0": [] }, dep: { "1.0": [] } }, { urls: { [url]: { name: "lib", version: "3.0", deps: ["dep"] } } });
    const r = await resolve(request([`lib @ ${url}`]), provider);
    assert.deepEqual(pinned(r), ["dep==1.0", "lib==3.0"]);
    assert.equal(r.pins.get(n("lib"))!.candidate.files[0]!.url, url);
  });

  it("decides a URL requirement over a plain one for the same project", async () => {
    const provider = new FakeProvider({ app: { "1.0": ["lib>=2"] }, lib: { "1.0": [] } }, { urls: { [url]: { name: "lib", version: "3.0" } } });
    assert.deepEqual(pinned(await resolve(request(["app", `lib @ ${url}#sha256=00`]), provider)), ["app==1.0", "lib==3.0"]);
  });

  it("without the hook, selects the candidate with a file at that URL", async () => {
    const index: FakeIndex = { lib: { "1.0": { url: "https://mirror.test/lib-1.0.whl" }, "2.0": [] } };
    const plain = new FakeProvider(index);
    const provider = { candidates: plain.candidates.bind(plain), dependencies: plain.dependencies.bind(plain) };
    assert.deepEqual(pinned(await resolve(request(["lib @ https://mirror.test/lib-1.0.whl#sha256=ab"]), provider)), ["lib==1.0"]);
  });

  it("fails on two different URLs for one project", async () => {
    const provider = new FakeProvider({ a: { "1.0": ["lib @ https://elsewhere.test/lib-3.0.whl"] } }, { urls: { [url]: { name: "lib", version: "3.0" } } });
    await assert.rejects(resolve(request([`lib @ ${url}`, "a"]), provider), (e: unknown) => {
      assert.ok(e instanceof ResolutionImpossible);
      assert.equal(e.kind, "conflict");
      assert.match(e.message, /a 1\.0 depends on lib @ https:\/\/elsewhere\.test\/lib-3\.0\.whl/);
      return true;
    });
  });
});

describe("resolve: impossible", () => {
  it("explains a conflict like pip", async () => {
    const index = { app: { "1.0": ["lib<2"] }, lib: { "1.0": [], "2.0": [] } };
    const e = await failure(index, ["app==1.0", "lib>=2"]);
    assert.equal(e.kind, "conflict");
    assert.equal(
      e.message,
      [
        "Cannot install app==1.0 and lib>=2 because these package versions have conflicting dependencies.",
        "The conflict is caused by:",
        "    The user requested lib>=2 (from requirements.txt:2)",
        "    app 1.0 depends on lib<2",
        "",
        "To fix this you could try to:",
        "1. loosen the range of package versions you've specified",
        "2. remove package versions to allow the resolver to attempt to solve the dependency conflict",
      ].join("\n"),
    );
    assert.deepEqual(
      e.conflicts.map((c) => [c.requirement.toString(), c.parent?.name ?? null, c.source]),
      [
        ["lib>=2", null, "requirements.txt:2"],
        ["lib<2", "app", null],
      ],
    );
  });

  it("explains a conflict between two dependencies after trying everything", async () => {
    const index = { a: { "1.0": ["c<2"] }, b: { "1.0": ["c>=2"] }, c: { "1.0": [], "2.0": [] } };
    const e = await failure(index, ["a", "b"]);
    assert.equal(
      e.message.split("\n").slice(0, 4).join("\n"),
      [
        "Cannot install a==1.0 and b==1.0 because these package versions have conflicting dependencies.",
        "The conflict is caused by:",
        "    a 1.0 depends on c<2",
        "    b 1.0 depends on c>=2",
      ].join("\n"),
    );
  });

  it("says no matching distribution when one requirement matches nothing", async () => {
    const index = { foo: { "1.0": [], "2.0": [], "3.0a1": [] } };
    const e = await failure(index, ["foo>=9"]);
    assert.equal(e.kind, "no-matching-distribution");
    assert.equal(
      e.message,
      "Could not find a version that satisfies the requirement foo>=9 (from versions: 1.0, 2.0, 3.0a1)\nNo matching distribution found for foo>=9",
    );
    const missing = await failure({}, ["nothere"]);
    assert.equal(
      missing.message,
      "Could not find a version that satisfies the requirement nothere (from versions: none)\nNo matching distribution found for nothere",
    );
  });

  it("names the dependent when a dependency matches nothing", async () => {
    const e = await failure({ app: { "1.0": ["foo>=9"] }, foo: { "1.0": [] } }, ["app"]);
    assert.equal(
      e.message,
      "Could not find a version that satisfies the requirement foo>=9 (from app) (from versions: 1.0)\nNo matching distribution found for foo>=9",
    );
  });
});

describe("resolve: prefetching", () => {
  it("asks for several candidates' dependencies at once", async () => {
    const index: FakeIndex = { app: { "1.0": Array.from({ length: 12 }, (_, i) => `dep${i}`) } };
    for (let i = 0; i < 12; i++) index[`dep${i}`] = { "1.0": [`leaf${i}`] };
    for (let i = 0; i < 12; i++) index[`leaf${i}`] = { "1.0": [] };
    const provider = new FakeProvider(index, { latency: 5 });
    const r = await resolve(request(["app"]), provider);
    assert.equal(r.pins.size, 25);
    assert.ok(provider.maxInFlight > 4, `max in flight ${provider.maxInFlight}`);
  });

  it("does not leak a failed prefetch as an unhandled rejection", async () => {
    const index: FakeIndex = { app: { "1.0": ["a", "b"] }, a: { "1.0": [] }, b: { "1.0": [] } };
    const plain = new FakeProvider(index);
    const provider = {
      candidates: plain.candidates.bind(plain),
      dependencies: async (c: Parameters<FakeProvider["dependencies"]>[0]) => {
        if (c.name === "b") throw new Error("network down");
        return plain.dependencies(c);
      },
    };
    await assert.rejects(resolve(request(["app"]), provider), /network down/);
  });
});
