// The jobs end to end inside one process: in-process queue, real database, fake upstream.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { createTestDatabase, type TestDatabase } from "@wheelhouse/db/testing";
import type { BlobStore } from "@wheelhouse/storage";
import { FakeMirror, metadataFor, type FakeUpstream } from "@wheelhouse/mirror/testing";
import { InProcessJobQueue } from "../queue/in-process-job-queue.ts";
import { waitFor } from "../../../test/job-handlers.ts";
import { triggerMirrorSync, jobStatus, listSyncRuns } from "../job-admin.ts";
import { syncMirrorSchedules } from "../schedules.ts";
import { createJobHandlers } from "./job-handlers.ts";

const log = pino({ level: "silent" });
let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase();
});
after(() => testDb.drop());

const upstream: FakeUpstream = {};
for (let p = 0; p < 5; p++) {
  const name = `pkg${p}`;
  upstream[name] = {};
  for (let v = 1; v <= 4; v++) {
    upstream[name]![`${v}.0`] = [
      { filename: `${name}-${v}.0-py3-none-any.whl`, size: 1000 + v, coreMetadata: metadataFor(name, `${v}.0`, p < 4 ? [`pkg${p + 1}>=${v}`] : []) },
      { filename: `${name}-${v}.0.tar.gz`, size: 500 },
    ];
  }
}
upstream.nometa = { "1.0": [{ filename: "nometa-1.0-py3-none-any.whl", lazyMetadata: metadataFor("nometa", "1.0") }] };

async function setup(selection: object, name: string) {
  const index = await testDb.db.index.create({ data: { name, kind: "mirror", upstreamUrl: "http://127.0.0.1:9/simple/", syncSelection: selection } });
  const mirror = new FakeMirror(testDb.db, upstream);
  const queue = new InProcessJobQueue({ log, backoffMs: 1, attempts: 3 });
  await queue.start(createJobHandlers({ db: testDb.db, store: {} as BlobStore, log, dataDir: "/nonexistent", mirror }));
  const finished = async (count: number) =>
    waitFor(
      async () => (await testDb.db.syncRun.count({ where: { indexId: index.id, state: { in: ["finished", "failed"] } } })) === count,
      15_000,
      "the sync run to finish",
    );
  return { index, mirror, queue, finished };
}

describe("mirror-sync", () => {
  it("selects, queues a fetch per uncached file, counts them and finishes the run; a repeat fetches nothing", async () => {
    const { index, mirror, queue, finished } = await setup({ allow: ["pkg0>=3"], sdists: false }, "sync-a");
    assert.equal(await triggerMirrorSync(queue, index.id), true);
    await finished(1);
    const [run] = await listSyncRuns(testDb.db, index.id);
    // pkg0 3.0, 4.0 → pkg1>=3, >=4 → … : versions 3.0 and 4.0 of five projects, wheels only.
    assert.deepEqual(
      { ...run, id: 0, startedAt: null, finishedAt: null },
      {
        id: 0,
        indexId: index.id,
        trigger: "manual",
        state: "finished",
        startedAt: null,
        finishedAt: null,
        projects: 5,
        filesQueued: 10,
        filesDone: 10,
        bytesDone: 5 * (1003 + 1004),
        failures: [],
      },
    );
    assert.ok(run!.finishedAt instanceof Date);
    const cached = await testDb.db.file.count({ where: { indexId: index.id, storageKey: { not: null } } });
    assert.equal(cached, 10);

    const fetchesBefore = mirror.calls.cacheFile.length;
    await triggerMirrorSync(queue, index.id);
    await finished(2);
    assert.equal(mirror.calls.cacheFile.length, fetchesBefore, "nothing fetched again");
    const [again] = await listSyncRuns(testDb.db, index.id, 1);
    assert.equal(again!.state, "finished");
    assert.equal(again!.filesQueued, 0);
    assert.equal((await jobStatus(queue)).counts["file-fetch"].completed, 10);
    await queue.close();
  });

  it("queues metadata extraction for wheels without metadata, and records failures by file", async () => {
    const { index, mirror, queue, finished } = await setup({ allow: ["nometa", "pkg4==1.0", "absent"] }, "sync-b");
    mirror.failures.set("pkg4-1.0-py3-none-any.whl", "mismatch");
    mirror.failures.set("pkg4-1.0.tar.gz", "down");
    await triggerMirrorSync(queue, index.id);
    await finished(1);
    const [run] = await listSyncRuns(testDb.db, index.id);
    assert.equal(run!.state, "finished");
    assert.equal(run!.filesQueued, 3);
    assert.equal(run!.filesDone, 1);
    const files = run!.failures.filter((f) => f.kind === "file");
    assert.deepEqual(files.map((f) => (f.kind === "file" ? [f.filename, f.error] : null)).sort(), [
      ["pkg4-1.0-py3-none-any.whl", "The file pkg4-1.0-py3-none-any.whl from upstream does not match its published sha256; it was not kept."],
      ["pkg4-1.0.tar.gz", "Upstream is unavailable: HTTP 503."],
    ]);
    assert.deepEqual(
      run!.failures.filter((f) => f.kind === "selection"),
      [{ kind: "selection", problem: "absent: not found upstream" }],
    );
    // The hash mismatch is not retried; the 503 is, up to the attempts.
    const mismatchId = (await testDb.db.file.findFirstOrThrow({ where: { indexId: index.id, filename: "pkg4-1.0-py3-none-any.whl" } })).id;
    const downId = (await testDb.db.file.findFirstOrThrow({ where: { indexId: index.id, filename: "pkg4-1.0.tar.gz" } })).id;
    assert.equal(mirror.calls.cacheFile.filter((id) => id === mismatchId).length, 1);
    assert.equal(mirror.calls.cacheFile.filter((id) => id === downId).length, 3);
    await waitFor(() => mirror.calls.ensureMetadata.length > 0);
    const status = await jobStatus(queue);
    assert.equal(status.counts["file-fetch"].failed, 2);
    await waitFor(async () => (await jobStatus(queue)).counts["metadata-extract"].completed === 1);
    await queue.close();
  });

  it("fails the run with the field named when the selection is invalid", async () => {
    const { index, queue, finished } = await setup({ pythons: ["three"] }, "sync-c");
    await triggerMirrorSync(queue, index.id);
    await finished(1);
    const [run] = await listSyncRuns(testDb.db, index.id);
    assert.equal(run!.state, "failed");
    assert.deepEqual(run!.failures, [{ kind: "sync", error: 'syncSelection.pythons[0]: must look like "3.12"' }]);
    await queue.close();
  });

  it("routes scheduled runs through the deterministic id and keeps schedules in step with the indexes", async () => {
    const { index, queue, finished } = await setup({ allow: ["pkg4==4.0"] }, "sync-d");
    await testDb.db.index.update({ where: { id: index.id }, data: { syncIntervalSeconds: 1 } });
    const { scheduled } = await syncMirrorSchedules(queue, testDb.db);
    assert.ok(scheduled >= 1);
    assert.ok((await queue.scheduleIds()).includes(`sync-schedule-${index.id}`));
    await finished(1);
    const [run] = await listSyncRuns(testDb.db, index.id);
    assert.equal(run!.trigger, "scheduled");
    await testDb.db.index.update({ where: { id: index.id }, data: { syncIntervalSeconds: null } });
    await syncMirrorSchedules(queue, testDb.db);
    assert.ok(!(await queue.scheduleIds()).includes(`sync-schedule-${index.id}`));
    await queue.close();
  });
});
