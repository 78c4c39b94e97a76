// `wheelhouse tree` against the real registry: a diamond (dia-top → dia-left, dia-right → dia-base)
// installed by wheelhouse and by pip; the tree shows dia-base under both sides, --reverse shows
// who needs it, and for the venv pip populated the edges are the ones `pip show` reports.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { packageSpec } from "../support/projects.ts";
import { createVenv, makeDist, pip, type Venv } from "../support/python.ts";
import { describeRun, run } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";
import { twineUpload } from "../support/twine.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";

const TIMEOUT = { timeout: 300_000 };
let registry: TestRegistry;
let cacheDir: string;

const DIAMOND_TEXT = [
  "dia-top==1.0",
  "  - dia-left [required: >=1.0, installed: 1.0]",
  "    - dia-base [required: >=1.0, installed: 1.2]",
  "  - dia-right [required: Any, installed: 2.0]",
  "    - dia-base [required: <2, installed: 1.2]",
  "",
].join("\n");

const tree = (venv: Venv, ...args: string[]) => wheelhouse(["tree", "--python", venv.python, "--cache-dir", cacheDir, ...args]);

before(async () => {
  registry = await startRegistry();
  const { token } = await registry.createUser("tree-uploader", { scope: "upload" });
  const files = (
    await Promise.all(
      [
        packageSpec("dia-top", "1.0", { requires_dist: ["dia-left>=1.0", "dia-right"] }),
        packageSpec("dia-left", "1.0", { requires_dist: ["dia-base>=1.0"] }),
        packageSpec("dia-right", "2.0", { requires_dist: ["dia-base<2", "dia-windows; sys_platform == 'win32'"] }),
        packageSpec("dia-base", "1.2"),
        packageSpec("dia-base", "2.0"),
      ].map((spec) => makeDist(spec)),
    )
  ).flat();
  const upload = await twineUpload(`${registry.url}/`, files, { username: "__token__", password: token });
  assert.equal(upload.code, 0, describeRun("twine upload", upload));
  cacheDir = await makeTempDir("wh-tree-cache-");
});
after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

test("a diamond wheelhouse installed: dia-base under both sides; reversed, needed by both", TIMEOUT, async () => {
  const venv = await createVenv(await makeTempDir("wh-tree-venv-"));
  const installed = await wheelhouse(["install", "--python", venv.python, "--cache-dir", cacheDir, "--index-url", `${registry.url}/simple/`, "dia-top"]);
  assert.equal(installed.code, 0, describeRun("wheelhouse install", installed));

  const forward = await tree(venv, "-p", "dia-top");
  assert.equal(forward.code, 0, describeRun("wheelhouse tree", forward));
  assert.equal(forward.stdout, DIAMOND_TEXT);
  assert.equal(forward.stderr, "");

  const reverse = await tree(venv, "--reverse", "--packages", "dia-base");
  assert.equal(reverse.code, 0, describeRun("wheelhouse tree --reverse", reverse));
  assert.equal(
    reverse.stdout,
    [
      "dia-base==1.2",
      "  - dia-left==1.0 [requires: dia-base>=1.0]",
      "    - dia-top==1.0 [requires: dia-left>=1.0]",
      "  - dia-right==2.0 [requires: dia-base<2]",
      "    - dia-top==1.0 [requires: dia-right]",
      "",
    ].join("\n"),
  );

  const json = await tree(venv, "--format", "json", "-p", "dia-top", "--depth", "1");
  assert.equal(json.code, 0, describeRun("wheelhouse tree --format json", json));
  const [top] = JSON.parse(json.stdout) as {
    key: string;
    required_version: string;
    dependencies: { key: string; required_version: string; dependencies: unknown[] }[];
  }[];
  assert.equal(top!.key, "dia-top");
  assert.deepEqual(
    top!.dependencies.map((d) => [d.key, d.required_version, d.dependencies.length]),
    [
      ["dia-left", ">=1.0", 0],
      ["dia-right", "Any", 0],
    ],
  );
});

test(
  "the tree of an environment pip populated: pip's own distributions are roots, the edges are pip show's; a missing dependency is flagged",
  TIMEOUT,
  async () => {
    const venv = await createVenv(await makeTempDir("wh-tree-pip-venv-"));
    const installed = await pip(venv, "install", ["--index-url", `${registry.url}/simple/`, "dia-top"]);
    assert.equal(installed.code, 0, describeRun("pip install", installed));

    const whole = await tree(venv);
    assert.equal(whole.code, 0, describeRun("wheelhouse tree", whole));
    assert.ok(whole.stdout.includes(DIAMOND_TEXT), whole.stdout);
    const roots = whole.stdout
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith(" "))
      .map((l) => l.split("==")[0]!.toLowerCase());
    assert.ok(roots.includes("pip"), whole.stdout);
    assert.ok(!roots.includes("dia-base") && !roots.includes("dia-left"), whole.stdout);

    // Each dia-* package's children are what pip show lists under Requires.
    const show = await run(venv.python, ["-m", "pip", "show", "--disable-pip-version-check", "dia-top", "dia-left", "dia-right", "dia-base"], {
      env: isolatedPipEnv(),
    });
    assert.equal(show.code, 0, describeRun("pip show", show));
    const requires = Object.fromEntries(
      show.stdout.split(/^---$/m).map((block) => [
        /^Name: (.*)$/m.exec(block)![1]!.trim(),
        /^Requires: (.*)$/m
          .exec(block)![1]!
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
          .sort(),
      ]),
    );
    const json = await tree(venv, "--format", "json");
    const children = new Map<string, string[]>();
    const walk = (node: { key: string; dependencies: { key: string }[] }): void => {
      children.set(node.key, node.dependencies.map((d) => d.key).sort());
      for (const d of node.dependencies) walk(d as typeof node);
    };
    for (const root of JSON.parse(json.stdout)) walk(root);
    for (const name of ["dia-top", "dia-left", "dia-right", "dia-base"]) assert.deepEqual(children.get(name), requires[name], name);

    const removed = await run(venv.python, ["-m", "pip", "uninstall", "-y", "--disable-pip-version-check", "dia-base"], { env: isolatedPipEnv() });
    assert.equal(removed.code, 0, describeRun("pip uninstall", removed));
    const broken = await tree(venv, "-p", "dia-left");
    assert.equal(broken.code, 0, describeRun("wheelhouse tree (missing)", broken));
    assert.equal(broken.stdout, "dia-left==1.0\n  - dia-base [required: >=1.0, installed: ?]\n");
    assert.equal(
      broken.stderr,
      "WARNING: Possibly conflicting dependencies found:\n* dia-left==1.0\n - dia-base [required: >=1.0, installed: ?]\n" +
        "* dia-right==2.0\n - dia-base [required: <2, installed: ?]\n",
    );
  },
);
