/**
 * entry_points.txt (the entry points specification) and the launcher scripts pip and
 * pypa/installer write for `console_scripts` and `gui_scripts`.
 */
import { InstallationError } from "./errors.ts";

export interface EntryPoint {
  group: string;
  name: string;
  /** `module:attr.attr [extras]` as written. */
  value: string;
}

/** Parses the INI-style file: `[group]` sections of `name = value` lines; `#`/`;` comments. */
export function parseEntryPoints(text: string): EntryPoint[] {
  const out: EntryPoint[] = [];
  let group: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      group = section[1]!.trim();
      continue;
    }
    const eq = line.indexOf("=");
    if (group === null || eq < 0) continue;
    out.push({ group, name: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return out;
}

/** The console and GUI scripts, by name (a later duplicate wins, as in configparser). */
export function scriptEntryPoints(entryPoints: readonly EntryPoint[]): { console: Map<string, string>; gui: Map<string, string> } {
  const console = new Map<string, string>();
  const gui = new Map<string, string>();
  for (const ep of entryPoints) {
    if (ep.group === "console_scripts") console.set(ep.name, ep.value);
    else if (ep.group === "gui_scripts") gui.set(ep.name, ep.value);
  }
  return { console, gui };
}

const REFERENCE_RE = /^([A-Za-z_][\w.]*)\s*(?::\s*([A-Za-z_][\w.]*))?\s*(\[[^\]]*\])?$/;

/**
 * The launcher for one script entry point: distlib's SCRIPT_TEMPLATE (what pip writes) after
 * a shebang for the target interpreter. A reference without `:callable` is refused, as pip does.
 */
export function launcherScript(python: string, name: string, value: string, platform: NodeJS.Platform = process.platform): string {
  const m = REFERENCE_RE.exec(value);
  if (!m?.[2]) {
    throw new InstallationError(
      `Invalid script entry point: ${name} = ${value} - A callable suffix is required. ` +
        "Cf https://packaging.python.org/specifications/entry-points/#use-for-scripts for more information.",
    );
  }
  const module = m[1]!;
  const func = m[2];
  const importName = func.split(".")[0]!;
  return (
    shebang(python, platform) +
    "# -*- coding: utf-8 -*-\n" +
    "import re\n" +
    "import sys\n" +
    `from ${module} import ${importName}\n` +
    "if __name__ == '__main__':\n" +
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n" +
    `    sys.exit(${func}())\n`
  );
}

/**
 * distlib's shebang: `#!python` when it fits, else (a path with spaces, or longer than the
 * kernel reads: 127 bytes on Linux, 512 on macOS) a `/bin/sh` trampoline that execs Python.
 */
export function shebang(python: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return `#!${python.includes(" ") ? `"${python}"` : python}\n`;
  const max = platform === "darwin" ? 512 : 127;
  const executable = python.includes(" ") ? `"${python}"` : python;
  if (!python.includes(" ") && Buffer.byteLength(python) + 3 <= max) return `#!${python}\n`;
  // distlib writes no newline after the closing quotes: the template's first line follows.
  return `#!/bin/sh\n'''exec' ${executable} "$0" "$@"\n' '''`;
}
