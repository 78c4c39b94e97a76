/**
 * `audit -r FILE --fix`: each vulnerable pin is rewritten, in the file that pins it, to the nearest
 * fixed version the indexes offer (the nearest fix first, then later fixed versions), with its
 * `--hash` options regenerated from the index as `wheelhouse lock --generate-hashes` computes
 * them (every file of that version, any platform). The rest of each file is kept byte for byte.
 *
 * The other pins are not re-resolved: a fixed version with new or different dependencies needs
 * `wheelhouse lock` again (the command says so after a fix).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseVersion } from "@wheelhouse/packaging";
import type { IndexSession } from "../../core/index/index-session.ts";
import { filesOfVersion, sha256Of } from "../lock/locked-pins.ts";
import type { FixReport } from "./audit-report.ts";
import type { AuditedDependency, PinLocation } from "./audit-sources.ts";
import { PinNotFound, rewritePin } from "./rewrite-pin.ts";

export interface PinFixTarget {
  dependency: AuditedDependency;
  /** Fixed versions to try, nearest first. */
  candidates: string[];
}

export interface FixRequirementsInput {
  session: IndexSession;
  /** What relative file names are relative to. */
  cwd: string;
  targets: readonly PinFixTarget[];
  dryRun: boolean;
}

interface Rewrite {
  location: PinLocation;
  from: string;
  to: string;
  hashes: string[] | null;
  report: Extract<FixReport, { kind: "fixed" }>;
}

export async function fixRequirementFiles(input: FixRequirementsInput): Promise<FixReport[]> {
  const reports: FixReport[] = [];
  const rewrites: Rewrite[] = [];
  for (const { dependency, candidates } of input.targets) {
    const skip = (reason: string): void =>
      void reports.push({ kind: "skipped", name: dependency.name, displayName: dependency.displayName, version: dependency.version, reason });
    const pins = dependency.pins ?? [];
    if (pins.length === 0) {
      skip("it is pinned in a file that cannot be rewritten (a URL)");
      continue;
    }
    let chosen: { version: string; hashes: string[] | null } | null = null;
    for (const version of candidates) {
      const files = await filesOfVersion(input.session, [], dependency.name, parseVersion(version));
      if (files.length === 0) continue;
      const hashes = pins.some((p) => p.hashed)
        ? [...new Set(await Promise.all(files.map((f) => sha256Of(input.session, f))))].sort().map((h) => `sha256:${h}`)
        : null;
      chosen = { version, hashes };
      break;
    }
    if (chosen === null) {
      skip(`no fixed version (${candidates.join(", ")}) is on the index`);
      continue;
    }
    const report = { kind: "fixed" as const, name: dependency.name, displayName: dependency.displayName, from: dependency.version, to: chosen.version };
    for (const location of pins)
      rewrites.push({ location, from: dependency.version, to: chosen.version, hashes: location.hashed ? chosen.hashes : null, report });
  }

  // Per file, bottom to top: a rewrite may change how many lines its requirement takes.
  const byFile = new Map<string, Rewrite[]>();
  for (const rewrite of rewrites) {
    const file = path.resolve(input.cwd, rewrite.location.file);
    byFile.set(file, [...(byFile.get(file) ?? []), rewrite]);
  }
  const failed = new Map<Rewrite["report"], string>();
  for (const [file, list] of byFile) {
    const original = await readFile(file, "utf8");
    let text = original;
    for (const rewrite of [...list].sort((a, b) => b.location.line - a.location.line)) {
      try {
        text = rewritePin(text, rewrite.location.line, rewrite.from, rewrite.to, rewrite.hashes);
      } catch (e) {
        if (!(e instanceof PinNotFound)) throw e;
        failed.set(rewrite.report, `${rewrite.location.file}: ${e.message}`);
      }
    }
    if (!input.dryRun && text !== original) await writeFile(file, text);
  }
  const done = new Set<Rewrite["report"]>();
  for (const { report } of rewrites) {
    if (done.has(report)) continue;
    done.add(report);
    const reason = failed.get(report);
    reports.push(reason === undefined ? report : { kind: "skipped", name: report.name, displayName: report.displayName, version: report.from ?? "", reason });
  }
  return reports;
}
