// sync's diff, as pip-sync computes it: what to install (new, upgrade, downgrade, replace), what to
// uninstall, what pip-sync never uninstalls, merging lines across files, markers, URLs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canonicalizeName, parseRequirement } from "@wheelhouse/packaging";
import { parseRequirementArgs } from "../../core/requirements/requirements-files.ts";
import type { RequirementLine } from "@wheelhouse/packaging";
import { LINUX, WINDOWS } from "../../../test/resolver-helpers.ts";
import { pinnedVersion } from "@wheelhouse/packaging";
import { IncompatibleRequirements, mergeRequirements, planSync, protectedNames, type SyncInstalled } from "./plan-sync.ts";
import { installText, planLines } from "./plan-lines.ts";

function dist(name: string, version: string, requires: string[] = [], directUrl: string | null = null): SyncInstalled {
  return {
    name: canonicalizeName(name),
    displayName: name,
    version,
    requires: requires.map((r) => parseRequirement(r)),
    directUrl: directUrl === null ? null : { url: directUrl },
  };
}

function lines(texts: string[], source = "requirements.txt"): RequirementLine[] {
  return parseRequirementArgs(texts).map((line, i) => ({ ...line, source: `${source}:${i + 1}`, comesFrom: `-r ${source} (line ${i + 1})` }));
}

function plan(texts: string[], installed: SyncInstalled[], options: { constraints?: string[]; markers?: typeof LINUX } = {}) {
  const markers = options.markers ?? LINUX;
  return planSync(mergeRequirements(lines(texts), markers), installed, { markers, constraints: lines(options.constraints ?? [], "constraints.txt") });
}

const summary = (p: ReturnType<typeof plan>) => ({
  install: p.install.map((i) => `${i.kind} ${installText(i)}`),
  uninstall: p.uninstall.map((d) => d.name as string),
  satisfied: p.satisfied.map((d) => d.name as string),
});

describe("planSync", () => {
  test("removes what the file does not list, adds what is missing, upgrades and downgrades", () => {
    const installed = [dist("a", "1.0"), dist("B", "1.0"), dist("d", "3.0"), dist("e", "1.0")];
    assert.deepEqual(summary(plan(["b==2.0", "c==1.0", "d==2.5", "E==1.0"], installed)), {
      install: ["upgrade b==2.0 (upgrade from 1.0)", "install c==1.0", "downgrade d==2.5 (downgrade from 3.0)"],
      uninstall: ["a"],
      satisfied: ["e"],
    });
  });

  test("nothing to do when the environment already matches (versions compared as PEP 440 versions)", () => {
    const p = plan(["b==2.0", "c==1.0.0"], [dist("b", "2.0.0"), dist("C", "1.0")]);
    assert.deepEqual(summary(p), { install: [], uninstall: [], satisfied: ["b", "c"] });
    assert.deepEqual(planLines(p), []);
  });

  test("an empty file uninstalls everything but the tools pip-sync protects and what they depend on", () => {
    const installed = [
      dist("pip", "24.0"),
      dist("setuptools", "69.0"),
      dist("wheel", "0.42"),
      dist("pip-tools", "7.4", ["click>=8", "build>=1", "pip>=22.2"]),
      dist("click", "8.1"),
      dist("build", "1.0", ["packaging>=19"]),
      dist("packaging", "24.0"),
      dist("app", "1.0", ["packaging"]),
      dist("old-click-user", "1.0", ["click<8"]),
    ];
    assert.deepEqual(summary(plan([], installed)), { install: [], uninstall: ["app", "old-click-user"], satisfied: [] });
  });

  test("what the caller says is not removable (installed outside site-packages) is kept and reported", () => {
    const installed = [dist("mine", "1.0"), dist("distro-pkg", "2.0")];
    const p = planSync(mergeRequirements([], LINUX), installed, { markers: LINUX, removable: (d) => d.name !== "distro-pkg" });
    assert.deepEqual(
      p.uninstall.map((d) => d.name),
      ["mine"],
    );
    assert.deepEqual(
      p.keptOutside.map((d) => d.name),
      ["distro-pkg"],
    );
  });

  test("a dependency of a protected tool at a version the tool does not accept is not protected", () => {
    const installed = [dist("pip-tools", "7.4", ["click>=8"]), dist("click", "7.0")];
    assert.deepEqual([...protectedNames(installed, LINUX)], ["pip-tools"]);
  });

  test("a listed protected tool is installed or changed like anything else", () => {
    assert.deepEqual(summary(plan(["pip==23.0"], [dist("pip", "24.0")])).install, ["downgrade pip==23.0 (downgrade from 24.0)"]);
  });

  test("a line whose marker does not hold is dropped, so what it names is uninstalled", () => {
    const installed = [dist("winonly", "1.0"), dist("posixonly", "1.0")];
    const texts = ["winonly==1.0; sys_platform == 'win32'", "posixonly==1.0; os_name == 'posix'"];
    assert.deepEqual(summary(plan(texts, installed)), { install: [], uninstall: ["winonly"], satisfied: ["posixonly"] });
    assert.deepEqual(summary(plan(texts, installed, { markers: WINDOWS })), { install: [], uninstall: ["posixonly"], satisfied: ["winonly"] });
  });

  test("unpinned lines are kept when the installed version fits (and the constraints), installed otherwise, and reported", () => {
    const p = plan(["a>=1", "b", "c>=2", "d~=1.0"], [dist("a", "1.5"), dist("b", "0.1"), dist("c", "1.0"), dist("d", "1.1")], { constraints: ["d<1.1"] });
    assert.deepEqual(summary(p), { install: ["replace c>=2 (replacing 1.0)", "replace d~=1.0 (replacing 1.1)"], uninstall: [], satisfied: ["a", "b"] });
    assert.deepEqual(
      p.unpinned.map((l) => l.text),
      ["a>=1", "b", "c>=2", "d~=1.0"],
    );
    assert.deepEqual(plan(["a==1.0", "b===1.0-local"], []).unpinned, []);
  });

  test("an installed pre-release within the line's range is kept", () => {
    assert.deepEqual(summary(plan(["a>=1"], [dist("a", "2.0b1")])).satisfied, ["a"]);
  });

  test("a direct URL line is satisfied only by a distribution installed from that URL (credentials and fragment aside)", () => {
    const url = "https://files.example/b-1.0-py3-none-any.whl";
    const texts = [`b @ ${url}#sha256=abc`];
    assert.deepEqual(summary(plan(texts, [dist("b", "1.0")])).install, [`replace b @ ${url}#sha256=abc (replacing 1.0)`]);
    assert.deepEqual(summary(plan(texts, [dist("b", "1.0", [], "https://user:secret@files.example/b-1.0-py3-none-any.whl")])).satisfied, ["b"]);
    // A bare wheel URL names itself.
    assert.deepEqual(summary(plan([url], [])).install, [`install b @ ${url}`]);
  });

  test("credentials in a URL are not shown", () => {
    const p = plan(["b @ https://user:secret@files.example/b-1.0-py3-none-any.whl"], []);
    assert.deepEqual(planLines(p), ["Would install:", "  b @ https://user:****@files.example/b-1.0-py3-none-any.whl"]);
  });

  test("the dry-run listing: uninstalls, then installs, each sorted by name", () => {
    const p = plan(["b==2.0", "c==1.0"], [dist("z", "1.0"), dist("a", "1.0"), dist("b", "1.0")]);
    assert.deepEqual(planLines(p), ["Would uninstall:", "  a==1.0", "  z==1.0", "Would install:", "  b==2.0 (upgrade from 1.0)", "  c==1.0"]);
  });
});

describe("mergeRequirements", () => {
  test("the same pin in two files (any spelling) is one requirement", () => {
    const merged = mergeRequirements([...lines(["B==2.0"], "a.txt"), ...lines(["b == 2.0.0"], "b.txt")], LINUX);
    assert.deepEqual(
      merged.map((w) => w.name),
      ["b"],
    );
  });

  test("two different pins of one name: pip-sync's IncompatibleRequirements, naming both lines", () => {
    assert.throws(
      () => mergeRequirements([...lines(["b==1.0"], "a.txt"), ...lines(["b==2.0"], "b.txt")], LINUX),
      (e: unknown) =>
        e instanceof IncompatibleRequirements &&
        e.message === "Incompatible requirements found: b==1.0 (from -r a.txt (line 1)) and b==2.0 (from -r b.txt (line 1))",
    );
  });

  test("a pin whose marker does not hold does not conflict", () => {
    const merged = mergeRequirements(lines(["b==1.0; sys_platform == 'win32'", "b==2.0; sys_platform != 'win32'"]), LINUX);
    assert.deepEqual(
      merged.map((w) => w.requirement.specifier.toString()),
      ["==2.0"],
    );
  });
});

test("pinnedVersion: one == (no wildcard) or === clause", () => {
  const cases: [string, string | null][] = [
    ["a==1.0", "1.0"],
    ["a===weird", "weird"],
    ["a==1.*", null],
    ["a>=1", null],
    ["a==1.0,!=1.1", null],
    ["a", null],
  ];
  for (const [text, expected] of cases) assert.equal(pinnedVersion(parseRequirement(text)), expected, text);
});
