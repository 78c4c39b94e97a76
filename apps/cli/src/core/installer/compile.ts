/**
 * Byte-compilation with the target interpreter (its magic number and cache tag), of staged
 * files, each written where Python will look for it once the file is in place.
 */
import { spawn } from "node:child_process";

// py_compile with the default invalidation mode, as pip's compileall.compile_file(force=True).
const COMPILE_SCRIPT = String.raw`
import importlib.util, json, py_compile, sys, warnings
warnings.filterwarnings("ignore")
jobs = json.load(sys.stdin)
out = []
for src, cfile, dfile in jobs:
    try:
        py_compile.compile(src, cfile=cfile, dfile=dfile, doraise=True)
        out.append(importlib.util.cache_from_source(dfile))
    except Exception:
        out.append(None)
sys.stdout.write(json.dumps(out))
`;

export interface CompileJob {
  /** The staged source. */
  source: string;
  /** Where to write the .pyc now (a staging slot). */
  output: string;
  /** The source's final path: recorded in the .pyc and used to name it. */
  finalSource: string;
}

/** For each job, the final .pyc path, or null when the source does not compile (pip skips those too). */
export async function compileFiles(python: string, jobs: CompileJob[]): Promise<(string | null)[]> {
  if (jobs.length === 0) return [];
  const child = spawn(python, ["-c", COMPILE_SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin.end(JSON.stringify(jobs.map((j) => [j.source, j.output, j.finalSource])));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`Byte-compiling with ${python} failed: ${stderr.trim()}`);
  return JSON.parse(stdout) as (string | null)[];
}
