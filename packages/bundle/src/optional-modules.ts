// `@wheelhouse/worker` resolves a requirements text against a mirror index (`selectMirrorFiles`).
// It is an app, not a library, and pulls in the queue: loaded lazily, by a specifier TypeScript
// does not resolve, so the bundle package runs without it (then its own resolver is used).
import type { File } from "@wheelhouse/db";
import type { BundleDeps, IndexRow } from "./bundle-deps.ts";

export interface WorkerModule {
  selectMirrorFiles(deps: BundleDeps, index: IndexRow, selection: { requirements: string }): Promise<{ files: File[]; projects: string[]; problems: string[] }>;
}

let loading: Promise<WorkerModule | null> | undefined;

export function loadWorkerModule(): Promise<WorkerModule | null> {
  const specifier = "@wheelhouse/worker";
  loading ??= import(specifier).then(
    (m: Record<string, unknown>) => (typeof m.selectMirrorFiles === "function" ? (m as unknown as WorkerModule) : null),
    () => null,
  );
  return loading;
}
