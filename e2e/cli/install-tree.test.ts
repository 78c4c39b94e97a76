// The installer against the real registry: a 30-package tree installed into a fresh venv,
// importable, consistent for pip (check, freeze), and the same choice pip makes.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { TREE_EXPECTED, TREE_ROOT, uploadTree } from "../support/package-tree.ts";
import { createVenv, pip, type Venv } from "../support/python.ts";
import { describeRun, run } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";
import { uploadWheel } from "../support/legacy-upload.ts";

const TIMEOUT = { timeout: 300_000 };
let registry: TestRegistry;
let venv: Venv;
let cacheDir: string;
let uploadToken: string;

before(async () => {
  registry = await startRegistry();
  uploadToken = (await registry.createUser("tree-uploader", { scope: "upload" })).token;
  await uploadTree(registry.url, uploadToken);
  venv = await createVenv(await makeTempDir("wh-cli-venv-"));
  cacheDir = await makeTempDir("wh-cli-cache-");
});
after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

function pins(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.includes("=="))
      .map((l) => l.split("==") as [string, string])
      .map(([n, v]) => [n.toLowerCase().replace(/[-_.]+/g, "-"), v]),
  );
}

test("pip chooses the expected 30 versions (the fixture is what we think it is)", TIMEOUT, async () => {
  const report = await makeTempDir("wh-pip-report-");
  const result = await pip(venv, "install", [
    "--dry-run",
    "--ignore-installed",
    "--report",
    `${report}/r.json`,
    "--index-url",
    `${registry.url}/simple/`,
    TREE_ROOT,
  ]);
  assert.equal(result.code, 0, describeRun("pip --dry-run", result));
  const chosen = JSON.parse(await (await import("node:fs/promises")).readFile(`${report}/r.json`, "utf8"));
  const byName = Object.fromEntries(
    chosen.install.map((i: { metadata: { name: string; version: string } }) => [i.metadata.name.toLowerCase().replace(/[-_.]+/g, "-"), i.metadata.version]),
  );
  assert.deepEqual(byName, TREE_EXPECTED);
});

test("wheelhouse --dry-run picks the same set of name==version as pip", TIMEOUT, async () => {
  const result = await wheelhouse([
    "install",
    "--dry-run",
    "--python",
    venv.python,
    "--cache-dir",
    cacheDir,
    "--index-url",
    `${registry.url}/simple/`,
    TREE_ROOT,
  ]);
  assert.equal(result.code, 0, describeRun("wheelhouse install --dry-run", result));
  const line = result.stdout.split("\n").find((l) => l.startsWith("Would install "));
  assert.ok(line, result.stdout);
  const chosen = Object.fromEntries(
    line
      .slice("Would install ".length)
      .trim()
      .split(/\s+/)
      .map((nv) => {
        const i = nv.lastIndexOf("-");
        return [
          nv
            .slice(0, i)
            .toLowerCase()
            .replace(/[-_.]+/g, "-"),
          nv.slice(i + 1),
        ];
      }),
  );
  assert.deepEqual(chosen, TREE_EXPECTED);
});

test("wheelhouse installs the tree: importable, pip check clean, pip freeze == wheelhouse freeze", TIMEOUT, async () => {
  const result = await wheelhouse(["install", "--python", venv.python, "--cache-dir", cacheDir, "--index-url", `${registry.url}/simple/`, TREE_ROOT]);
  assert.equal(result.code, 0, describeRun("wheelhouse install", result));
  const modules = Object.keys(TREE_EXPECTED).map((n) => n.replace(/-/g, "_"));
  const imported = await run(venv.python, ["-c", `import ${modules.join(", ")}; print("ok")`]);
  assert.equal(imported.stdout.trim(), "ok", describeRun("import", imported));
  const script = await run(`${venv.bin}/tree-app`, []);
  assert.equal(script.stdout.trim(), "tree-app 1.0 ok", describeRun("tree-app", script));
  const check = await run(venv.python, ["-m", "pip", "check", "--disable-pip-version-check"], { env: isolatedPipEnv() });
  assert.equal(check.code, 0, describeRun("pip check", check));
  const pipFreeze = await run(venv.python, ["-m", "pip", "freeze", "--disable-pip-version-check"], { env: isolatedPipEnv() });
  const ourFreeze = await wheelhouse(["freeze", "--python", venv.python]);
  assert.equal(ourFreeze.code, 0, describeRun("wheelhouse freeze", ourFreeze));
  assert.deepEqual(pins(ourFreeze.stdout), pins(pipFreeze.stdout));
  assert.deepEqual(pins(ourFreeze.stdout), TREE_EXPECTED);
});

test("pip sees and removes what wheelhouse installed, and wheelhouse sees what pip installed", TIMEOUT, async () => {
  const uninstall = await run(venv.python, ["-m", "pip", "uninstall", "-y", "--disable-pip-version-check", "tree-fmt"], { env: isolatedPipEnv() });
  assert.equal(uninstall.code, 0, describeRun("pip uninstall", uninstall));
  const reinstall = await pip(venv, "install", ["--index-url", `${registry.url}/simple/`, "tree-fmt"]);
  assert.equal(reinstall.code, 0, describeRun("pip install", reinstall));
  const listed = await wheelhouse(["list", "--format", "json", "--python", venv.python]);
  const names = (JSON.parse(listed.stdout) as { name: string }[]).map((p) => p.name.toLowerCase());
  assert.ok(names.includes("tree-fmt"), listed.stdout);
  const removed = await wheelhouse(["uninstall", "-y", "--python", venv.python, "tree-fmt"]);
  assert.equal(removed.code, 0, describeRun("wheelhouse uninstall", removed));
  const check = await run(venv.python, ["-c", "import tree_fmt"]);
  assert.notEqual(check.code, 0, "gone");
});

test("a warm install revalidates its pages in one request, and still sees what changed", TIMEOUT, async () => {
  const warmCache = await makeTempDir("wh-cli-warm-cache-");
  const install = async () => {
    const target = await createVenv(await makeTempDir("wh-cli-warm-venv-"));
    const result = await wheelhouse(["install", "--python", target.python, "--cache-dir", warmCache, "--index-url", `${registry.url}/simple/`, TREE_ROOT]);
    assert.equal(result.code, 0, describeRun("wheelhouse install", result));
    const freeze = await wheelhouse(["freeze", "--python", target.python]);
    return pins(freeze.stdout);
  };
  const requests: string[] = [];
  const record = (req: { method?: string; url?: string }) => requests.push(`${req.method} ${req.url}`);
  registry.running.server.on("request", record);
  try {
    await install(); // cold: fills the cache
    requests.length = 0;
    assert.deepEqual(await install(), TREE_EXPECTED);
    assert.deepEqual(requests, ["POST /simple/-/revalidate"], "every page current: one request, no downloads");

    // A new release of a leaf: that page alone is fetched again, and the new version installed.
    await uploadWheel(`${registry.url}/legacy/`, uploadToken, { name: "tree-fmt", version: "1.1" });
    requests.length = 0;
    assert.deepEqual(await install(), { ...TREE_EXPECTED, "tree-fmt": "1.1" });
    assert.deepEqual(
      requests.filter((r) => r.startsWith("GET /simple/")),
      ["GET /simple/tree-fmt/"],
    );
    assert.equal(requests.filter((r) => r.startsWith("POST /simple/-/revalidate")).length, 1);
  } finally {
    registry.running.server.off("request", record);
  }
});

test("extras that lead back to each other are read ahead once (the install finishes)", TIMEOUT, async () => {
  // loop-a[x] needs loop-b[y], which needs loop-a[x]: a look-ahead that followed extras without
  // remembering them would go round for ever.
  for (const spec of [
    { name: "loop-root", version: "1.0", requiresDist: ["loop-a[x]"] },
    { name: "loop-a", version: "1.0", providesExtra: ["x"], requiresDist: ["loop-b[y]; extra == 'x'"] },
    { name: "loop-b", version: "1.0", providesExtra: ["y"], requiresDist: ["loop-a[x]; extra == 'y'"] },
  ]) {
    await uploadWheel(`${registry.url}/legacy/`, uploadToken, spec);
  }
  const target = await createVenv(await makeTempDir("wh-cli-loop-venv-"));
  const result = await wheelhouse(
    ["install", "--python", target.python, "--cache-dir", await makeTempDir("wh-cli-loop-cache-"), "--index-url", `${registry.url}/simple/`, "loop-root"],
    { timeoutMs: 60_000 },
  );
  assert.equal(result.code, 0, describeRun("wheelhouse install loop-root", result));
  const freeze = await wheelhouse(["freeze", "--python", target.python]);
  assert.deepEqual(pins(freeze.stdout), { "loop-root": "1.0", "loop-a": "1.0", "loop-b": "1.0" });
});
