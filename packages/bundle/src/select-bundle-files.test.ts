import { test } from "node:test";
import assert from "node:assert/strict";
import { markerMayHold, parseRequirement, parseSpecifierSet } from "@wheelhouse/packaging";
import { BundleError } from "./bundle-error.ts";
import { bundleRequirements, pickRelease } from "./select-bundle-files.ts";

test("requirements text: comments, blanks, continuations, hashes and index options", () => {
  const text = [
    "# pinned by pip-compile",
    "--index-url https://pypi.corp.example/simple/",
    "",
    "app==3.0 \\",
    "    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000",
    "lib[extra]>=2,<3  # comment after",
    'base ; python_version >= "3.8"',
  ].join("\n");
  assert.deepEqual(bundleRequirements(text).map(String), ["app==3.0", "lib[extra]<3,>=2", 'base; python_version >= "3.8"']);
});

const refused: [string, string][] = [
  ["-r other.txt", "requirements line 1: '-r' is not supported in a bundle's requirements; list the requirements themselves."],
  ["-e ./src", "requirements line 1: '-e' is not supported in a bundle's requirements; list the requirements themselves."],
  ["--frobnicate", "requirements line 1: unknown option '--frobnicate'."],
  ["app==1.0 --install-option=x", "requirements line 1: unsupported option '--install-option'."],
  ["pkg @ https://example.com/pkg.whl", "requirements line 1: a direct URL requirement ('pkg @ https://example.com/pkg.whl') cannot be bundled from an index."],
  ["ok\n==1.0", 'requirements line 2: Invalid requirement: "==1.0" (expected a package name at the start).'],
];

for (const [text, message] of refused) {
  test(`requirements text refused: ${JSON.stringify(text)}`, () => {
    assert.throws(
      () => bundleRequirements(text),
      (err: unknown) => err instanceof BundleError && err.code === "bad-selection" && err.message === message,
    );
  });
}

function releases(...specs: [version: string, yanked?: boolean, files?: number][]) {
  return specs.map(([version, yanked = false, files = 1]) => ({ version, yanked, files: Array.from({ length: files }, () => ({})) }));
}

test("pickRelease: newest match, yanked only for an exact pin, releases without files skipped", () => {
  const rs = releases(["1.0"], ["1.5", true], ["2.0"], ["2.1rc1"], ["3.0", false, 0]);
  const pick = (spec: string) => pickRelease(rs, parseSpecifierSet(spec))?.version ?? null;
  assert.equal(pick(""), "2.0");
  assert.equal(pick("<2"), "1.0");
  assert.equal(pick("==1.5"), "1.5");
  assert.equal(pick("==1.*"), "1.0");
  assert.equal(pick(">=2.1rc1"), "2.1rc1");
  assert.equal(pick(">=3"), null);
});

// The bundle follows a dependency when its marker may hold (@wheelhouse/packaging's one list of target environments).
test("markerMayHold: true when some target environment satisfies it; extras must be requested", () => {
  const marker = (text: string) => parseRequirement(`x; ${text}`).marker;
  assert.equal(markerMayHold(null, []), true);
  assert.equal(markerMayHold(marker('sys_platform == "win32"'), []), true);
  assert.equal(markerMayHold(marker('python_version < "3.0"'), []), false);
  assert.equal(markerMayHold(marker('extra == "socks"'), []), false);
  assert.equal(markerMayHold(marker('extra == "socks"'), ["socks"]), true);
});
