/**
 * ~/.netrc as pip reads it (through requests.utils.get_netrc_auth and Python's netrc module).
 *
 * Our own parser: the npm ones (`netrc`, `netrc-parser`) are unmaintained and do not follow
 * Python's rules, which are what pip users' files are written against:
 * - tokens separated by whitespace; `"quoted tokens"` and backslash escapes;
 * - `machine NAME`, `default`, then `login` (or `user`), `password`, `account` in any order;
 * - `macdef NAME` starts a macro that runs to the next blank line (skipped);
 * - `#` starts a comment at the top level, and ends an entry inside one;
 * - a machine named twice: the later entry wins (Python's dict), `default` applies to every other host.
 * As requests does, the file is `$NETRC`, else the first of `~/.netrc`, `~/_netrc` that exists;
 * a file that does not parse is ignored (with a warning here, where requests is silent).
 */
import { CliError } from "../cli-error.ts";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export class InvalidNetrc extends CliError {
  override name = "InvalidNetrc";
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${reason} (${file}, line ${line})`);
  }
}

export interface NetrcEntry {
  login: string;
  account: string;
  password: string;
}

export interface Netrc {
  /** Machine name → entry; the `default` entry is under "default". */
  hosts: Map<string, NetrcEntry>;
  macros: Map<string, string[]>;
}

interface Token {
  text: string;
  line: number;
  /** A quoted token is never a keyword or a comment. */
  quoted: boolean;
}

class Lexer {
  private pos = 0;
  private line = 1;
  private pushed: Token[] = [];
  constructor(private readonly text: string) {}

  next(): Token | null {
    if (this.pushed.length > 0) return this.pushed.pop()!;
    const t = this.text;
    while (this.pos < t.length && /\s/.test(t[this.pos]!)) {
      if (t[this.pos] === "\n") this.line++;
      this.pos++;
    }
    if (this.pos >= t.length) return null;
    const line = this.line;
    let out = "";
    if (t[this.pos] === '"') {
      this.pos++;
      while (this.pos < t.length && t[this.pos] !== '"') {
        if (t[this.pos] === "\\" && this.pos + 1 < t.length) this.pos++;
        if (t[this.pos] === "\n") this.line++;
        out += t[this.pos++];
      }
      this.pos++; // closing quote
      return { text: out, line, quoted: true };
    }
    while (this.pos < t.length && !/\s/.test(t[this.pos]!)) {
      if (t[this.pos] === "\\" && this.pos + 1 < t.length) this.pos++;
      out += t[this.pos++];
    }
    return { text: out, line, quoted: false };
  }

  push(token: Token): void {
    this.pushed.push(token);
  }

  /** The rest of the current line (after a `#` comment). */
  skipLine(): void {
    const end = this.text.indexOf("\n", this.pos);
    this.pos = end === -1 ? this.text.length : end;
  }

  /** Lines up to the next blank line (a macdef body), consumed. */
  readMacro(): string[] {
    const lines: string[] = [];
    this.skipLine();
    if (this.pos < this.text.length) {
      this.pos++;
      this.line++;
    }
    while (this.pos < this.text.length) {
      const end = this.text.indexOf("\n", this.pos);
      const lineText = this.text.slice(this.pos, end === -1 ? this.text.length : end);
      this.pos = end === -1 ? this.text.length : end + 1;
      this.line++;
      if (lineText.trim() === "") break;
      lines.push(lineText);
    }
    return lines;
  }
}

/** Parses netrc text; throws InvalidNetrc naming the line. */
export function parseNetrc(text: string, file = "<netrc>"): Netrc {
  const netrc: Netrc = { hosts: new Map(), macros: new Map() };
  const lexer = new Lexer(text);
  for (;;) {
    const token = lexer.next();
    if (token === null) return netrc;
    if (!token.quoted && token.text.startsWith("#")) {
      lexer.skipLine();
      continue;
    }
    let entryName: string;
    if (!token.quoted && token.text === "machine") {
      const name = lexer.next();
      if (name === null) throw new InvalidNetrc(file, token.line, "missing machine name");
      entryName = name.text;
    } else if (!token.quoted && token.text === "default") {
      entryName = "default";
    } else if (!token.quoted && token.text === "macdef") {
      const name = lexer.next();
      if (name === null) throw new InvalidNetrc(file, token.line, "missing macdef name");
      netrc.macros.set(name.text, lexer.readMacro());
      continue;
    } else {
      throw new InvalidNetrc(file, token.line, `bad toplevel token ${JSON.stringify(token.text)}`);
    }
    const entry: NetrcEntry = { login: "", account: "", password: "" };
    for (;;) {
      const follower = lexer.next();
      if (follower === null || (!follower.quoted && (follower.text.startsWith("#") || ["machine", "default", "macdef"].includes(follower.text)))) {
        if (follower !== null) lexer.push(follower);
        break;
      }
      const field = follower.text;
      if (field !== "login" && field !== "user" && field !== "account" && field !== "password") {
        throw new InvalidNetrc(file, follower.line, `bad follower token ${JSON.stringify(field)}`);
      }
      const value = lexer.next();
      if (value === null) throw new InvalidNetrc(file, follower.line, `missing value for ${field}`);
      if (field === "account") entry.account = value.text;
      else if (field === "password") entry.password = value.text;
      else entry.login = value.text;
    }
    netrc.hosts.set(entryName, entry);
  }
}

/** The host of a netloc, without port or IPv6 brackets, lower-cased (what netrc matches). */
export function netrcHost(netloc: string): string {
  const bracket = /^\[([^\]]+)\]/.exec(netloc);
  if (bracket) return bracket[1]!.toLowerCase();
  return netloc.split(":")[0]!.toLowerCase();
}

/** The entry for a host, else the `default` entry (Python's netrc.authenticators). */
export function netrcAuthenticators(netrc: Netrc, host: string): NetrcEntry | null {
  const exact = netrc.hosts.get(host);
  if (exact) return exact;
  // Host names are case-insensitive (Python compares them as written; "PyPI.corp" should still match).
  const lower = host.toLowerCase();
  for (const [name, entry] of netrc.hosts) if (name !== "default" && name.toLowerCase() === lower) return entry;
  return netrc.hosts.get("default") ?? null;
}

/** The netrc file requests would read: `$NETRC`, else `~/.netrc` or `~/_netrc`; null when none exists. */
export function netrcPath(env: NodeJS.ProcessEnv): string | null {
  if (env.NETRC !== undefined) return existsSync(env.NETRC) ? env.NETRC : null;
  const home = env.HOME || homedir();
  for (const name of [".netrc", "_netrc"]) {
    const path = join(home, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** Reads and parses a netrc file; null when it is missing. Throws InvalidNetrc. */
export function readNetrc(path: string): Netrc | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  return parseNetrc(text, path);
}

/** requests' choice of user: the login, else the account; with the password. */
export function netrcCredentials(entry: NetrcEntry): { username: string; password: string } {
  return { username: entry.login || entry.account, password: entry.password };
}
