/**
 * `wheelhouse install [options] REQUIREMENT... [-e DIR] [-r FILE] [-c FILE] [--report FILE]` —
 * pip's install: resolve for the target interpreter, keep what is installed unless upgrading,
 * fetch and verify every archive before changing anything, build sdists and project directories
 * (`-e`: PEP 660 editable wheels), install wheels in parallel. The pipeline itself is
 * pipeline/install-requirements.ts (builds run it too, for their build requirements).
 * `--report` writes pip's installation report (pipeline/installation-report.ts); with
 * `--report -` it goes to stdout and the log to stderr, so that stdout is JSON alone.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { openSession } from "../pipeline/command-session.ts";
import { failWith, reportFailure } from "../ui/failure-message.ts";
import { installRequirements } from "../pipeline/install-requirements.ts";
import { formatReport, installationReport, writeReportFile } from "../pipeline/installation-report.ts";
import { prefetchRememberedPages, rememberPages, type PrefetchKey } from "../pipeline/page-prefetch.ts";
import { readAheadWhileInspecting } from "../pipeline/read-ahead.ts";
import { readRequirementsOrReport } from "../pipeline/read-requirements.ts";
import { commandProgress, commandReporter } from "../ui/command-reporter.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const fail = failWith(ctx.stderr);
  const read = await readRequirementsOrReport(ctx);
  if (!read) return 1;
  const requirements = [...read.requirements, ...read.editables];
  if (requirements.length === 0) {
    return fail('ERROR: You must give at least one requirement to install (see "wheelhouse help install")');
  }
  if (o.root) return fail("ERROR: --root is not supported by this version of wheelhouse.");
  // The report is written last; a directory it cannot go into is found before anything is installed.
  const reportFile = o.report === null || o.report === "-" ? null : path.resolve(ctx.cwd, o.report);
  if (reportFile !== null && !(await stat(path.dirname(reportFile)).catch(() => null))?.isDirectory()) {
    return fail(`ERROR: Could not write the installation report to ${reportFile}: ${path.dirname(reportFile)} is not a directory.`);
  }

  // On a terminal (and without -q), progress lines are drawn below the log; a pipe gets the log alone.
  // With `--report -`, stdout is the report's: the log goes to stderr.
  const log = o.report === "-" ? { ...ctx, stdout: ctx.stderr } : ctx;
  const progress = commandProgress(log);
  const reporter = commandReporter(log, progress);
  let session = null as ReturnType<typeof openSession> | null;
  try {
    session = openSession(ctx, {}, read.options);
    // The pages the last run of this request read are revalidated while the interpreter is inspected.
    // Keyed by the request, not the target: a fresh venv (a new --python path each CI run) reads
    // the same pages, and a page prefetched in vain costs one conditional request.
    const prefetchKey: PrefetchKey = {
      requirements: requirements.map((r) => r.text),
      constraints: read.constraints.map((r) => r.text),
      extra: [o.noDeps],
    };
    const named = requirements.flatMap((r) => (r.requirement && r.requirement.url === null ? [r.requirement.normalizedName] : []));
    const remembered = prefetchRememberedPages(session, prefetchKey, named);
    const inspected = targetEnvironment(o, ctx.env);
    inspected.catch(() => {}); // (awaited below; this only keeps a quick failure from counting as unhandled)
    // On a cold cache, the named projects' trees are read ahead meanwhile (see read-ahead.ts).
    if ((await remembered) === null) {
      readAheadWhileInspecting(
        session,
        requirements.flatMap((r) => (r.requirement ? [r.requirement] : [])),
        inspected,
        { followDependencies: !o.noDeps },
      );
    }
    const env = await inspected;
    const previous = await remembered;
    const outcome = await installRequirements({
      session,
      finder: session.finder(env),
      env,
      requirements,
      constraints: read.constraints,
      settings: {
        noDeps: o.noDeps,
        upgrade: o.upgrade,
        upgradeStrategy: o.upgradeStrategy,
        forceReinstall: o.forceReinstall,
        ignoreInstalled: o.ignoreInstalled,
        requireHashes: read.requireHashes,
        dryRun: o.dryRun,
        // uv's default: no bytecode unless --compile (or compile = yes in pip.conf) asks for it.
        compile: ctx.origins.compile !== undefined && o.compile,
        buildIsolation: !o.noBuildIsolation,
      },
      reporter,
      progress,
      report: o.report !== null,
    });
    await rememberPages(session, prefetchKey, previous);
    if (outcome.report) {
      const report = installationReport(outcome.report, env.markers);
      if (reportFile === null) ctx.stdout.write(formatReport(report));
      else {
        try {
          await writeReportFile(reportFile, report);
        } catch (e) {
          return fail(`ERROR: Could not write the installation report to ${reportFile}: ${(e as Error).message}`);
        }
      }
    }
    return 0;
  } catch (e) {
    return reportFailure(e, ctx.stderr);
  } finally {
    progress?.clear();
    await session?.close();
  }
}
