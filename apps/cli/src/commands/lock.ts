/**
 * `wheelhouse lock [-r requirements.in] [REQ...] [-c FILE] [-o requirements.txt] [--generate-hashes]`
 * — pip-compile's job: resolve for the target interpreter and write every pin, sorted, with
 * `# via` comments naming who required it and, with --generate-hashes, the sha256 of every file
 * the index offers for that version (any platform's), so the file installs with
 * `pip install --require-hashes -r requirements.txt` anywhere the resolution holds.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import { formatLockFile, lockedPins, relative } from "../features/lock/locked-pins.ts";
import { openSession } from "../pipeline/command-session.ts";
import { readRequirementsOrReport } from "../pipeline/read-requirements.ts";
import { resolveRequirements } from "../pipeline/resolve-requirements.ts";
import { failWith, reportFailure } from "../ui/failure-message.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const fail = failWith(ctx.stderr);
  const read = await readRequirementsOrReport(ctx);
  if (!read) return 1;
  if (read.editables.length > 0) return fail(`ERROR: Editable requirements cannot be locked by this version of wheelhouse: -e ${read.editables[0]!.text}`);
  if (read.requirements.length === 0) return fail('ERROR: You must give at least one requirement to lock (see "wheelhouse help lock")');

  const output = o.output === null || o.output === "-" ? null : path.resolve(ctx.cwd, o.output);
  // Paths in the file are written relative to where the file is (pip-compile's habit).
  const base = output === null ? ctx.cwd : path.dirname(output);
  let session: IndexSession | null = null;
  try {
    const env = await targetEnvironment({ ...o, target: null, prefix: null, user: false }, ctx.env);
    session = openSession(ctx, {}, read.options);
    const finder = session.finder(env);
    const { result, provider } = await resolveRequirements({
      session,
      finder,
      markers: env.markers,
      env: async () => env,
      requirements: read.requirements,
      constraints: read.constraints,
      noDeps: o.noDeps,
      buildIsolation: !o.noBuildIsolation,
      // The pins may go to stdout: everything else goes to stderr.
      reporter: {
        info: (line) => void (o.quiet > 0 ? undefined : ctx.stderr.write(`${line}\n`)),
        warning: (line) => void ctx.stderr.write(`WARNING: ${line}\n`),
      },
    });
    const pins = await lockedPins({
      result,
      provider,
      session,
      requirements: read.requirements,
      markers: env.markers,
      generateHashes: o.generateHashes,
      findLinks: read.options.findLinks,
      base,
      cwd: ctx.cwd,
    });
    const command = ["wheelhouse lock"];
    if (o.generateHashes) command.push("--generate-hashes");
    if (output !== null) command.push(`--output-file=${relative(output, base)}`);
    for (const file of o.requirements) command.push(relative(path.resolve(ctx.cwd, file), base));
    for (const file of o.constraints) command.push(`-c ${relative(path.resolve(ctx.cwd, file), base)}`);
    command.push(...ctx.args.map(shellQuote));
    const text = formatLockFile(pins, { python: env.pythonFullVersion.split(".").slice(0, 2).join("."), command: command.join(" ") });
    if (output === null) ctx.stdout.write(text);
    else await writeFile(output, text);
    return 0;
  } catch (e) {
    return reportFailure(e, ctx.stderr);
  } finally {
    await session?.close();
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./<>~!-]+$/.test(arg) && !/[<>]/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
