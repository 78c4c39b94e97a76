// The installer against pip, like against like, on the same local registry in the same run:
// - install of the 30-package tree into fresh venvs, cold cache and warm cache, against
//   `python -m pip install --no-compile` (target: 3x faster cold, 10x warm);
// - resolution alone (--dry-run) of the same tree, which needs backtracking, against pip.
// Venv creation is outside every timing, and so is writing back what the step before wrote (a
// `sync` before each timed step: else each step pays for the disk work of the one before).
// Each figure is the median of RUNS runs, after one unmeasured round: the registry's first
// requests pay its JIT warm-up, which a running registry has long behind it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@wheelhouse/db/testing";
import { TREE_ROOT, uploadTree } from "../e2e/support/package-tree.ts";
import { createVenv, pip } from "../e2e/support/python.ts";
import { describeRun, run } from "../e2e/support/run.ts";
import { wheelhouse } from "../e2e/support/wheelhouse-cli.ts";
import { formatRatio, spawnRegistry } from "./support.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(what: string, work: () => Promise<{ code: number }>): Promise<number> {
  await run("sync", []);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  if (result.code !== 0) throw new Error(describeRun(what, result as never));
  return ms;
}

export async function benchInstall(): Promise<void> {
  // The CLI as users run it: the build `npm install` makes (bin/wheelhouse.cjs falls back to
  // compiling the TypeScript on the fly when a source is newer than the build).
  const build = await run(process.execPath, [fileURLToPath(new URL("../scripts/build-cli.mjs", import.meta.url))]);
  if (build.code !== 0) throw new Error(describeRun("build the CLI", build));
  const work = await mkdtemp(join(tmpdir(), "wh-bench-install-"));
  const database = await createTestDatabase();
  const registry = await spawnRegistry(database.url);
  try {
    const admin = { authorization: `Basic ${Buffer.from(`admin:${registry.adminPassword}`).toString("base64")}`, "content-type": "application/json" };
    const tokenResponse = await fetch(`${registry.url}/api/admin/tokens`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ username: "admin", scope: "upload" }),
    });
    await uploadTree(registry.url, ((await tokenResponse.json()) as { token: string }).token);
    const index = `${registry.url}/simple/`;
    let n = 0;
    const freshVenv = () => createVenv(join(work, `venv-${n++}`));
    const freshDir = (label: string) => join(work, `${label}-${n++}`);

    const kinds = ["pipCold", "pipWarm", "whCold", "whWarm", "pipResolve", "whResolve"] as const;
    const samples = Object.fromEntries(kinds.map((k) => [k, [] as number[]])) as Record<(typeof kinds)[number], number[]>;
    for (let round = -1; round < RUNS; round++) {
      const record = (kind: (typeof kinds)[number]) => (ms: number) => {
        if (round >= 0) samples[kind].push(ms);
      };
      const pipCache = freshDir("pip-cache");
      const whCache = freshDir("wh-cache");
      const venvs = await Promise.all([freshVenv(), freshVenv(), freshVenv(), freshVenv(), freshVenv(), freshVenv()]);
      const [pipColdVenv, pipWarmVenv, whColdVenv, whWarmVenv, pipResolveVenv, whResolveVenv] = venvs as [
        (typeof venvs)[0],
        (typeof venvs)[0],
        (typeof venvs)[0],
        (typeof venvs)[0],
        (typeof venvs)[0],
        (typeof venvs)[0],
      ];
      const pipArgs = (cache: string) => ["--no-compile", "--cache-dir", cache, "--index-url", index, TREE_ROOT];
      const whArgs = (venv: { python: string }, cache: string) => ["install", "--python", venv.python, "--cache-dir", cache, "--index-url", index, TREE_ROOT];
      record("pipCold")(await timed("pip cold", () => pip(pipColdVenv, "install", pipArgs(pipCache))));
      record("pipWarm")(await timed("pip warm", () => pip(pipWarmVenv, "install", pipArgs(pipCache))));
      record("whCold")(await timed("wheelhouse cold", () => wheelhouse(whArgs(whColdVenv, whCache))));
      record("whWarm")(await timed("wheelhouse warm", () => wheelhouse(whArgs(whWarmVenv, whCache))));
      record("pipResolve")(
        await timed("pip --dry-run", () =>
          pip(pipResolveVenv, "install", ["--dry-run", "--ignore-installed", "--cache-dir", freshDir("pip-cache"), "--index-url", index, TREE_ROOT]),
        ),
      );
      record("whResolve")(
        await timed("wheelhouse --dry-run", () =>
          wheelhouse(["install", "--dry-run", "--python", whResolveVenv.python, "--cache-dir", freshDir("wh-cache"), "--index-url", index, TREE_ROOT]),
        ),
      );
    }
    const m = Object.fromEntries(kinds.map((k) => [k, median(samples[k])])) as Record<(typeof kinds)[number], number>;
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    console.log(
      `install 30 packages, cold cache: wheelhouse ${ms(m.whCold)}, pip --no-compile ${ms(m.pipCold)}: ` +
        `${formatRatio(m.pipCold / m.whCold)}x faster (target ≥ 3)`,
    );
    console.log(
      `install 30 packages, warm cache: wheelhouse ${ms(m.whWarm)}, pip --no-compile ${ms(m.pipWarm)}: ` +
        `${formatRatio(m.pipWarm / m.whWarm)}x faster (target ≥ 10)`,
    );
    console.log(
      `resolution alone (--dry-run, backtracking), cold: ` +
        `wheelhouse ${ms(m.whResolve)}, pip ${ms(m.pipResolve)}: ${formatRatio(m.pipResolve / m.whResolve)}x faster`,
    );
    console.log(`(each run, ms: ${kinds.map((k) => `${k} ${samples[k].map((v) => v.toFixed(0)).join("/")}`).join(", ")})`);
  } finally {
    await registry.stop();
    await database.drop();
    await rm(work, { recursive: true, force: true });
  }
}
