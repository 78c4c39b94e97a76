// A sync of a mirror whose upstream is a plain PEP 503 tree (no sizes, no hashes, no PEP 658
// metadata files), jobs in-process: one run reaches the whole dependency closure for the
// selected environments, reading each wheel's METADATA by range requests into the upstream
// file, or from the whole file where the upstream ignores ranges.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { createJobHandlers, InProcessJobQueue, listSyncRuns, triggerMirrorSync } from "../../apps/registry/src/jobs/index.ts";
import { buildWheel, wheelFilename, type WheelSpec } from "@wheelhouse/testing";
import { startStaticUpstream, type StaticFile, type StaticUpstream } from "../support/static-upstream.ts";
import { uniqueName } from "../support/temp-dir.ts";
import { checkCachedBlobs, createMirrorSide, waitFor, type MirrorSide } from "./support.ts";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

const app = uniqueName("app");
const libA = uniqueName("lib-a");
const libB = uniqueName("lib-b");
const libC = uniqueName("lib-c");
const winOnly = uniqueName("win-only");
const specs: WheelSpec[] = [
  { name: app, version: "1.0", requiresDist: [`${libA}>=1`, `${winOnly}; sys_platform == "win32"`] },
  { name: libA, version: "1.0", requiresDist: [libB] },
  { name: libB, version: "1.0" },
  { name: libB, version: "2.0", requiresDist: [`${libC}<2`] },
  { name: libC, version: "1.0" },
  { name: libC, version: "2.0" },
  { name: winOnly, version: "1.0" },
];
/** What `allow: [app]` for Linux reaches: every version of each name that matches, not win-only, not lib-c 2. */
const closure = specs
  .filter((s) => s.name !== winOnly && !(s.name === libC && s.version === "2.0"))
  .map(wheelFilename)
  .sort();

function tree(): Record<string, StaticFile[]> {
  const projects: Record<string, StaticFile[]> = {};
  for (const spec of specs) (projects[spec.name] ??= []).push({ filename: wheelFilename(spec), bytes: buildWheel(spec).body });
  return projects;
}

interface Side {
  upstream: StaticUpstream;
  side: MirrorSide;
  queue: InProcessJobQueue;
}
const sides: Side[] = [];

async function startSide(opts: { noRanges: boolean }): Promise<Side> {
  const upstream = await startStaticUpstream({ bare: true, noRanges: opts.noRanges, projects: tree() });
  const side = await createMirrorSide(upstream.simpleUrl, { allow: [app], pythons: ["3.12"], platforms: ["manylinux_2_17_x86_64"] });
  const queue = new InProcessJobQueue({ log });
  await queue.start(createJobHandlers({ db: side.db, store: side.store, log, dataDir: side.dataDir, mirror: side.mirror }));
  const started = { upstream, side, queue };
  sides.push(started);
  return started;
}

after(async () => {
  for (const { queue, side, upstream } of sides) {
    await queue.close();
    await side.close();
    await upstream.stop();
  }
});

async function syncOnce({ side, queue }: Side) {
  await triggerMirrorSync(queue, side.index.id);
  await waitFor(
    async () => (await side.db.syncRun.count({ where: { indexId: side.index.id, state: { in: ["finished", "failed"] } } })) === 1,
    60_000,
    "the sync to finish",
  );
  await waitFor(async () => Object.values(await queue.counts()).every((s) => s.waiting + s.active + s.delayed === 0), 30_000, "the queue to drain");
  return (await listSyncRuns(side.db, side.index.id, 1))[0]!;
}

async function cachedFilenames(side: MirrorSide): Promise<string[]> {
  const rows = await side.db.file.findMany({ where: { indexId: side.index.id, storageKey: { not: null } }, select: { filename: true } });
  return rows.map((r) => r.filename).sort();
}

for (const noRanges of [false, true]) {
  const metadataBy = noRanges ? "no Range support: whole files" : "METADATA by range requests";
  test(`one sync run follows the whole closure of a plain PEP 503 upstream (${metadataBy})`, async () => {
    const started = await startSide({ noRanges });
    const run = await syncOnce(started);
    assert.deepEqual(run.failures, [], "no dependency left unread");
    assert.equal(run.state, "finished");
    assert.equal(run.projects, 4);
    assert.deepEqual(await cachedFilenames(started.side), closure);
    const { cached, bad } = await checkCachedBlobs(started.side);
    assert.equal(cached, closure.length);
    assert.deepEqual(bad, [], "every blob has the sha256 learnt on its fetch");
    for (const filename of closure) {
      const statuses = started.upstream.statuses(`/files/${filename}`);
      if (noRanges) {
        // The range request answered 200 (its body dropped after a few KB), then the fetch.
        assert.ok(statuses.length <= 2 && statuses.every((s) => s === 200), `${filename}: ${statuses}`);
      } else {
        // Each file fetched whole once (the sync's own fetch); METADATA read by ranges before.
        assert.equal(statuses.filter((s) => s === 200).length, 1, `${filename} fetched whole once: ${statuses}`);
        assert.ok(statuses.includes(206), `${filename}: METADATA read by ranges: ${statuses}`);
      }
    }
    assert.equal(started.upstream.requests(`/files/${wheelFilename(specs[6]!)}`), 0, "the Windows-only dependency is not followed for Linux");
  });
}
