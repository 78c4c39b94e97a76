// Which advisories affect a release: AdvisoryPackage rows of the project's normalized name,
// matched against the version with OSV's range evaluation. Advisories are registry-wide, so
// the same answer holds in every index (hosted, mirror, group).
//
// File downloads ask this on the hot path, so compiled matchers are kept per name, one cache
// per app (like the page cache). It is derived state: every lookup compares the advisory
// generation (the newest AdvisoryImport id, one indexed row) and drops everything when an
// import, by this replica, another one or the admin command, has moved it on.
import { compileAffected, isSeverityLevel, type AffectedMatcher, type AffectedPackage, type ParsedAdvisory, type RangeEvent } from "@wheelhouse/advisories";
import type { Db } from "@wheelhouse/db";
import { tryParseVersion, type Version } from "@wheelhouse/packaging";

/** A stored advisory as it concerns one project: the record's fields and that project's fixed versions. */
export type AdvisoryInfo = Omit<ParsedAdvisory, "raw" | "packages"> & Pick<AffectedPackage, "fixedIn">;

interface CompiledAdvisory {
  info: AdvisoryInfo;
  matches: AffectedMatcher;
}

/** The advisory generation: the newest import's id, 0 before the first. */
export async function advisoryGeneration(db: Db): Promise<number> {
  const newest = await db.advisoryImport.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return newest?.id ?? 0;
}

export class AdvisoryCache {
  private generation = -1;
  private readonly byName = new Map<string, CompiledAdvisory[]>();
  constructor(private readonly maxNames = 20_000) {}

  /**
   * The advisories (withdrawn ones included: callers decide) affecting each (name, version).
   * Names must be normalized. One generation check and at most one query for the names not cached.
   */
  async lookup(db: Db, wanted: readonly { name: string; version: string }[]): Promise<AdvisoryInfo[][]> {
    const byName = await this.forNames(db, [...new Set(wanted.map((w) => w.name))]);
    return wanted.map(({ name, version }) => {
      const compiled = byName.get(name) ?? [];
      if (compiled.length === 0) return [];
      const parsed: string | Version = tryParseVersion(version) ?? version;
      return compiled.filter((c) => c.matches(parsed)).map((c) => c.info);
    });
  }

  /** The advisories affecting one release. */
  async forRelease(db: Db, name: string, version: string): Promise<AdvisoryInfo[]> {
    return (await this.lookup(db, [{ name, version }]))[0]!;
  }

  private async forNames(db: Db, names: string[]): Promise<Map<string, CompiledAdvisory[]>> {
    const generation = await advisoryGeneration(db);
    // Only forward: a read that started before an import committed may answer after one that did not.
    if (generation > this.generation) {
      this.byName.clear();
      this.generation = generation;
    }
    const found = new Map<string, CompiledAdvisory[]>();
    const missing: string[] = [];
    for (const name of names) {
      const cached = this.byName.get(name);
      if (cached) found.set(name, cached);
      else missing.push(name);
    }
    if (missing.length === 0 || generation === 0) return found;
    const rows = await db.advisoryPackage.findMany({
      where: { name: { in: missing } },
      include: {
        advisory: {
          select: {
            id: true,
            aliases: true,
            summary: true,
            details: true,
            severity: true,
            link: true,
            source: true,
            published: true,
            modified: true,
            withdrawn: true,
          },
        },
      },
      orderBy: { advisoryId: "asc" },
    });
    const compiled = new Map<string, CompiledAdvisory[]>(missing.map((name) => [name, []]));
    for (const row of rows) {
      const { advisory } = row;
      compiled.get(row.name)!.push({
        info: { ...advisory, severity: isSeverityLevel(advisory.severity) ? advisory.severity : null, fixedIn: row.fixedIn },
        matches: compileAffected({ ranges: row.ranges as RangeEvent[][], versions: row.versions }),
      });
    }
    for (const [name, list] of compiled) {
      found.set(name, list);
      // A concurrent lookup may have seen a newer generation while this one awaited its rows:
      // what was read under the old one answers this request but is not kept.
      if (this.generation === generation) this.remember(name, list);
    }
    return found;
  }

  private remember(name: string, list: CompiledAdvisory[]): void {
    if (this.byName.size >= this.maxNames) this.byName.delete(this.byName.keys().next().value!);
    this.byName.set(name, list);
  }
}
