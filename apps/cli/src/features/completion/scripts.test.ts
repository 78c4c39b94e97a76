// The completion scripts, run in the real shells: bash (COMP_WORDS/COMP_CWORD set, COMPREPLY
// read), zsh (a real completion in a pseudo-terminal, the matches captured from compadd) and fish
// (`complete -C`). Each shell gets the same questions and must give the same answers.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { COMMANDS, specsFor } from "../../core/config/cli-options.ts";
import { removeDir, tempDir } from "../../../test/installer-support.ts";
import { main } from "../../main.ts";
import { completionScript } from "./scripts.ts";

const execFileAsync = promisify(execFile);

function installed(shell: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${shell}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A command line (the word being completed last, "" for a new word) and the sorted completions expected. */
const CASES: [string[], string[]][] = [
  [["sy"], ["sync"]],
  [["--python", "/usr/bin/python3", "tr"], ["tree"]],
  [["help", "tr"], ["tree"]],
  [["tree", "--for"], ["--format"]],
  [
    ["tree", "--format", ""],
    ["json", "text"],
  ],
  [["tree", "--format", "j"], ["json"]],
  [
    ["list", "--format", ""],
    ["columns", "freeze", "json"],
  ],
  [["tree", "--rev"], ["--reverse"]],
  [["sync", "--dr"], ["--dry-run"]],
  [["sync", "--ye"], ["--yes"]],
  [
    ["sync", "--progress-bar", "o"],
    ["off", "on"],
  ],
  [
    ["sync", ""],
    ["dev.txt", "requirements.txt", "subdir"],
  ],
  [["sync", "req"], ["requirements.txt"]],
  [["sync", "-c", "d"], ["dev.txt"]],
  [["--cache-dir", ""], ["subdir"]],
  [["install", "--target", "s"], ["subdir"]],
  [
    ["completion", ""],
    ["bash", "fish", "zsh"],
  ],
  [["completion", "bash", ""], []],
  [["install", "-i", ""], []],
  [["--keyring-provider", "d"], ["disabled"]],
];

describe("completion scripts", () => {
  let dir: string;
  let cwd: string;
  const env = () => ({
    PATH: process.env.PATH ?? "",
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, "xdg-config"),
    XDG_DATA_HOME: path.join(dir, "xdg-data"),
    TERM: "dumb",
  });

  before(async () => {
    dir = await tempDir("wh-completion-");
    cwd = path.join(dir, "work");
    await mkdir(path.join(cwd, "subdir"), { recursive: true });
    await writeFile(path.join(cwd, "requirements.txt"), "");
    await writeFile(path.join(cwd, "dev.txt"), "");
    for (const shell of ["bash", "zsh", "fish"] as const) await writeFile(path.join(dir, `wheelhouse.${shell}`), completionScript(shell));
  });
  after(async () => removeDir(dir));

  describe("bash", () => {
    /** Sources the script, sets COMP_WORDS/COMP_CWORD as bash would, runs the function, prints COMPREPLY. */
    async function complete(words: string[]): Promise<string[]> {
      const driver = `source ${JSON.stringify(path.join(dir, "wheelhouse.bash"))}
COMP_WORDS=(wheelhouse "$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
_wheelhouse
printf '%s\\n' "\${COMPREPLY[@]}"`;
      const { stdout } = await execFileAsync("bash", ["--norc", "--noprofile", "-c", driver, "bash", ...words], { cwd, env: env(), timeout: 20_000 });
      return stdout
        .split("\n")
        .filter((l) => l !== "")
        .sort();
    }

    test("the same answers as the other shells", async () => {
      for (const [words, expected] of CASES) assert.deepEqual(await complete(words), expected, words.join(" "));
    });

    test("the commands, then each command's own and general options (from the tables)", async () => {
      assert.deepEqual(await complete([""]), [...COMMANDS.map((c) => c.name), "help"].sort());
      for (const command of COMMANDS) {
        const options = await complete([command.name, "-"]);
        for (const spec of specsFor(command.name)) assert.ok(options.includes(`--${spec.name}`), `${command.name} --${spec.name}`);
        assert.ok(options.includes("--help"));
      }
      assert.ok(!(await complete(["sync", "--"])).includes("--format"), "tree's --format is not sync's");
    });

    test("--opt=value, split at = (COMP_WORDBREAKS) or not", async () => {
      assert.deepEqual(await complete(["tree", "--format", "=", "j"]), ["json"]);
      assert.deepEqual(await complete(["tree", "--format", "="]), ["json", "text"]);
      assert.deepEqual(await complete(["tree", "--format=j"]), ["--format=json"]);
      // A value given as --opt=value is not taken for the command.
      assert.deepEqual(await complete(["--python", "=", "/usr/bin/python3", "tr"]), ["tree"]);
    });
  });

  describe("zsh", { skip: installed("zsh") ? false : "zsh is not installed (apt package: zsh)" }, () => {
    // The inner shell's setup: compinit, TAB completes, compadd prints what it is given, the
    // completion exits the shell when done, and the script.
    before(async () => {
      await writeFile(
        path.join(dir, "zsh-setup.zsh"),
        `PS1='> '
autoload -U compinit && compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
compadd() {
  local a
  for a in "$@"; do
    [[ $a == (-|--) ]] && break
    if [[ $a == -[OAD]* ]]; then builtin compadd "$@"; return; fi
  done
  local -a hits
  builtin compadd -A hits "$@"
  local h
  for h in $hits; do print -r -- "<match>$IPREFIX$h"; done
  (( $#hits ))
}
__wh_done() { print -r -- "<completion-done>"; exit }
comppostfuncs=( __wh_done )
cd ${shQuote(cwd)}
source ${shQuote(path.join(dir, "wheelhouse.zsh"))}
`,
      );
    });

    /**
     * Starts an interactive zsh in a pseudo-terminal (zpty), loads compinit and the script, types
     * the line and a TAB; compadd is wrapped to print each match it is given, and the completion
     * ends the shell once done.
     */
    async function complete(words: string[]): Promise<string[]> {
      const setup = path.join(dir, "zsh-setup.zsh");
      const driver = `zmodload zsh/zpty
zpty wh zsh -f -i
zpty -w wh "source \${(q)1}"
zpty -w -n wh "$2"$'\\t'
local line
while zpty -r wh line; do
  [[ $line == *'<completion-done>'* ]] && break
  [[ $line == *'<match>'* ]] && print -r -- "\${\${line#*<match>}%%$'\\r'*}"
done
zpty -d wh`;
      const line = ["wheelhouse", ...words].join(" ");
      const { stdout } = await execFileAsync("zsh", ["-f", "-c", driver, "zsh", setup, line], { env: env(), timeout: 20_000 });
      return [...new Set(stdout.split("\n").filter((l) => l !== ""))].sort();
    }

    test("the same answers as the other shells", async () => {
      for (const [words, expected] of CASES) assert.deepEqual(await complete(words), expected, words.join(" "));
    });

    test("the commands, and --opt=value", async () => {
      assert.deepEqual(await complete([""]), [...COMMANDS.map((c) => c.name), "help"].sort());
      assert.deepEqual(await complete(["tree", "--format=j"]), ["--format=json"]);
    });
  });

  describe("fish", { skip: installed("fish") ? false : "fish is not installed (apt package: fish)" }, () => {
    async function complete(words: string[]): Promise<string[]> {
      const line = ["wheelhouse", ...words].join(" ");
      const script = `source ${fishQuote(path.join(dir, "wheelhouse.fish"))}; complete -C ${fishQuote(line)}`;
      const { stdout } = await execFileAsync("fish", ["--no-config", "-c", script], { cwd, env: env(), timeout: 20_000 });
      return stdout
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.split("\t")[0]!.replace(/\/$/, ""))
        .sort();
    }

    test("the same answers as the other shells", async () => {
      for (const [words, expected] of CASES) assert.deepEqual(await complete(words), expected, words.join(" "));
    });

    test("the commands with their summaries, and --opt=value", async () => {
      assert.deepEqual(await complete([""]), [...COMMANDS.map((c) => c.name), "help"].sort());
      assert.deepEqual(await complete(["tree", "--format=j"]), ["--format=json"]);
      const { stdout } = await execFileAsync(
        "fish",
        ["--no-config", "-c", `source ${fishQuote(path.join(dir, "wheelhouse.fish"))}; complete -C 'wheelhouse syn'`],
        { env: env() },
      );
      assert.equal(stdout, "sync\tMake the environment match requirements files exactly (install, upgrade, remove).\n");
    });
  });

  test("wheelhouse completion SHELL prints the script; another shell is a usage error naming the supported ones", async () => {
    const run = async (args: string[]) => {
      let stdout = "";
      let stderr = "";
      const code = await main(args, {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: { PATH: process.env.PATH ?? "", PIP_CONFIG_FILE: "/dev/null" },
        cwd: dir,
      });
      return { code, stdout, stderr };
    };
    assert.deepEqual(await run(["completion", "fish"]), { code: 0, stdout: completionScript("fish"), stderr: "" });
    assert.deepEqual(await run(["completion", "powershell"]), {
      code: 2,
      stdout: "",
      stderr: 'ERROR: unknown shell "powershell": the supported shells are bash, zsh, fish.\n',
    });
  });
});

function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
