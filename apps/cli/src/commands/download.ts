/**
 * `wheelhouse download [-d DIR] REQUIREMENT... [-r FILE]` — pip's `download` command: the archive
 * each requirement selects for the target, checked against the index's and the requirement's
 * hashes, saved into DIR (default: the current directory).
 *
 * Dependencies are followed by the resolver (pipeline/download-archives.ts, or `deps.resolve` in
 * tests); with `--no-deps`, only the named requirements are downloaded.
 */
import { mkdir } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import type { CommandContext } from "../core/config/cli-options.ts";
import { HashMismatch } from "../core/hashes/hash-mismatch.ts";
import { HttpError, NetworkError } from "../core/net/errors.ts";
import { InvalidRequirements } from "../core/requirements/requirements-files.ts";
import { findTarget, openSession, type IndexCommandDeps } from "../pipeline/command-session.ts";
import { chooseArchives, DownloadError, fetchArchives, type DownloadResolver } from "../pipeline/download-archives.ts";
import { readRequirements, type ReadRequirements } from "../pipeline/read-requirements.ts";
import { saveArchive, savedLine } from "../pipeline/save-archive.ts";
import { reportFailure } from "../ui/failure-message.ts";

export interface DownloadDeps extends IndexCommandDeps {
  /** Replaces the resolver (tests): every candidate to download (dependencies included), in order. */
  resolve?: DownloadResolver;
}

export async function run(ctx: CommandContext, deps: DownloadDeps = {}): Promise<number> {
  const error = (message: string): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  let read: ReadRequirements;
  try {
    read = await readRequirements(ctx);
  } catch (e) {
    if (e instanceof InvalidRequirements) return error(e.message);
    throw e;
  }
  const { requirements: lines, constraints, options } = read;
  if (lines.length === 0) return error('You must give at least one requirement to download (see "wheelhouse help download")');
  const target = await (deps.target ?? (() => findTarget(ctx)))();
  const session = openSession(ctx, deps, options);
  try {
    const finder = session.finder(target);
    const items = await chooseArchives(ctx, { requirements: lines, constraints, finder, session, target }, deps.resolve);
    const dest = resolvePath(ctx.cwd, ctx.options.dest ?? ".");
    const paths = await fetchArchives(ctx, session, items);
    await mkdir(dest, { recursive: true });
    for (const [i, item] of items.entries()) ctx.stdout.write(`${savedLine(await saveArchive(paths[i]!, dest, item.file.filename), ctx.cwd)}\n`);
    ctx.stdout.write(`Successfully downloaded ${[...new Set(items.map((i) => i.name))].join(" ")}\n`);
    return 0;
  } catch (e) {
    if (e instanceof HashMismatch) return error(e.message);
    if (e instanceof DownloadError || e instanceof HttpError || e instanceof NetworkError) return error(e.message);
    return reportFailure(e, ctx.stderr);
  } finally {
    await session.close();
  }
}
