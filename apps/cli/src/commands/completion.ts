/**
 * `wheelhouse completion bash|zsh|fish` — prints a completion script for the shell, generated
 * from the command and option tables (completion/), with how to load it in its first lines.
 */
import type { CommandContext } from "../core/config/cli-options.ts";
import { SHELLS, type Shell } from "../features/completion/completion-model.ts";
import { completionScript } from "../features/completion/scripts.ts";

export async function run(ctx: CommandContext): Promise<number> {
  const shell = ctx.args[0] ?? "";
  if (!(SHELLS as readonly string[]).includes(shell)) {
    ctx.stderr.write(`ERROR: unknown shell "${shell}": the supported shells are ${SHELLS.join(", ")}.\n`);
    return 2;
  }
  ctx.stdout.write(completionScript(shell as Shell));
  return 0;
}
