/**
 * `wheelhouse search TERM... [-i URL]` — `pip search` against a Wheelhouse registry: the index
 * URL's registry is asked (`{root}api/search`, see features/search/search-client.ts) for projects whose
 * name or summary match every term, best match first, printed as pip printed them, with what the
 * target interpreter has installed marked. Exit status as pip's: 0 with hits, 23 without
 * (NO_MATCHES_FOUND), 1 on an error.
 */
import type { NormalizedName } from "@wheelhouse/packaging";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { openSession } from "../pipeline/command-session.ts";
import { HttpError, NetworkError } from "../core/net/errors.ts";
import { NotAWheelhouseIndex } from "../core/index/registry-api.ts";
import { installedDistributions } from "../core/installer/installed-distributions.ts";
import { formatHits } from "../features/search/format-hits.ts";
import { searchIndex, SearchFailed } from "../features/search/search-client.ts";
import type { ProgressStream } from "../ui/progress.ts";

/** pip's status when a search finds nothing. */
export const NO_MATCHES_FOUND = 23;

export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const fail = (message: string): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  const terms = ctx.args.map((a) => a.trim()).filter((a) => a !== "");
  if (terms.length === 0) return fail('Missing required argument (search query). (see "wheelhouse help search")');
  if (o.noIndex) return fail("search asks an index: it cannot run with --no-index");

  // What the target has installed is read while the registry answers; without an interpreter, nothing is marked.
  const installed = installedVersions(ctx).catch(() => new Map<NormalizedName, string>());
  const session = openSession(ctx, {});
  try {
    const hits = await searchIndex(session.http, o.indexUrl, terms);
    if (hits.length === 0) {
      ctx.stderr.write(`No packages found matching '${terms.join(" ")}'.\n`);
      return NO_MATCHES_FOUND;
    }
    const stream = ctx.stdout as ProgressStream;
    const terminalWidth = stream.isTTY === true && typeof stream.columns === "number" ? stream.columns : undefined;
    for (const line of formatHits(hits, { installed: await installed, ...(terminalWidth !== undefined ? { terminalWidth } : {}) }))
      ctx.stdout.write(`${line}\n`);
    return 0;
  } catch (e) {
    if (e instanceof NotAWheelhouseIndex || e instanceof SearchFailed || e instanceof HttpError || e instanceof NetworkError) return fail(e.message);
    throw e;
  } finally {
    await session.close();
  }
}

async function installedVersions(ctx: CommandContext): Promise<Map<NormalizedName, string>> {
  const env = await targetEnvironment({ ...ctx.options, target: null, prefix: null, user: false }, ctx.env);
  return new Map((await installedDistributions(env)).map((d) => [d.name, d.version]));
}
