/**
 * The target environment for a command's options: the interpreter chosen as pip's users expect
 * (`--python`, else $VIRTUAL_ENV, else python3 on PATH) and the scheme the options ask for.
 */
import { findPython } from "./find-python.ts";
import { inspectPython, type InspectedEnvironment, type InstallScheme } from "./inspect-python.ts";

export interface TargetOptions {
  python: string | null;
  cacheDir: string;
  noCacheDir: boolean;
  user?: boolean;
  prefix?: string | null;
  target?: string | null;
}

/** The install scheme the options select: --target, --prefix, --user, or pip's default. */
export function schemeFor(options: TargetOptions): InstallScheme {
  if (options.target) return { kind: "target", target: options.target };
  if (options.prefix) return { kind: "prefix", prefix: options.prefix };
  if (options.user) return { kind: "user" };
  return { kind: "default" };
}

export async function targetEnvironment(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Promise<InspectedEnvironment> {
  const python = await findPython({ python: options.python ?? undefined, env });
  return inspectPython(python, { cacheDir: options.noCacheDir ? undefined : options.cacheDir, scheme: schemeFor(options) });
}
