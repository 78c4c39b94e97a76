/**
 * `~/.pypirc`, read as twine reads it (twine/utils.py get_config, with Python's RawConfigParser):
 * `[distutils] index-servers = …` names the repository sections; each section may set
 * `repository`, `username`, `password`, `ca_cert`, `client_cert`; `[server-login]` gives the
 * (obsolete) default username and password. https://packaging.python.org/specifications/pypirc/
 *
 * Unlike twine, no section gets an implicit URL: Wheelhouse never falls back to upload.pypi.org.
 */
import { CliError } from "../../core/cli-error.ts";
import { readFile } from "node:fs/promises";

export class InvalidPypirc extends CliError {
  override name = "InvalidPypirc";
}

/** One repository's settings; null where the file says nothing. */
export interface RepositoryConfig {
  repository: string | null;
  username: string | null;
  password: string | null;
  caCert: string | null;
  clientCert: string | null;
}

export interface Pypirc {
  /** `[distutils] index-servers`, default `pypi testpypi` as in twine. */
  indexServers: string[];
  /** Section name → key (lower case) → value, every section of the file. */
  sections: Map<string, Map<string, string>>;
}

const SECTION_RE = /^\[([^\]]+)\]\s*$/;
const OPTION_RE = /^([^:=\s][^:=]*?)\s*[:=]\s*(.*)$/;

/** Parses the INI dialect of RawConfigParser: `key = value` or `key: value`, indented continuation lines, `#`/`;` comments. */
export function parsePypirc(text: string, source = ".pypirc"): Pypirc {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  let lastKey: string | null = null;
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  lines.forEach((line, n) => {
    if (/^\s*([#;].*)?$/.test(line)) {
      // A blank line inside a value is kept by configparser only before more indented lines; a
      // trailing one is stripped at the end, so dropping it loses nothing pypirc values use.
      return;
    }
    if (/^\s/.test(line) && current && lastKey !== null) {
      current.set(lastKey, `${current.get(lastKey)!}\n${line.trim()}`);
      return;
    }
    const section = SECTION_RE.exec(line);
    if (section) {
      const name = section[1]!;
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      lastKey = null;
      return;
    }
    const option = OPTION_RE.exec(line);
    if (!option) throw new InvalidPypirc(`${source}, line ${n + 1}: expected \`key = value\` or a [section], got ${JSON.stringify(line.trim())}`);
    if (!current) throw new InvalidPypirc(`${source}, line ${n + 1}: \`${option[1]!.trim()}\` comes before any [section]`);
    lastKey = option[1]!.trim().toLowerCase();
    current.set(lastKey, option[2]!.trim());
  });
  const servers = sections.get("distutils")?.get("index-servers");
  const indexServers = (servers ?? "pypi testpypi").split(/\s+/).filter((s) => s !== "");
  return { indexServers, sections };
}

/** The file at `path`, or null when it does not exist. */
export async function readPypirc(path: string): Promise<Pypirc | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return null;
    throw new InvalidPypirc(`Cannot read ${path}: ${(e as Error).message}`);
  }
  return parsePypirc(text, path);
}

/**
 * The settings of repository `name`, or null when the file has no such section among its
 * index-servers (twine: "Missing '<name>' section"). `[server-login]` fills username and password.
 */
export function repositoryConfig(pypirc: Pypirc, name: string): RepositoryConfig | null {
  const login = pypirc.sections.get("server-login");
  const section = pypirc.indexServers.includes(name) ? pypirc.sections.get(name) : undefined;
  if (!section) return null;
  const value = (key: string): string | null => section.get(key) ?? null;
  return {
    repository: value("repository"),
    username: value("username") ?? login?.get("username") ?? null,
    password: value("password") ?? login?.get("password") ?? null,
    caCert: value("ca_cert"),
    clientCert: value("client_cert"),
  };
}
