/**
 * `wheelhouse hash [-a sha256|sha384|sha512] FILE...` — pip's `hash` command: the `--hash` line to
 * put in a requirements file for each archive (pip/_internal/commands/hash.py).
 */
import { resolve } from "node:path";
import type { CommandContext } from "../core/config/cli-options.ts";
import { hashFile } from "../core/hashes/hashing.ts";

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write("Usage: wheelhouse hash [options] <file> ...\n");
    return 1;
  }
  const algorithm = ctx.options.algorithm;
  for (const path of ctx.args) {
    let digest: string;
    try {
      digest = (await hashFile(resolve(ctx.cwd, path), [algorithm]))[algorithm]!;
    } catch (e) {
      const code = (e as { code?: string }).code;
      const reason = code === "ENOENT" ? "No such file or directory" : code === "EISDIR" ? "Is a directory" : (e as Error).message;
      ctx.stderr.write(`ERROR: Could not read ${path}: ${reason}\n`);
      return 1;
    }
    // pip prints the path as given.
    ctx.stdout.write(`${path}:\n--hash=${algorithm}:${digest}\n`);
  }
  return 0;
}
