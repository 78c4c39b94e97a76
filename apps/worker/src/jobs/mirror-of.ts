import type { MirrorOps } from "../mirror/mirror-ops.ts";
import type { WorkerDeps } from "./worker-deps.ts";

const real = new WeakMap<WorkerDeps, MirrorOps>();

/** deps.mirror, or @wheelhouse/mirror loaded on first use (tests with a fake never load it). */
export async function realOrGiven(deps: WorkerDeps): Promise<MirrorOps> {
  if (deps.mirror) return deps.mirror;
  let ops = real.get(deps);
  if (!ops) {
    ops = (await import("../mirror/real-mirror-ops.ts")).realMirrorOps(deps);
    real.set(deps, ops);
  }
  return ops;
}
