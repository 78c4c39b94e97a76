// Which file row a download URL means. In a group, a filename is served by the member that
// answers for its project (the same resolution as the project page), so a shadowed mirror
// file is never reachable through the group.
import type { File } from "@wheelhouse/db";
import type { NormalizedName } from "@wheelhouse/packaging";
import { NotFound } from "../errors.ts";
import type { IndexRow } from "./find-index.ts";
import { reachableIndexes, type ReadAccess } from "./group-members.ts";
import { findProjectSources, type SourceDeps } from "./project-sources.ts";

export interface Download {
  file: File;
  /** The hosted or mirror index that holds the file. */
  index: IndexRow;
  /** Every index the view reaches, groups included (whose policies may apply to the download). */
  reached: IndexRow[];
}

/** `access`: the reader's right on each group member (a member they may not read holds no file for them). */
export async function findDownload(
  deps: SourceDeps,
  view: IndexRow,
  filename: string,
  opts: { showQuarantined: boolean; access?: ReadAccess },
): Promise<Download> {
  const notFound = () => new NotFound(`No file named '${filename}' in index '${view.name}'.`, "no-file");
  const reached = await reachableIndexes(deps.db, view, opts.access);
  const leaves = reached.filter((i) => i.kind !== "group");
  const candidates = await deps.db.file.findMany({ where: { filename, indexId: { in: leaves.map((l) => l.id) } } });
  const byIndex = new Map(candidates.map((c) => [c.indexId, c]));
  for (const leaf of leaves) {
    const file = byIndex.get(leaf.id);
    if (!file) continue;
    // The project's name matters only through a group or under quarantine: a download from a
    // plain index (the common case) costs no second query.
    const mayBeQuarantined = !opts.showQuarantined && leaf.quarantineDays > 0;
    if (view.kind === "group" || mayBeQuarantined) {
      const project = await deps.db.project.findUnique({ where: { id: file.projectId }, select: { name: true } });
      if (project === null) continue; // deleted meanwhile
      const { name } = project;
      if (view.kind === "group") {
        const sources = await findProjectSources(deps, view, name as NormalizedName, opts.access);
        if (!sources.some((s) => s.index.id === leaf.id)) continue;
      }
      if (mayBeQuarantined && deps.mirror.isQuarantined(leaf, name, file.uploadedAt)) throw notFound();
    }
    return { file, index: leaf, reached };
  }
  throw notFound();
}
