/**
 * What `freeze` prints for an editable install, as pip does (operations/freeze.py
 * `_get_editable_info`, vcs/git.py): a project directory under Git becomes
 * `git+<remote>@<commit>#egg=<name>[&subdirectory=…]`; otherwise the directory itself, after a
 * comment saying why. Git is the only version control asked (pip asks Mercurial, Subversion and
 * Bazaar too).
 */
import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export interface EditableInfo {
  /** The requirement after `-e `. */
  requirement: string;
  /** Comment lines printed before it. */
  comments: string[];
}

// pip's SCP_REGEX: `user@host:path` (the path starting with a word character, so `C:/x` is no match).
const SCP = /^(\w+@)?([^/:]+):(\w[^:]*)$/;

/**
 * pip's freeze entry for an editable install of `displayName` at `location`; `display` is its
 * `name==version`.
 */
export async function editableInfo(location: string, displayName: string, display: string): Promise<EditableInfo> {
  const dir = path.resolve(location);
  const plain = { requirement: dir, comments: [`# Editable install with no version control (${display})`] };
  if (!(await gitRoot(dir))) return plain;

  const remotes = await git(dir, ["config", "--get-regexp", "remote\\..*\\.url"]);
  if (remotes === null || (remotes.code !== 0 && remotes.code !== 1)) return { requirement: dir, comments: ["## !! Could not determine repository location"] };
  const lines = remotes.stdout.split(/\r?\n/).filter((l) => l !== "");
  if (lines.length === 0) return { requirement: dir, comments: [`# Editable Git install with no remote (${display})`] };
  const found = lines.find((l) => l.startsWith("remote.origin.url ")) ?? lines[0]!;
  const remote = (found.split(" ")[1] ?? "").trim();
  const url = pipUrl(remote);
  if (url === null) {
    return { requirement: dir, comments: [`# Editable Git install (${display}) with either a deleted local remote or invalid URI:`, `# '${remote}'`] };
  }
  const head = await git(dir, ["rev-parse", "HEAD"]);
  const gitDir = await git(dir, ["rev-parse", "--git-dir"]);
  if (head?.code !== 0 || gitDir?.code !== 0) return { requirement: dir, comments: ["## !! Could not determine repository location"] };
  const subdirectory = projectSubdirectory(dir, path.resolve(dir, gitDir.stdout.trim(), ".."));
  const requirement = `git+${url}@${head.stdout.trim()}#egg=${displayName.replace(/-/g, "_")}${subdirectory ? `&subdirectory=${subdirectory}` : ""}`;
  return { requirement, comments: [] };
}

/** pip's Git.get_repository_root: the directory itself when it holds `.git`, else `git rev-parse --show-toplevel`. */
async function gitRoot(dir: string): Promise<string | null> {
  if (existsSync(path.join(dir, ".git"))) return dir;
  const r = await git(dir, ["rev-parse", "--show-toplevel"]);
  return r?.code === 0 ? path.normalize(r.stdout.replace(/[\r\n]+$/, "")) : null;
}

/** pip's _git_remote_to_pip_url: a URL as is, a local path as a file: URL, SCP shorthand as ssh://; null when it is none of them. */
function pipUrl(remote: string): string | null {
  if (/^\w+:\/\//.test(remote)) return remote;
  if (existsSync(remote)) return pathToFileURL(path.resolve(remote)).href;
  const scp = SCP.exec(remote);
  if (scp) return `ssh://${scp[1] ?? ""}${scp[2]}/${scp[3]}`;
  return null;
}

/** pip's find_path_to_project_root_from_repo_root: the project root (a directory with pyproject.toml or setup.py) relative to the repository root. */
function projectSubdirectory(location: string, repoRoot: string): string | null {
  let dir = location;
  while (!existsSync(path.join(dir, "pyproject.toml")) && !existsSync(path.join(dir, "setup.py"))) {
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  const same = (a: string, b: string): boolean => {
    try {
      return realpathSync(a) === realpathSync(b);
    } catch {
      return path.resolve(a) === path.resolve(b);
    }
  };
  return same(dir, repoRoot) ? null : path.relative(repoRoot, dir);
}

/** Runs git in `cwd`; null when it cannot run at all (not installed, no such directory). */
function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string } | null> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, encoding: "utf8" }, (error, stdout) => {
      if (error && typeof error.code !== "number") resolve(null);
      else resolve({ code: error ? (error.code as number) : 0, stdout });
    });
  });
}
