/**
 * `wheelhouse show [-f] [-v] names…` — pip's fields (features/inspect/show-text.ts).
 */
import type { CommandContext } from "../core/config/cli-options.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { showText } from "../features/inspect/show-text.ts";

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write("WARNING: ERROR: Please provide a package name or names.\n");
    return 1;
  }
  const env = await targetEnvironment(ctx.options, ctx.env);
  const { text, missing } = await showText(env, ctx.args, { files: ctx.options.files, verbose: ctx.options.verbose >= 1 });
  if (missing.length > 0) ctx.stderr.write(`WARNING: Package(s) not found: ${missing.join(", ")}\n`);
  ctx.stdout.write(text);
  return text === "" ? 1 : 0;
}
