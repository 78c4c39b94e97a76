import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { inspectPython, type InspectedEnvironment } from "../environment/inspect-python.ts";
import { installedDistributions } from "./installed-distributions.ts";
import { makeVenv, removeDir, tempDir } from "../../../test/installer-support.ts";
import { uninstall } from "./uninstall.ts";

describe("uninstall and installedDistributions edge cases", () => {
  let dir: string;
  let env: InspectedEnvironment;
  before(async () => {
    dir = await tempDir();
    env = await inspectPython(await makeVenv(path.join(dir, "venv")));
    const site = env.paths.purelib;
    await mkdir(path.join(site, "norecord-1.0.dist-info"));
    await writeFile(path.join(site, "norecord-1.0.dist-info", "METADATA"), "Metadata-Version: 2.1\nName: NoRecord\nVersion: 1.0\n");
    await writeFile(path.join(site, "norecord-1.0.dist-info", "INSTALLER"), "conda\n");
    await mkdir(path.join(site, "pipmade-2.0.dist-info"));
    await writeFile(path.join(site, "pipmade-2.0.dist-info", "METADATA"), "Metadata-Version: 2.1\nName: pipmade\nVersion: 2.0\n");
    await mkdir(path.join(site, "Legacy-3.0-py3.11.egg-info"));
    await writeFile(path.join(site, "Legacy-3.0-py3.11.egg-info", "PKG-INFO"), "Metadata-Version: 1.1\nName: Legacy\nVersion: 3.0\n");
    await writeFile(path.join(site, "Legacy-3.0-py3.11.egg-info", "requires.txt"), 'six\n\n[tests]\npytest\n\n[:python_version < "3"]\nfutures\n');
    await mkdir(path.join(site, "broken-1.0.dist-info"));
  });
  after(async () => removeDir(dir));

  test("dist-info and egg-info are listed; a directory without metadata is not", async () => {
    const dists = await installedDistributions(env);
    assert.deepEqual(
      dists.map((d) => [d.name, d.version, d.installer]),
      [
        ["legacy", "3.0", null],
        ["norecord", "1.0", "conda"],
        ["pipmade", "2.0", null],
      ],
    );
    assert.deepEqual(dists[0]!.requires.map(String), ["six", 'pytest; extra == "tests"', 'futures; python_version < "3"']);
  });

  test("without RECORD, uninstall refuses with pip's message", async () => {
    await assert.rejects(uninstall("norecord", env), {
      message: "Cannot uninstall NoRecord 1.0, RECORD file not found. Hint: The package was installed by conda.",
    });
    await assert.rejects(uninstall("pipmade", env), {
      message:
        "Cannot uninstall pipmade 2.0, RECORD file not found. " +
        "You might be able to recover from this via: 'pip install --force-reinstall --no-deps pipmade==2.0'.",
    });
  });
});
