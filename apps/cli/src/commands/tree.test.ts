// `wheelhouse tree` on a real venv: the installed metadata read (what wheelhouse and pip wrote),
// -p with names in any spelling and wildcards, --format json, warnings on stderr, bad --depth.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { inspectPython } from "../core/environment/inspect-python.ts";
import { installWheels } from "../core/installer/install-wheel.ts";
import { makeVenv, makeWheel, removeDir, tempDir } from "../../test/installer-support.ts";
import { wheelhouse } from "../../test/test-index.ts";

describe("wheelhouse tree", () => {
  let dir: string;
  let python: string;
  const cli = (args: string[]) => wheelhouse(["tree", "--python", python, "--cache-dir", path.join(dir, "cache"), ...args], { home: dir });

  before(async () => {
    dir = await tempDir("wh-tree-test-");
    python = await makeVenv(path.join(dir, "venv"));
    const env = await inspectPython(python, { cacheDir: path.join(dir, "cache") });
    const wheels = await Promise.all(
      [
        { name: "Top_App", version: "1.0", requires: ["Left-Side>=1.0", "right_side", "missing-one>=3; python_version >= '3'"] },
        { name: "left-side", version: "1.0", requires: ["base.pkg>=1"] },
        { name: "right-side", version: "2.0", requires: ["Base_Pkg"] },
        { name: "base-pkg", version: "1.5" },
      ].map((spec) => makeWheel(dir, spec)),
    );
    await installWheels(
      wheels.map((w) => ({ path: w })),
      env,
    );
  });
  after(async () => removeDir(dir));

  test("the diamond, as the distributions spell their names; the missing dependency on stderr", async () => {
    const result = await cli([]);
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout,
      [
        "Top_App==1.0",
        "  - left-side [required: >=1.0, installed: 1.0]",
        "    - base-pkg [required: >=1, installed: 1.5]",
        "  - missing-one [required: >=3, installed: ?]",
        "  - right-side [required: Any, installed: 2.0]",
        "    - base-pkg [required: Any, installed: 1.5]",
        "",
      ].join("\n"),
    );
    assert.equal(result.stderr, "WARNING: Possibly conflicting dependencies found:\n* Top_App==1.0\n - missing-one [required: >=3, installed: ?]\n");
  });

  test("--reverse -p: names in any spelling, comma separated or repeated, wildcards", async () => {
    const result = await cli(["--reverse", "-p", "BASE_pkg", "-p", "missing-*,nothing-like-it", "-qq"]);
    assert.deepEqual(result, {
      code: 0,
      stdout: [
        "base-pkg==1.5",
        // Installed names as the distributions spell them, whatever the requirement wrote.
        "  - left-side==1.0 [requires: base-pkg>=1]",
        "    - Top_App==1.0 [requires: left-side>=1.0]",
        "  - right-side==2.0 [requires: base-pkg]",
        "    - Top_App==1.0 [requires: right-side]",
        "missing-one [installed: ?]",
        "  - Top_App==1.0 [requires: missing-one>=3]",
        "",
      ].join("\n"),
      stderr: "",
    });
    const none = await cli(["-p", "nothing-like-it"]);
    assert.deepEqual(none, { code: 1, stdout: "", stderr: "ERROR: No installed package matches nothing-like-it.\n" });
  });

  test("--format json --depth 1", async () => {
    const result = await cli(["--format", "json", "--depth", "1", "-p", "left-side"]);
    assert.equal(result.code, 0);
    assert.deepEqual(JSON.parse(result.stdout), [
      {
        key: "left-side",
        package_name: "left-side",
        installed_version: "1.0",
        required_version: "1.0",
        dependencies: [{ key: "base-pkg", package_name: "base-pkg", installed_version: "1.5", required_version: ">=1", dependencies: [] }],
      },
    ]);
  });

  test("a negative --depth is a usage error", async () => {
    assert.deepEqual(await cli(["--depth", "-1"]), { code: 2, stdout: "", stderr: "ERROR: --depth must be 0 or more (got -1).\n" });
  });
});
