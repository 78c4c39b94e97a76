import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canonicalizeName, parseRequirement, parseSpecifierSet, type NormalizedName } from "@wheelhouse/packaging";
import { requiresDistIn, walkClosure, wantOf, type Pin, type VersionRule, type Want, type WalkProject } from "./walk-closure.ts";

type Release = { version: string; files: string[]; requires: string[] };
type Project = WalkProject<Release>;

/** An in-memory index: name → version → Requires-Dist. */
function sourceOf(index: Record<string, Record<string, string[]>>) {
  const asked: string[] = [];
  return {
    asked,
    source: {
      project: async (name: NormalizedName): Promise<Project | null> => {
        asked.push(name);
        const versions = index[name];
        if (!versions) return null;
        return { label: name, releases: Object.entries(versions).map(([version, requires]) => ({ version, files: [`${name}-${version}`], requires })) };
      },
      requiresDist: async (_project: Project, release: Release) => release.requires.map((r) => parseRequirement(r)),
    },
  };
}

/** The newest release the want admits (the bundle's rule), or every one (the sync's). */
const newest = (project: Project, want: Want) => {
  const admitted = project.releases.filter((r) => want.specifier.contains(r.version));
  const release = admitted.sort((a, b) => (a.version < b.version ? 1 : -1))[0];
  return release ? [{ release, files: release.files }] : [];
};
const every = (project: Project, want: Want) =>
  project.releases.filter((r) => want.specifier.contains(r.version)).map((release) => ({ release, files: release.files }));

async function walk(
  index: Record<string, Record<string, string[]>>,
  top: string[],
  versions: VersionRule,
  choose: typeof newest = newest,
): Promise<{ chosen: string[]; events: string[]; asked: string[] }> {
  const { source, asked } = sourceOf(index);
  const events: string[] = [];
  const choices = await walkClosure<Project, Release>(
    top.map((t) => wantOf(parseRequirement(t))),
    {
      source,
      choose,
      versions,
      report: {
        missing: (want) => events.push(`missing ${want.name} via ${want.via}`),
        unmatched: (want) => events.push(`unmatched ${want.name}${want.specifier} via ${want.via}`),
        directUrl: (dependency, via) => events.push(`url ${dependency.name} via ${via}`),
        conflict: (want, [first]) => events.push(`conflict ${want.name}${want.specifier} via ${want.via}, kept ${first!.release.version}`),
      },
    },
  );
  return { chosen: choices.map((c) => `${c.project.label} ${c.release.version}`), events, asked };
}

const index = {
  app: { "1.0": ["lib>=2", 'win; sys_platform == "win32"', 'never; python_version < "2"', 'fancy; extra == "fancy"', "gone; os_name == 'nt'"] },
  lib: { "1.0": [], "2.0": ["base<2"], "3.0": ["base<2", "url @ https://example.com/url.whl"] },
  base: { "1.0": [], "2.0": [] },
  win: { "1.0": ["lib<3"] },
  fancy: { "1.0": [] },
};

describe("walkClosure, one version per name", () => {
  const onePerName = (pins: Record<string, string> = {}): VersionRule => ({
    kind: "one-per-name",
    pins: new Map(Object.entries(pins).map(([name, spec]): [string, Pin] => [name, { specifier: parseSpecifierSet(spec), extras: [] }])),
  });

  it("keeps the first choice per name, reports conflicts, URLs and gaps, and follows markers that may hold", async () => {
    const result = await walk(index, ["app"], onePerName());
    assert.deepEqual(result.chosen, ["app 1.0", "lib 3.0", "win 1.0", "base 1.0"]);
    assert.deepEqual(result.events, ["url url via lib 3.0", "missing gone via app 1.0", "conflict lib<3 via win 1.0, kept 3.0"]);
  });

  it("lets a pin decide its name's version where the name first comes up as a dependency", async () => {
    const result = await walk(index, ["app"], onePerName({ lib: "==2.0" }));
    assert.deepEqual(result.chosen, ["app 1.0", "lib 2.0", "win 1.0", "base 1.0"]);
    assert.deepEqual(result.events, ["missing gone via app 1.0"]);
  });

  it("follows extras requested after the first choice", async () => {
    const result = await walk(index, ["app", "app[fancy]"], onePerName());
    assert.ok(result.chosen.includes("fancy 1.0"));
  });

  it("stops at the first error a report throws", async () => {
    const { source } = sourceOf(index);
    const walked = walkClosure<Project, Release>([wantOf(parseRequirement("nope")), wantOf(parseRequirement("app"))], {
      source,
      choose: newest,
      versions: onePerName(),
      report: {
        missing: (want) => {
          throw new Error(`no ${want.name}`);
        },
        unmatched: () => {},
      },
    });
    await assert.rejects(walked, { message: "no nope" });
  });
});

describe("walkClosure, every version per requirement", () => {
  it("walks a name again for each new specifier, asking the source once per name", async () => {
    const result = await walk(index, ["lib>=2", "lib<2", "lib>=2"], { kind: "per-requirement" }, every);
    assert.deepEqual(result.chosen.sort(), ["base 1.0", "lib 1.0", "lib 2.0", "lib 3.0"]);
    assert.equal(result.asked.filter((n) => n === canonicalizeName("lib")).length, 1);
    assert.deepEqual(result.events, ["url url via lib 3.0"]);
  });
});

describe("walkClosure, every version per requirement: concurrency, order and failures", () => {
  it("processes at most `concurrency` wants at once, reports each choice before reading its dependencies, and routes a throw to failed", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const failed: string[] = [];
    const choices = await walkClosure<Project, Release>(
      names.map((n) => wantOf(parseRequirement(n))),
      {
        source: {
          project: async (name) => {
            inFlight++;
            most = Math.max(most, inFlight);
            await new Promise((resolve) => setTimeout(resolve, 5));
            inFlight--;
            if (name === "p7") throw new Error("upstream said no");
            return { label: name, releases: [{ version: "1.0", files: [name], requires: [] }] };
          },
          requiresDist: async (project) => {
            order.push(`deps ${project.label}`);
            return [];
          },
        },
        choose: every,
        versions: { kind: "per-requirement" },
        concurrency: 3,
        report: {
          missing: () => assert.fail("nothing is missing"),
          unmatched: () => assert.fail("everything matches"),
          failed: (want, err) => failed.push(`${want.name}: ${(err as Error).message}`),
        },
        onChosen: async (want) => {
          order.push(`chosen ${want.name}`);
        },
      },
    );
    assert.equal(most, 3);
    assert.deepEqual(failed, ["p7: upstream said no"]);
    assert.equal(choices.length, 19);
    for (const name of names.filter((n) => n !== "p7")) assert.ok(order.indexOf(`chosen ${name}`) < order.indexOf(`deps ${name}`), name);
  });
});

describe("requiresDistIn", () => {
  it("reads each requirement once, and falls back only when the metadata names none", () => {
    const metadata = (...lines: string[]) => ["Metadata-Version: 2.1", "Name: x", "Version: 1", ...lines.map((l) => `Requires-Dist: ${l}`), ""].join("\n");
    assert.deepEqual(requiresDistIn([metadata("a>=1", "b"), metadata("a>=1")], ["c"]).map(String), ["a>=1", "b"]);
    assert.deepEqual(requiresDistIn([metadata()], ["c", 3, "not a requirement!"]).map(String), ["c"]);
  });
});
