import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseRecord } from "@wheelhouse/packaging";
import { inspectPython, type InspectedEnvironment } from "../environment/inspect-python.ts";
import { InstallationError } from "./errors.ts";
import { installWheel, installWheels } from "./install-wheel.ts";
import { installedDistributions } from "./installed-distributions.ts";
import { makeVenv, makeWheel, pip, removeDir, run, snapshot, tempDir } from "../../../test/installer-support.ts";
import { uninstall } from "./uninstall.ts";

const DEMO = {
  name: "Demo.Pkg",
  version: "1.0",
  files: {
    "demo_pkg/__init__.py": "VALUE = 1\ndef main():\n    print('demo main', VALUE)\n    return 0\n",
    "demo_pkg/sub/helpers.py": "def helper():\n    return 'help'\n",
    "demo_pkg/data.txt": "some data\n",
    "{data}/scripts/demo-tool": "#!python\nimport demo_pkg\nprint('tool', demo_pkg.VALUE)\n",
    "{data}/data/share/demo/readme.txt": "shared\n",
    "{data}/headers/demo.h": "#define DEMO 1\n",
  },
  entryPoints: "[console_scripts]\ndemo = demo_pkg:main\n\n[gui_scripts]\ndemo-gui = demo_pkg:main\n",
  requires: ["dep-a>=1.0", 'dep-b ; python_version < "3"'],
};

describe("installWheel", () => {
  let dir: string;
  let wheels: string;
  before(async () => {
    dir = await tempDir();
    wheels = path.join(dir, "wheels");
    await import("node:fs/promises").then((fs) => fs.mkdir(wheels));
  });
  after(async () => removeDir(dir));

  async function freshVenv(name: string): Promise<{ python: string; env: InspectedEnvironment; root: string }> {
    const root = path.join(dir, name);
    const python = await makeVenv(root);
    return { python, env: await inspectPython(python, { cacheDir: path.join(dir, "cache") }), root };
  }

  test("installs a wheel pip then sees, runs and uninstalls", async () => {
    const wheel = await makeWheel(wheels, DEMO);
    const { python, env, root } = await freshVenv("venv1");
    const empty = await snapshot(root);
    const result = await installWheel(wheel, env, { requested: true, compile: false });
    assert.equal(result.version, "1.0");
    assert.equal(result.distInfo, path.join(env.paths.purelib, "Demo_Pkg-1.0.dist-info"));

    assert.equal((await run(python, ["-c", "import demo_pkg.sub.helpers as h; print(h.helper())"])).stdout, "help\n");
    assert.equal((await run(path.join(root, "bin", "demo"), [])).stdout, "demo main 1\n");
    assert.equal((await run(path.join(root, "bin", "demo-tool"), [])).stdout, "tool 1\n");
    const launcher = await readFile(path.join(root, "bin", "demo"), "utf8");
    assert.ok(launcher.startsWith(`#!${python}\n`));
    assert.match(launcher, /sys\.argv\[0\] = re\.sub\(r'\(-script\\\.pyw\|\\\.exe\)\?\$', '', sys\.argv\[0\]\)/);
    assert.equal((await readFile(path.join(root, "bin", "demo-tool"), "utf8")).split("\n")[0], `#!${python}`);
    assert.equal(await readFile(path.join(root, "share", "demo", "readme.txt"), "utf8"), "shared\n");
    assert.equal(await readFile(path.join(root, "include", "site", "python3.11", "Demo.Pkg", "demo.h"), "utf8"), "#define DEMO 1\n");
    assert.equal(await readFile(path.join(result.distInfo, "INSTALLER"), "utf8"), "wheelhouse\n");
    assert.ok(await stat(path.join(result.distInfo, "REQUESTED")));

    const record = parseRecord(await readFile(path.join(result.distInfo, "RECORD"), "utf8"));
    const byPath = new Map(record.map((r) => [r.path, r]));
    assert.deepEqual(byPath.get("Demo_Pkg-1.0.dist-info/RECORD"), { path: "Demo_Pkg-1.0.dist-info/RECORD", hash: "", size: "" });
    assert.match(byPath.get("../../../bin/demo")?.hash ?? "", /^sha256=/);
    assert.ok(byPath.has("../../../bin/demo-tool"));
    assert.ok(byPath.has("../../../share/demo/readme.txt"));
    assert.ok(byPath.has("Demo_Pkg-1.0.dist-info/INSTALLER"));
    for (const row of record) if (row.hash) assert.match(row.size, /^\d+$/);

    const list = await pip(python, ["list", "--format", "json"]);
    assert.deepEqual(JSON.parse(list.stdout), [{ name: "Demo.Pkg", version: "1.0" }]);
    const show = await pip(python, ["show", "-f", "demo-pkg"]);
    assert.match(show.stdout, /^Name: Demo\.Pkg$/m);
    assert.match(show.stdout, /^ {2}demo_pkg\/sub\/helpers\.py$/m);
    assert.match(show.stdout, /^ {2}\.\.\/\.\.\/\.\.\/bin\/demo$/m);

    const un = await pip(python, ["uninstall", "-y", "demo-pkg"]);
    assert.equal(un.code, 0, un.stderr);
    // pip leaves emptied directories (share/, include/site/python3.11/) behind; every file is gone.
    const filesOnly = (lines: string[]): string[] => lines.filter((l) => !l.endsWith("/"));
    assert.deepEqual(filesOnly(await snapshot(root)), filesOnly(empty));
  });

  test("a distribution pip installed is listed and removed by us", async () => {
    await makeWheel(wheels, { ...DEMO, name: "pip-made", files: { "pip_made/__init__.py": "X = 1\n", "pip_made/more.py": "" } });
    const { python, env } = await freshVenv("venv2");
    const empty = await snapshot(env.paths.purelib);
    const r = await pip(python, ["install", "--no-deps", "--no-index", "--find-links", wheels, "pip-made"]);
    assert.equal(r.code, 0, r.stderr);
    const dists = await installedDistributions(env);
    assert.deepEqual(
      dists.map((d) => [d.name, d.displayName, d.version, d.installer, d.requested]),
      [["pip-made", "pip-made", "1.0", "pip", true]],
    );
    assert.deepEqual(dists[0]!.requires.map(String), ["dep-a>=1.0", 'dep-b; python_version < "3"']);
    const removed = await uninstall("PIP_made", env);
    assert.ok(removed.some((p) => p.endsWith(path.join("pip_made", "__pycache__", "more.cpython-311.pyc"))));
    assert.deepEqual(await snapshot(env.paths.purelib), empty);
    assert.ok(!(await readdir(path.join(env.paths.scripts))).includes("demo"));
  });

  test("a RECORD hash mismatch aborts with nothing installed", async () => {
    const wheel = await makeWheel(wheels, {
      ...DEMO,
      name: "tampered",
      record: (text) => text.replace(/^(demo_pkg\/data\.txt,sha256=)[^,]+/m, "$1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    });
    const { env, root } = await freshVenv("venv3");
    const before = await snapshot(root);
    await assert.rejects(installWheel(wheel, env), (e: unknown) => {
      assert.ok(e instanceof InstallationError);
      assert.match(e.message, /^tampered-1\.0-py3-none-any\.whl is corrupt: demo_pkg\/data\.txt has sha256=\S+, but RECORD says sha256=AAAA/);
      return true;
    });
    assert.deepEqual(await snapshot(root), before);
  });

  test("a file missing from RECORD is refused", async () => {
    const wheel = await makeWheel(wheels, { ...DEMO, name: "unlisted", record: (text) => text.replace(/^demo_pkg\/data\.txt,.*\n/m, "") });
    const { env } = await freshVenv("venv3b");
    await assert.rejects(installWheel(wheel, env), {
      message: "unlisted-1.0-py3-none-any.whl is not a valid wheel: demo_pkg/data.txt is not listed in RECORD.",
    });
  });

  test("an install failing half-way leaves the environment as it was, upgrade included", async () => {
    const v1 = await makeWheel(wheels, { ...DEMO, name: "halfway", version: "1.0" });
    const v2 = await makeWheel(wheels, { ...DEMO, name: "halfway", version: "2.0", files: { ...DEMO.files, "demo_pkg/new_in_2.py": "" } });
    const { env, root } = await freshVenv("venv4");
    await installWheel(v1, env, { compile: true });
    const before = await snapshot(root);
    for (const failAt of ["backup", "move"] as const) {
      let n = 0;
      await assert.rejects(
        installWheel(v2, env, {
          compile: true,
          onStep: (step) => {
            if (step.kind === failAt && ++n === 3) throw new Error("injected failure");
          },
        }),
        { message: "injected failure" },
      );
      assert.deepEqual(await snapshot(root), before, `failure during ${failAt}`);
    }
  });

  test("a killed install is rolled back by the next run", async () => {
    const v1 = await makeWheel(wheels, { ...DEMO, name: "killed", version: "1.0" });
    const v2 = await makeWheel(wheels, { ...DEMO, name: "killed", version: "2.0" });
    const { python, env, root } = await freshVenv("venv5");
    await installWheel(v1, env, { compile: false });
    const before = await snapshot(root);
    const script = path.join(dir, "kill-mid-install.mts");
    const here = path.dirname(fileURLToPath(import.meta.url));
    await writeFile(
      script,
      `import { inspectPython } from ${JSON.stringify(path.join(here, "../environment/inspect-python.ts"))};
       import { installWheel } from ${JSON.stringify(path.join(here, "install-wheel.ts"))};
       const env = await inspectPython(${JSON.stringify(python)});
       let n = 0;
       await installWheel(${JSON.stringify(v2)}, env, {
         compile: false,
         onStep: (s) => { if (s.kind === "move" && ++n === 4) process.kill(process.pid, "SIGKILL"); },
       });`,
    );
    const code = await new Promise<string | null>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: "inherit" });
      child.on("exit", (_c, signal) => resolve(signal));
    });
    assert.equal(code, "SIGKILL");
    const leftovers = (await readdir(env.paths.purelib)).filter((n) => n.startsWith(".wheelhouse-txn-"));
    assert.equal(leftovers.length, 1);
    assert.notDeepEqual(await snapshot(root), before);
    // The next run (here: an uninstall of something absent is enough to start one) recovers.
    await assert.rejects(uninstall("not-there", env), { name: "NotInstalled" });
    assert.deepEqual(await snapshot(root), before);
  });

  test("an upgrade replaces the old version's files", async () => {
    const v1 = await makeWheel(wheels, { ...DEMO, name: "upgraded", version: "1.0", files: { ...DEMO.files, "demo_pkg/only_in_1.py": "" } });
    const v2 = await makeWheel(wheels, { ...DEMO, name: "upgraded", version: "2.0" });
    const { python, env } = await freshVenv("venv6");
    await installWheel(v1, env, { compile: true });
    const result = await installWheel(v2, env, { compile: true });
    assert.equal(result.replaced?.version, "1.0");
    const names = await readdir(env.paths.purelib);
    assert.deepEqual(names.sort(), ["demo_pkg", "upgraded-2.0.dist-info"]);
    assert.ok(!(await readdir(path.join(env.paths.purelib, "demo_pkg"))).includes("only_in_1.py"));
    assert.ok(!(await readdir(path.join(env.paths.purelib, "demo_pkg", "__pycache__"))).some((n) => n.startsWith("only_in_1")));
    const list = await pip(python, ["list", "--format", "json"]);
    assert.deepEqual(JSON.parse(list.stdout), [{ name: "upgraded", version: "2.0" }]);
  });

  test("--compile writes .pyc files, recorded in RECORD, that Python uses", async () => {
    const wheel = await makeWheel(wheels, { ...DEMO, name: "compiled" });
    const { python, env } = await freshVenv("venv7");
    const result = await installWheel(wheel, env, { compile: true });
    const record = parseRecord(await readFile(path.join(result.distInfo, "RECORD"), "utf8"));
    const pyc = record
      .filter((r) => r.path.endsWith(".pyc"))
      .map((r) => r.path)
      .sort();
    assert.deepEqual(pyc, ["demo_pkg/__pycache__/__init__.cpython-311.pyc", "demo_pkg/sub/__pycache__/helpers.cpython-311.pyc"]);
    for (const row of record.filter((r) => r.path.endsWith(".pyc"))) assert.match(row.hash, /^sha256=/);
    // Python accepts the .pyc as up to date (no rewrite) and names the real source in tracebacks.
    const check = await run(python, ["-c", "import demo_pkg.sub.helpers as h; print(h.helper.__code__.co_filename)"]);
    assert.equal(check.stdout.trim(), path.join(env.paths.purelib, "demo_pkg", "sub", "helpers.py"));
    const un = await pip(python, ["uninstall", "-y", "compiled"]);
    assert.equal(un.code, 0, un.stderr);
    assert.deepEqual(await readdir(env.paths.purelib), []);
  });

  test("from the unpacked cache, files are hardlinked and a second install reuses it", async () => {
    const wheel = await makeWheel(wheels, { ...DEMO, name: "cached" });
    const cache = path.join(dir, "wheel-cache");
    const a = await freshVenv("venv8a");
    const b = await freshVenv("venv8b");
    await installWheel(wheel, a.env, { fromCache: cache, compile: false });
    await installWheel(wheel, b.env, { fromCache: cache, compile: false });
    const st = await stat(path.join(b.env.paths.purelib, "demo_pkg", "data.txt"));
    assert.equal(st.nlink, 3);
    assert.equal((await run(path.join(b.root, "bin", "demo-tool"), [])).stdout, "tool 1\n");
    const un = await pip(b.python, ["uninstall", "-y", "cached"]);
    assert.equal(un.code, 0, un.stderr);
    assert.equal((await run(path.join(a.root, "bin", "demo"), [])).stdout, "demo main 1\n");
  });

  test("a batch is one transaction: one bad wheel and nothing is installed, from the cache or not", async () => {
    const good = await makeWheel(wheels, { ...DEMO, name: "batch-good", files: { "batch_good/__init__.py": "" } });
    const bad = await makeWheel(wheels, {
      ...DEMO,
      name: "batch-bad",
      files: { "batch_bad/__init__.py": "X = 1\n" },
      record: (text) => text.replace(/^(batch_bad\/__init__\.py,sha256=)[^,]+/m, "$1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    });
    const { env, root } = await freshVenv("venv10");
    const before = await snapshot(root);
    for (const fromCache of [undefined, path.join(dir, "batch-cache")]) {
      await assert.rejects(installWheels([{ path: good }, { path: bad }], env, fromCache ? { fromCache } : {}), {
        name: "InstallationError",
        message: /^batch_bad-1\.0-py3-none-any\.whl is corrupt/,
      });
      assert.deepEqual(await snapshot(root), before);
    }
  });

  test("a batch upgrades what is installed and installs the rest; from the cache, a second venv gets the same files", async () => {
    const old = await makeWheel(wheels, {
      ...DEMO,
      requires: [],
      name: "Batch.Up",
      version: "1.0",
      files: { "batch_up/__init__.py": "", "batch_up/only_in_1.py": "" },
    });
    const upgraded = await makeWheel(wheels, { ...DEMO, requires: [], name: "Batch.Up", version: "2.0", files: { "batch_up/__init__.py": "V = 2\n" } });
    const other = await makeWheel(wheels, {
      ...DEMO,
      requires: [],
      name: "batch-other",
      files: { "batch_other/__init__.py": "def main():\n    return 0\n" },
      entryPoints: "[console_scripts]\nbatch-other = batch_other:main\n",
    });
    const cache = path.join(dir, "batch-cache-2");
    const a = await freshVenv("venv11a");
    const r = await pip(a.python, ["install", "--no-deps", "--no-index", old]);
    assert.equal(r.code, 0, r.stderr);
    const results = await installWheels([{ path: upgraded, requested: true }, { path: other }], a.env, { fromCache: cache });
    assert.deepEqual(
      results.map((w) => [w.name, w.version, w.replaced?.version ?? null]),
      [
        ["batch-up", "2.0", "1.0"],
        ["batch-other", "1.0", null],
      ],
    );
    const list = await pip(a.python, ["list", "--format", "json"]);
    assert.deepEqual(JSON.parse(list.stdout), [
      { name: "batch-other", version: "1.0" },
      { name: "Batch.Up", version: "2.0" },
    ]);
    assert.ok(!(await readdir(path.join(a.env.paths.purelib, "batch_up"))).includes("only_in_1.py"));
    assert.ok(await stat(path.join(a.env.paths.purelib, "Batch_Up-2.0.dist-info", "REQUESTED")));

    const b = await freshVenv("venv11b");
    await installWheels([{ path: upgraded, requested: true }, { path: other }], b.env, { fromCache: cache });
    // (RECORD lists the launchers, which name each venv's interpreter.)
    const files = (venv: string) =>
      snapshot(path.join(dir, venv, "lib")).then((lines) => lines.filter((l) => !l.includes("__pycache__") && !l.includes("/RECORD ")));
    assert.deepEqual(
      await files("venv11b"),
      (await files("venv11a")).filter((l) => !l.includes("pip")),
    );
    assert.equal((await stat(path.join(b.env.paths.purelib, "batch_up", "__init__.py"))).nlink, 3);
    assert.equal((await run(path.join(b.root, "bin", "batch-other"), [])).code, 0);
    const check = await pip(b.python, ["check"]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const un = await pip(b.python, ["uninstall", "-y", "batch-up", "batch-other"]);
    assert.equal(un.code, 0, un.stderr);
    assert.deepEqual(JSON.parse((await pip(a.python, ["list", "--format", "json"])).stdout).length, 2);
  });

  test("--target and --prefix schemes", async () => {
    const wheel = await makeWheel(wheels, { ...DEMO, name: "placed" });
    const { python } = await freshVenv("venv9");
    const target = path.join(dir, "target");
    const env = await inspectPython(python, { scheme: { kind: "target", target } });
    await installWheel(wheel, env, { compile: false });
    assert.ok((await readdir(target)).includes("demo_pkg"));
    assert.ok((await readdir(path.join(target, "bin"))).includes("demo"));
    const r = await run(python, ["-c", "import demo_pkg; print(demo_pkg.VALUE)"], { env: { ...process.env, PYTHONPATH: target } });
    assert.equal(r.stdout, "1\n");
    const prefix = path.join(dir, "prefix");
    const penv = await inspectPython(python, { scheme: { kind: "prefix", prefix } });
    await installWheel(wheel, penv, { compile: false });
    assert.ok((await readdir(path.join(prefix, "lib", "python3.11", "site-packages"))).includes("demo_pkg"));
    assert.deepEqual(
      (await installedDistributions(penv)).map((d) => d.name),
      ["placed"],
    );
  });
});
