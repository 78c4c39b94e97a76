// sync installs and removes in one transaction (installWheels' alsoRemove): a failure at any step
// leaves the environment as it was, and a killed sync is undone by the next run.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { wheelhouse } from "../../../test/test-index.ts";
import { inspectPython } from "../../core/environment/inspect-python.ts";
import { installWheels } from "../../core/installer/install-wheel.ts";
import { findInstalledDistribution } from "../../core/installer/installed-distributions.ts";
import { makeVenv, makeWheel, removeDir, snapshot, tempDir } from "../../../test/installer-support.ts";
import { uninstallationPaths } from "../../core/installer/uninstall.ts";

describe("sync's transaction", () => {
  let dir: string;
  let wheels: string;
  let n = 0;
  before(async () => {
    dir = await tempDir("wh-sync-tx-");
    wheels = path.join(dir, "wheels");
    await mkdir(wheels);
  });
  after(async () => removeDir(dir));

  /** A venv with keep 1.0 and extra 1.0; keep 2.0 to install and extra's files to remove. */
  async function setup() {
    const root = path.join(dir, `venv-${n++}`);
    const python = await makeVenv(root);
    const env = await inspectPython(python, { cacheDir: path.join(dir, "cache") });
    const keep1 = await makeWheel(wheels, { name: "keep", version: "1.0", files: { "keep/__init__.py": "V = 1\n", "keep/util.py": "" } });
    const keep2 = await makeWheel(wheels, { name: "keep", version: "2.0", files: { "keep/__init__.py": "V = 2\n", "keep/util.py": "", "keep/new.py": "" } });
    const extra = await makeWheel(wheels, {
      name: "extra",
      version: "1.0",
      files: { "extra/__init__.py": "", "extra/more.py": "" },
      entryPoints: "[console_scripts]\nextra = extra:main\n",
    });
    await installWheels([{ path: keep1 }, { path: extra }], env);
    const removals = await uninstallationPaths((await findInstalledDistribution(env, "extra"))!, env);
    return { root, python, env, keep2, removals };
  }

  test("a failure while backing up or moving files leaves the environment as it was, removals included", async () => {
    const { root, env, keep2, removals } = await setup();
    const before = await snapshot(root);
    for (const failAt of ["backup", "move"] as const) {
      let step = 0;
      await assert.rejects(
        installWheels([{ path: keep2 }], env, {
          alsoRemove: removals,
          onStep: (s) => {
            if (s.kind === failAt && ++step === 3) throw new Error("injected failure");
          },
        }),
        { message: "injected failure" },
      );
      assert.deepEqual(await snapshot(root), before, `failure during ${failAt}`);
    }
    // And without a failure, both happen.
    await installWheels([{ path: keep2 }], env, { alsoRemove: removals });
    assert.equal((await findInstalledDistribution(env, "keep"))?.version, "2.0");
    assert.equal(await findInstalledDistribution(env, "extra"), null);
    assert.deepEqual(
      (await readdir(env.paths.purelib)).filter((f) => f.startsWith("extra")),
      [],
    );
  });

  test("a killed sync is undone by the next one, which then finds everything up-to-date", async () => {
    const { root, python, keep2, removals } = await setup();
    const before = await snapshot(root);
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = path.join(dir, `kill-mid-sync-${n}.mts`);
    await writeFile(
      script,
      `import { inspectPython } from ${JSON.stringify(path.join(here, "../../core/environment/inspect-python.ts"))};
       import { installWheels } from ${JSON.stringify(path.join(here, "../../core/installer/install-wheel.ts"))};
       const env = await inspectPython(${JSON.stringify(python)});
       let n = 0;
       await installWheels([{ path: ${JSON.stringify(keep2)} }], env, {
         alsoRemove: ${JSON.stringify(removals)},
         onStep: (s) => { if (s.kind === "move" && ++n === 2) process.kill(process.pid, "SIGKILL"); },
       });`,
    );
    const signal = await new Promise<string | null>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: "inherit" });
      child.on("exit", (_code, sig) => resolve(sig));
    });
    assert.equal(signal, "SIGKILL");
    assert.notDeepEqual(await snapshot(root), before);

    const file = path.join(dir, `requirements-${n}.txt`);
    await writeFile(file, "keep==1.0\nextra==1.0\n");
    const result = await wheelhouse(["sync", "--python", python, "--cache-dir", path.join(dir, "cache"), "--no-index", file], { home: dir });
    assert.deepEqual(result, { code: 0, stdout: "Everything up-to-date\n", stderr: "" });
    assert.deepEqual(await snapshot(root), before);
  });
});
