// cleanup: the registry's garbage collection, on a schedule or on demand.
import { collectGarbage } from "../../services/collect-garbage.ts";
import { uploadTmpDir } from "../../upload/staging-storage-engine.ts";
import type { JobContext } from "../queue/job-queue.ts";
import type { PayloadOf } from "../definitions.ts";
import type { JobDeps } from "./job-deps.ts";

export async function runCleanup(deps: JobDeps, payload: PayloadOf<"cleanup">, _ctx: JobContext) {
  const report = await collectGarbage({ db: deps.db, store: deps.store, uploadTmpDir: uploadTmpDir(deps.dataDir) }, payload.graceSeconds * 1000);
  deps.log.info({ ...report }, "cleanup: garbage collected");
  return report;
}
