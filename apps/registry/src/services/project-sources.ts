// Which index(es) answer for a project name. A hosted or mirror index answers for itself; a
// group asks its members in order and the FIRST member that has the name answers alone: a
// private (hosted) name hides the same name in every later member, so a public upload can
// never mix into a private project (the dependency-confusion hole --extra-index-url leaves
// open). It also means no upstream request ever carries a private name. An admin may let a
// name through (passThroughNames), and then every member that has it contributes.
//
// A member the reader may not read (a private index in a public group) answers nothing to them.
// It still holds its names: a name it holds is not looked up in later members for that reader,
// so an anonymous reader gets a 404, never the public twin of a private name (which would be
// the dependency confusion the group exists to prevent, and would tell them the name is taken).
import type { Db } from "@wheelhouse/db";
import { type Mirror, UpstreamUnavailable } from "@wheelhouse/mirror";
import type { Logger } from "../logger.ts";
import type { NormalizedName } from "@wheelhouse/packaging";
import type { IndexRow } from "./find-index.ts";
import { EVERY_INDEX, groupMembers, leafIndexes, type ReadAccess } from "./group-members.ts";
import { inSlices } from "./in-slices.ts";

export interface ProjectSource {
  index: IndexRow;
  projectId: number;
  lastSerial: number;
}

export interface SourceDeps {
  db: Db;
  mirror: Mirror;
  log: Logger;
}

export async function findProjectSources(
  deps: SourceDeps,
  index: IndexRow,
  name: NormalizedName,
  access: ReadAccess = EVERY_INDEX,
  via: readonly IndexRow[] = [],
  seen = new Set<number>(),
): Promise<ProjectSource[]> {
  if (seen.has(index.id)) return []; // a group reached twice (or a cycle) answers once
  seen.add(index.id);
  if (index.kind === "group") {
    const passThrough = index.passThroughNames.includes(name);
    const found: ProjectSource[] = [];
    const path = [...via, index];
    for (const member of await groupMembers(deps.db, index.id)) {
      if (!access(member, path)) {
        if (!passThrough && (await holdsName(deps.db, member, name))) break;
        continue;
      }
      let sources: ProjectSource[];
      try {
        sources = await findProjectSources(deps, member, name, access, path, seen);
      } catch (err) {
        // A let-through name already found in an earlier member is served from there when a
        // later upstream fails; without an earlier answer the failure is the answer.
        if (found.length === 0 || !(err instanceof UpstreamUnavailable)) throw err;
        deps.log.warn({ err, index: member.name, project: name }, "group member unavailable; serving earlier members");
        continue;
      }
      if (sources.length === 0) continue;
      found.push(...sources);
      if (!passThrough) break;
    }
    return found;
  }
  if (index.kind === "mirror" && !(await deps.mirror.ensureProject(index, name))) return [];
  const project = await deps.db.project.findUnique({ where: { indexId_name: { indexId: index.id, name } }, select: { id: true, lastSerial: true } });
  return project ? [{ index, projectId: project.id, lastSerial: project.lastSerial }] : [];
}

/**
 * Whether an index the reader may not read holds a project of that name: what is stored here,
 * never an upstream request (a private name must not leave through a mirror).
 */
async function holdsName(db: Db, index: IndexRow, name: NormalizedName): Promise<boolean> {
  const leaves = await leafIndexes(db, index);
  return (await db.project.count({ where: { name, indexId: { in: leaves.map((l) => l.id) } } })) > 0;
}

/**
 * findProjectSources for many names at once: one query for a hosted index (what a batch
 * revalidation of an installer's pages mostly asks), one lookup per name otherwise. A name whose
 * lookup failed (an upstream that is down) is left out.
 */
export async function findManyProjectSources(
  deps: SourceDeps,
  index: IndexRow,
  names: readonly NormalizedName[],
  access: ReadAccess = EVERY_INDEX,
): Promise<Map<NormalizedName, ProjectSource[]>> {
  if (index.kind !== "hosted") {
    const found = await inSlices(names, (name) => findProjectSources(deps, index, name, access).catch(() => null));
    return new Map(names.flatMap((name, i) => (found[i] ? [[name, found[i]] as const] : [])));
  }
  const rows = await deps.db.project.findMany({ where: { indexId: index.id, name: { in: [...names] } }, select: { id: true, name: true, lastSerial: true } });
  const byName = new Map(rows.map((r) => [r.name, r]));
  return new Map(
    names.map((name) => {
      const row = byName.get(name);
      return [name, row ? [{ index, projectId: row.id, lastSerial: row.lastSerial }] : []] as const;
    }),
  );
}
