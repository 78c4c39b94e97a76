/**
 * What install, download and lock read before resolving: the command-line requirements, `-e`
 * arguments, `-r` files (with the index options their lines set, as pip applies them to the
 * whole run) and `-c` constraint files.
 */
import type { CommandContext } from "../core/config/cli-options.ts";
import { failureMessage } from "../ui/failure-message.ts";
import { HttpClient } from "../core/net/http-client.ts";
import type { IndexOptions } from "../core/index/index-session.ts";
import { parseEditableArgs, parseRequirementArgs, parseRequirementsFile } from "../core/requirements/requirements-files.ts";
import type { RequirementLine } from "@wheelhouse/packaging";

export interface ReadRequirements {
  /** Command-line arguments and `-r` lines, in order. */
  requirements: RequirementLine[];
  /** `-c` files (and `-c` lines inside `-r` files). */
  constraints: RequirementLine[];
  /** `-e` arguments and lines. */
  editables: RequirementLine[];
  /** The command's index options with what the files set. */
  options: IndexOptions;
  /** `--require-hashes` on the command line or in a file. */
  requireHashes: boolean;
  preferBinary: boolean;
}

/** Reads every requirement source of the command; throws InvalidRequirements with pip's message. */
export async function readRequirements(ctx: CommandContext): Promise<ReadRequirements> {
  const o = ctx.options;
  const options: IndexOptions = { ...o, extraIndexUrls: [...o.extraIndexUrls], findLinks: [...o.findLinks], trustedHosts: [...o.trustedHosts] };
  const requirements = parseRequirementArgs(ctx.args, { cwd: ctx.cwd });
  const editables = parseEditableArgs(o.editables, { cwd: ctx.cwd });
  const constraints: RequirementLine[] = [];
  let requireHashes = o.requireHashes;
  let preferBinary = o.preferBinary;
  let fetcher = null as HttpClient | null;
  const read = async (file: string, isConstraint: boolean): Promise<void> => {
    const parsed = await parseRequirementsFile(file, {
      env: ctx.env,
      cwd: ctx.cwd,
      isConstraint,
      formatControl: { onlyBinary: options.onlyBinary, noBinary: options.noBinary },
      fetch: async (url) => (await (fetcher ??= new HttpClient({ timeout: o.timeout, retries: o.retries, cwd: ctx.cwd })).get(url)).text(),
    });
    for (const warning of parsed.warnings) ctx.stderr.write(`WARNING: ${warning}\n`);
    for (const line of parsed.requirements) (line.editable ? editables : requirements).push(line);
    constraints.push(...parsed.constraints);
    const f = parsed.options;
    if (f.indexUrl !== undefined) options.indexUrl = f.indexUrl;
    options.extraIndexUrls.push(...f.extraIndexUrls);
    options.findLinks.push(...f.findLinks);
    options.trustedHosts.push(...f.trustedHosts);
    if (f.noIndex) options.noIndex = true;
    if (f.pre) options.pre = true;
    if (f.requireHashes) requireHashes = true;
    if (f.preferBinary) preferBinary = true;
    options.onlyBinary = f.onlyBinary;
    options.noBinary = f.noBinary;
  };
  try {
    for (const file of o.requirements) await read(file, false);
    for (const file of o.constraints) await read(file, true);
  } finally {
    await fetcher?.close();
  }
  return { requirements, constraints, editables, options, requireHashes, preferBinary };
}

/** readRequirements for a command: a bad file or line is printed as pip prints it, and null returned (exit 1). */
export async function readRequirementsOrReport(ctx: CommandContext): Promise<ReadRequirements | null> {
  try {
    return await readRequirements(ctx);
  } catch (e) {
    const message = failureMessage(e);
    if (message === null) throw e;
    ctx.stderr.write(`${message}\n`);
    return null;
  }
}
