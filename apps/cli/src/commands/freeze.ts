/**
 * `wheelhouse freeze [--all] [--local] [--user] [--exclude-editable] [--exclude name]` —
 * pip's format (features/inspect/freeze-lines.ts): `name==version`, `name @ url` for PEP 610 direct
 * URL installs, `-e …` for editable ones; pip, setuptools, wheel and distribute skipped (before
 * Python 3.12) unless --all.
 */
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { freezeLines } from "../features/inspect/freeze-lines.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const env = await targetEnvironment(ctx.options, ctx.env);
  for (const line of await freezeLines(env, ctx.options)) ctx.stdout.write(`${line}\n`);
  return 0;
}
