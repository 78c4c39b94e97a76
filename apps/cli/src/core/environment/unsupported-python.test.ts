// `wheelhouse --python <too old a Python>`, run as a user runs it (bin/wheelhouse.cjs in its own
// process): one sentence naming the interpreter and the Pythons that are supported, a non-zero
// status, never the inspection script's SyntaxError or a stack trace.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../bin/wheelhouse.cjs", import.meta.url));

/** pyenv's versions directory (`pyenv root`, else ~/.pyenv), or null. */
function pyenvVersions(): string | null {
  let root: string;
  try {
    root = execFileSync("pyenv", ["root"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    root = path.join(process.env.HOME ?? "", ".pyenv");
  }
  const versions = path.join(root, "versions");
  return existsSync(versions) ? versions : null;
}

/** The interpreter of the first installed pyenv version matching `pattern`, or null. */
function pyenvPython(pattern: RegExp): string | null {
  const versions = pyenvVersions();
  if (versions === null) return null;
  const version = readdirSync(versions).find((v) => pattern.test(v));
  const python = version === undefined ? null : path.join(versions, version, "bin", "python");
  return python !== null && existsSync(python) ? python : null;
}

function wheelhouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: "/dev/null", HOME: mkdtempSync(path.join(tmpdir(), "wh-py-home-")) };
  for (const key of Object.keys(env)) if (key.startsWith("PIP_") && key !== "PIP_CONFIG_FILE") delete env[key];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: tmpdir(), timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

const PYTHON2 = pyenvPython(/^2\.7\./);

test("a Python 2.7 interpreter is refused in one sentence that names the supported Pythons", {
  skip: PYTHON2 === null ? "no Python 2.7 under pyenv on this machine" : false,
  timeout: 300_000,
}, async () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), "wh-py-cache-"));
  const commands = [["list"], ["freeze"], ["install", "--dry-run", "--no-index", "anything"], ["lock", "--no-index", "anything"]];
  for (const command of commands) {
    const result = await wheelhouse(["--python", PYTHON2!, "--cache-dir", cacheDir, ...command]);
    const label = `wheelhouse --python ${PYTHON2} ${command.join(" ")}`;
    assert.notEqual(result.code, 0, `${label} must fail`);
    assert.equal(
      result.stderr.trim(),
      `ERROR: Python ${/(2\.7\.\d+)/.exec(PYTHON2!)![1]} at ${PYTHON2} is not supported: ` +
        `wheelhouse installs into Python 3.6 or later (give one with --python).`,
      label,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /SyntaxError|Exception|\n\s+at /, label);
  }
});

const PYTHON36 = pyenvPython(/^3\.6\./);

test("Python 3.6, the oldest supported, is used as before", {
  skip: PYTHON36 === null ? "no Python 3.6 under pyenv on this machine" : false,
  timeout: 120_000,
}, async () => {
  const result = await wheelhouse(["--python", PYTHON36!, "list", "--format", "freeze"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^pip==/m);
});
