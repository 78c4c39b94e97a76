/**
 * `wheelhouse audit [-r FILE …] [--format columns|json] [--fix [--dry-run]]` — pip-audit against
 * the registry's advisories: every distribution installed in the target environment (or every pin
 * of the `-r` files, which must be pinned) is looked up with one query to the index's registry
 * (`POST {root}/api/advisories/query`, see features/audit/advisory-client.ts), and nothing else is
 * contacted, so it works offline against the registry.
 *
 * With --extra-index-url, only the primary index (`-i`) is asked: advisories are the registry's,
 * not per index, and an extra index is often not a Wheelhouse registry at all.
 *
 * --fix (features/audit/fix-findings.ts): for an environment, upgrade through the install pipeline; for
 * `-r` files, rewrite the pins and their hashes. Then audit again.
 *
 * Exit status: 0 nothing found (or everything fixed), 1 something found (or left unfixed), 1 an
 * error (`ERROR: …`), 2 usage.
 */
import { redactUrlsInText } from "../core/auth/index.ts";
import type { CommandContext } from "../core/config/cli-options.ts";
import type { InspectedEnvironment } from "../core/environment/inspect-python.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { openSession } from "../pipeline/command-session.ts";
import { HttpClient } from "../core/net/http-client.ts";
import type { IndexOptions, IndexSession } from "../core/index/index-session.ts";
import { failureMessage } from "../ui/failure-message.ts";
import { progressFor } from "../ui/progress.ts";
import { AdvisoriesUnavailable, InvalidAdvisoryResponse, queryAdvisories } from "../features/audit/advisory-client.ts";
import { NotAWheelhouseIndex } from "../core/index/registry-api.ts";
import { foundLine, formatColumns, formatFixes, formatJson, vulnerableResults, type AuditResult } from "../features/audit/audit-report.ts";
import { environmentSource, requirementsSource, UnpinnedRequirements, type AuditedDependency, type AuditSource } from "../features/audit/audit-sources.ts";
import { fixFindings } from "../features/audit/fix-findings.ts";

const FOUND = 1;
const ERROR = 1;

export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const json = o.auditFormat === "json";
  const print = (text: string): void => void (text === "" ? undefined : ctx.stdout.write(text));
  const warn = (message: string): void => void (o.quiet > 1 ? undefined : ctx.stderr.write(`WARNING: ${redactUrlsInText(message)}\n`));
  const fail = (message: string): number => {
    ctx.stderr.write(`${redactUrlsInText(message.startsWith("ERROR: ") ? message : `ERROR: ${message}`)}\n`);
    return ERROR;
  };
  if (o.dryRun && !o.fix) warn("--dry-run does nothing without --fix.");

  const fromFiles = o.requirements.length > 0;
  let session = null as IndexSession | null;
  let fetcher = null as HttpClient | null;
  const progress = !json && o.progressBar !== "off" ? progressFor(ctx.stdout, o.quiet) : null;
  try {
    // ---- what to audit ----
    let env = null as InspectedEnvironment | null;
    let indexOptions: IndexOptions = o;
    const readSource = async (): Promise<AuditSource> => {
      if (!fromFiles) return environmentSource((env ??= await targetEnvironment(o, ctx.env)));
      const source = await requirementsSource(o.requirements, {
        env: ctx.env,
        cwd: ctx.cwd,
        fetch: async (url) => (await (fetcher ??= new HttpClient({ timeout: o.timeout, retries: o.retries, cwd: ctx.cwd })).get(url)).text(),
      });
      // As install does, the files' `-i`, `--extra-index-url` and `--trusted-host` lines apply.
      indexOptions = {
        ...o,
        indexUrl: source.options.indexUrl ?? o.indexUrl,
        extraIndexUrls: [...o.extraIndexUrls, ...source.options.extraIndexUrls],
        trustedHosts: [...o.trustedHosts, ...source.options.trustedHosts],
      };
      return source;
    };
    const source = await readSource();
    for (const s of source.skipped) warn(`${s.name} is not audited: ${s.reason}.`);
    if (indexOptions.noIndex) return fail("audit asks the index's registry for advisories; it cannot run with --no-index.");

    // ---- ask the registry ----
    session = openSession(ctx, {}, indexOptions);
    const audit = async (dependencies: readonly AuditedDependency[]): Promise<AuditResult[]> => {
      const answers = await queryAdvisories(
        session!.http,
        indexOptions.indexUrl,
        dependencies.map((d) => ({ name: d.displayName, version: d.version })),
      );
      return dependencies.map((dependency, i) => ({ dependency, vulnerabilities: answers[i]!.vulnerabilities.filter((v) => v.withdrawn === null) }));
    };
    const results = await audit(source.dependencies);
    const findings = vulnerableResults(results);

    if (!o.fix || findings.length === 0) {
      if (json) print(formatJson(results, source.skipped, []));
      else print(findings.length === 0 ? "No known vulnerabilities found\n" : `${formatColumns(results)}${foundLine(results)}\n`);
      return findings.length > 0 ? FOUND : 0;
    }

    // ---- --fix ----
    const fixes = await fixFindings({
      findings,
      session,
      env: fromFiles ? null : env,
      cwd: ctx.cwd,
      dryRun: o.dryRun,
      // As install: no bytecode unless --compile (or compile = yes in pip.conf) asks for it.
      compile: ctx.origins.compile !== undefined && o.compile,
      reporter: {
        info: (line) => void (o.verbose > 0 ? (progress ? progress.log(line) : ctx.stderr.write(`${line}\n`)) : undefined),
        warning: (line) => warn(line),
      },
      progress,
    });

    // Audit again what the fix left (with --dry-run nothing changed: the findings stand).
    const after = o.dryRun ? results : await audit((await readSource()).dependencies);
    const remaining = vulnerableResults(after);
    if (fromFiles && !o.dryRun && fixes.some((f) => f.kind === "fixed")) {
      warn("the other pins were not re-resolved: run `wheelhouse lock` to check that the fixed versions resolve together.");
    }
    if (json) print(formatJson(results, source.skipped, fixes));
    else {
      print(`${formatColumns(results)}${foundLine(results)}\n`);
      print(formatFixes(fixes, o.dryRun));
      if (remaining.length === 0) print("No known vulnerabilities remain\n");
      else if (!o.dryRun) {
        // The table again only when the fix changed it.
        const changed = count(remaining) !== count(findings);
        print(`${changed ? formatColumns(after) : ""}${foundLine(after, "Still found")}\n`);
      }
    }
    return remaining.length > 0 ? FOUND : 0;
  } catch (e) {
    if (e instanceof AdvisoriesUnavailable || e instanceof NotAWheelhouseIndex || e instanceof InvalidAdvisoryResponse || e instanceof UnpinnedRequirements) {
      return fail(e.message);
    }
    const message = failureMessage(e);
    if (message !== null) return fail(message);
    throw e;
  } finally {
    progress?.clear();
    await fetcher?.close();
    await session?.close();
  }
}

function count(results: readonly AuditResult[]): number {
  return results.reduce((n, r) => n + r.vulnerabilities.length, 0);
}
