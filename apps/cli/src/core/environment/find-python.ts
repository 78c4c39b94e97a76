/**
 * Chooses the interpreter to install for, as pip's users expect: `--python` (a virtual
 * environment directory or an interpreter), else the active virtual environment, else
 * `python3` on PATH.
 */
import { access, constants, stat } from "node:fs/promises";
import path from "node:path";
import { InterpreterError } from "./inspect-python.ts";

export interface FindPythonOptions {
  /** `--python PATH`: an interpreter or a virtual environment directory. */
  python?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
}

/** Returns the absolute path of the interpreter to use; throws InterpreterError when there is none. */
export async function findPython(options: FindPythonOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const windows = (options.platform ?? process.platform) === "win32";
  if (options.python) {
    const given = path.resolve(options.python);
    const st = await stat(given).catch(() => null);
    if (!st) throw new InterpreterError(`--python ${options.python}: no such file or directory.`);
    if (!st.isDirectory()) return given;
    const inVenv = venvInterpreter(given, windows);
    if (await isExecutable(inVenv)) return inVenv;
    throw new InterpreterError(`--python ${options.python}: the directory is not a virtual environment (no ${path.relative(given, inVenv)}).`);
  }
  if (env.VIRTUAL_ENV) {
    const inVenv = venvInterpreter(env.VIRTUAL_ENV, windows);
    if (await isExecutable(inVenv)) return inVenv;
  }
  const names = windows ? ["python.exe", "python3.exe"] : ["python3", "python"];
  for (const name of names) {
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
      if (!dir) continue;
      const candidate = path.join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  throw new InterpreterError("No Python interpreter found: activate a virtual environment, put python3 on PATH, or pass --python.");
}

function venvInterpreter(dir: string, windows: boolean): string {
  return windows ? path.join(dir, "Scripts", "python.exe") : path.join(dir, "bin", "python");
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
