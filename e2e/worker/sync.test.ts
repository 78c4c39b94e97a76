// A real mirror sync of a local Wheelhouse upstream, jobs in-process (the embedded default):
// every selected file cached and hash-correct; a repeat sync asks upstream for no page it
// knows unchanged (serials) and fetches no file again.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { selectMirrorFiles } from "@wheelhouse/mirror";
import { createJobHandlers, InProcessJobQueue, listSyncRuns, triggerMirrorSync } from "../../apps/registry/src/jobs/index.ts";
import { checkCachedBlobs, createMirrorSide, startCountingProxy, uploadWheels, waitFor, type CountingProxy, type MirrorSide } from "./support.ts";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
let upstream: TestRegistry;
let proxy: CountingProxy;
let side: MirrorSide;
let queue: InProcessJobQueue;

const PROJECTS = 10;
const VERSIONS = 4;

before(async () => {
  upstream = await startRegistry();
  await uploadWheels(upstream, PROJECTS, VERSIONS);
  proxy = await startCountingProxy(upstream.url);
  // proj0 pulls in proj1 … proj9 through Requires-Dist.
  side = await createMirrorSide(`${proxy.url}/main/simple/`, { allow: ["proj0"], pythons: ["3.12"], platforms: ["manylinux_2_17_x86_64"] });
  queue = new InProcessJobQueue({ log });
  await queue.start(createJobHandlers({ db: side.db, store: side.store, log, dataDir: side.dataDir, mirror: side.mirror }));
});

after(async () => {
  await queue?.close();
  await proxy?.close();
  await side?.close();
  await upstream?.stop();
});

async function syncAndWait(expectedRuns: number) {
  await triggerMirrorSync(queue, side.index.id);
  await waitFor(
    async () => (await side.db.syncRun.count({ where: { indexId: side.index.id, state: { in: ["finished", "failed"] } } })) === expectedRuns,
    60_000,
    "the sync to finish",
  );
  // Follow-up work (metadata extraction) settles too.
  await waitFor(
    async () => {
      const c = await queue.counts();
      return Object.values(c).every((s) => s.waiting + s.active + s.delayed === 0);
    },
    30_000,
    "the queue to drain",
  );
  return (await listSyncRuns(side.db, side.index.id, 1))[0]!;
}

test("a sync caches every selected file, verified, and follows dependencies", async () => {
  const run = await syncAndWait(1);
  assert.equal(run.state, "finished");
  assert.deepEqual(run.failures, []);
  assert.equal(run.projects, PROJECTS);
  assert.equal(run.filesQueued, PROJECTS * VERSIONS);
  assert.equal(run.filesDone, PROJECTS * VERSIONS);
  const { cached, bad } = await checkCachedBlobs(side);
  assert.equal(cached, PROJECTS * VERSIONS);
  assert.deepEqual(bad, []);
  assert.equal(await side.db.file.count({ where: { indexId: side.index.id, storageKey: null } }), 0);
  // Each wheel once; the dependency walk read each release's PEP 658 .metadata file once.
  assert.equal(proxy.fileRequests().filter((r) => r.path.endsWith(".whl") && r.status === 200).length, PROJECTS * VERSIONS);
  assert.equal(proxy.fileRequests().filter((r) => r.path.endsWith(".whl.metadata")).length, PROJECTS * VERSIONS);
});

test("a repeat sync skips pages by upstream serial and fetches no file again", async () => {
  const before = proxy.requests.length;
  const run = await syncAndWait(2);
  assert.equal(run.state, "finished");
  assert.equal(run.filesQueued, 0);
  const made = proxy.requests.slice(before);
  assert.deepEqual(
    made.filter((r) => /\/files\//.test(r.path)),
    [],
    "no file fetched again",
  );
  assert.deepEqual(
    made.map((r) => r.path),
    ["/main/simple/"],
    "only the root index, for its serials",
  );
});

test("without serials, a repeat makes one conditional request per project, each a 304", async () => {
  const before = proxy.requests.length;
  const result = await selectMirrorFiles({ db: side.db, log, mirror: side.mirror }, side.index, side.index.syncSelection as object, {
    force: true,
    useUpstreamSerials: false,
  });
  assert.equal(result.files.length, PROJECTS * VERSIONS);
  const made = proxy.requests.slice(before);
  assert.equal(made.length, PROJECTS);
  assert.ok(
    made.every((r) => r.conditional && r.status === 304),
    JSON.stringify(made.slice(0, 3)),
  );
});
