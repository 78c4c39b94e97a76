// cleanup: the registry's garbage collection, on a schedule or on demand.
import { collectGarbage } from "../../../registry/src/services/collect-garbage.ts";
import { uploadTmpDir } from "../../../registry/src/upload/staging-storage-engine.ts";
import type { JobContext } from "../queue/job-queue.ts";
import type { PayloadOf } from "./definitions.ts";
import type { WorkerDeps } from "./worker-deps.ts";

export async function runCleanup(deps: WorkerDeps, payload: PayloadOf<"cleanup">, _ctx: JobContext) {
  const report = await collectGarbage({ db: deps.db, store: deps.store, uploadTmpDir: uploadTmpDir(deps.dataDir) }, payload.graceSeconds * 1000);
  deps.log.info({ ...report }, "cleanup: garbage collected");
  return report;
}
