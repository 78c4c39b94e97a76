/**
 * `wheelhouse check` — pip's dependency check of the installed set: missing requirements and
 * installed versions outside a requirement's specifier, with pip's messages; status 1 if any.
 */
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { checkInstalled } from "../core/installer/check-installed.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const env = await targetEnvironment(ctx.options, ctx.env);
  const { lines, broken } = await checkInstalled(env);
  for (const line of lines) ctx.stdout.write(`${line}\n`);
  return broken ? 1 : 0;
}
