/**
 * pip's configuration files and PIP_* variables (pip/_internal/configuration.py), read into
 * `section.key` → value with the place each value came from. `load-options.ts` turns the result
 * into `Options`; `commands/config.ts` lists, reads and edits it.
 *
 * Files, lowest priority first (pip's OVERRIDE_ORDER):
 *   global  `$XDG_CONFIG_DIRS/pip/pip.conf` for each entry (default `/etc/xdg`), then `/etc/pip.conf`
 *   user    `~/.pip/pip.conf` (legacy), then `$XDG_CONFIG_HOME/pip/pip.conf` (`~/.config/pip/pip.conf`);
 *           skipped in isolated mode and when PIP_CONFIG_FILE names an existing file
 *   site    `<sys.prefix>/pip.conf` of the target environment
 *   env     the file named by PIP_CONFIG_FILE (`/dev/null` turns every file off)
 *   env-var PIP_<NAME> variables, as section `:env:` (not in isolated mode)
 */
import { CliError } from "../cli-error.ts";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { emptyIniDocument, parseIni, sectionItems, stringifyIni, type IniDocument } from "./ini.ts";

export type Variant = "global" | "user" | "site" | "env" | "env-var";
export type FileVariant = Exclude<Variant, "env-var">;
/** Lowest priority first. */
export const OVERRIDE_ORDER: readonly Variant[] = ["global", "user", "site", "env", "env-var"];

export const CONFIG_BASENAME = "pip.conf";
/** PIP_ variables that are not options (pip's ENV_NAMES_IGNORED, plus the file switch itself). */
const ENV_NAMES_IGNORED = new Set(["version", "help"]);
/** The value of PIP_CONFIG_FILE that disables every configuration file (Python's os.devnull). */
export const DEVNULL = "/dev/null";

export class ConfigurationError extends CliError {
  override name = "ConfigurationError";
}

/** Where one value came from. */
export type ConfigSource = { variant: FileVariant; file: string; section: string; name: string } | { variant: "env-var"; envName: string; name: string };

export interface ConfigValue {
  value: string;
  source: ConfigSource;
}

/** pip's _normalize_name: lower case, `_` → `-`, no leading `--`. */
export function normalizeConfigName(name: string): string {
  let out = name.toLowerCase().replace(/_/g, "-");
  if (out.startsWith("--")) out = out.slice(2);
  return out;
}

/** Splits `section.key`; the message is pip's. */
export function disassembleKey(key: string): [string, string] {
  const dot = key.indexOf(".");
  if (dot === -1) {
    throw new ConfigurationError(`Key does not contain dot separated section and key. Perhaps you wanted to use 'global.${key}' instead?`);
  }
  return [key.slice(0, dot), key.slice(dot + 1)];
}

export interface ConfigLocations {
  global: string[];
  user: string[];
  /** Empty when the target environment is unknown. */
  site: string[];
}

/**
 * The files pip would read, for this environment.
 * `sitePrefix` is the target interpreter's sys.prefix (a venv's directory); see `findSitePrefix`.
 */
export function configLocations(env: NodeJS.ProcessEnv, sitePrefix: string | null): ConfigLocations {
  const home = env.HOME || homedir();
  // appdirs.site_config_dirs("pip") on Linux: each $XDG_CONFIG_DIRS entry (default /etc/xdg) + "/pip", then /etc.
  const xdgDirs = (env.XDG_CONFIG_DIRS || "/etc/xdg").split(":").filter((d) => d !== "");
  const globalFiles = [...xdgDirs.map((d) => join(d, "pip", CONFIG_BASENAME)), join("/etc", CONFIG_BASENAME)];
  const xdgHome = env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : join(home, ".config");
  return {
    global: globalFiles,
    user: [join(home, ".pip", CONFIG_BASENAME), join(xdgHome, "pip", CONFIG_BASENAME)],
    site: sitePrefix ? [join(sitePrefix, CONFIG_BASENAME)] : [],
  };
}

/**
 * The target environment's prefix for the site config file: `$VIRTUAL_ENV`, else the venv the
 * `--python` interpreter belongs to (`<venv>/bin/python` next to `<venv>/pyvenv.cfg`), else null.
 */
export function findSitePrefix(env: NodeJS.ProcessEnv, python: string | null): string | null {
  if (python) {
    const prefix = dirname(dirname(python));
    if (existsSync(join(prefix, "pyvenv.cfg"))) return prefix;
  }
  if (env.VIRTUAL_ENV) return env.VIRTUAL_ENV;
  return null;
}

export interface ConfigurationInit {
  env: NodeJS.ProcessEnv;
  isolated: boolean;
  /** Load only one variant's files (for `config get/set/unset/edit`). */
  loadOnly?: FileVariant | null;
  /** See `findSitePrefix`. */
  sitePrefix: string | null;
  /** The files to read instead of pip's locations (tests; `configLocations` by default). */
  locations?: ConfigLocations;
}

interface LoadedFile {
  variant: FileVariant;
  file: string;
  doc: IniDocument;
  exists: boolean;
}

export class Configuration {
  readonly env: NodeJS.ProcessEnv;
  readonly isolated: boolean;
  readonly loadOnly: FileVariant | null;
  readonly locations: ConfigLocations;
  private readonly files: LoadedFile[] = [];
  private readonly modified = new Set<LoadedFile>();
  /** Per variant: `section.key` → value. */
  private readonly values = new Map<Variant, Map<string, ConfigValue>>(OVERRIDE_ORDER.map((v) => [v, new Map()]));

  constructor(init: ConfigurationInit) {
    this.env = init.env;
    this.isolated = init.isolated;
    this.loadOnly = init.loadOnly ?? null;
    this.locations = init.locations ?? configLocations(init.env, init.sitePrefix);
  }

  /** Reads the files and (unless isolated) the PIP_ variables. Throws ConfigurationError for a malformed file. */
  load(): this {
    this.loadFiles();
    if (!this.isolated) this.loadEnvironmentVars();
    return this;
  }

  /** Each variant with its files, as pip's iter_config_files yields them (PIP_CONFIG_FILE first). */
  configFiles(): Array<[FileVariant, string[]]> {
    const configFile = this.env.PIP_CONFIG_FILE;
    const out: Array<[FileVariant, string[]]> = [["env", configFile !== undefined ? [configFile] : []]];
    out.push(["global", this.locations.global]);
    // pip: a PIP_CONFIG_FILE that exists replaces the user files (it does not add to them).
    const loadUser = !this.isolated && !(configFile && existsSync(configFile));
    if (loadUser) out.push(["user", this.locations.user]);
    out.push(["site", this.locations.site]);
    return out;
  }

  /** `section.key` → value across every loaded variant, highest priority winning. */
  items(): Map<string, ConfigValue> {
    const merged = new Map<string, ConfigValue>();
    for (const variant of OVERRIDE_ORDER) {
      for (const [key, value] of this.values.get(variant)!) merged.set(key, value);
    }
    return merged;
  }

  /** The `section.key` → value pairs one file holds (for `config debug`); empty when it was not loaded. */
  valuesInFile(file: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const loaded of this.files) {
      if (loaded.file !== file) continue;
      for (const [section] of loaded.doc.sections) {
        for (const [name, value] of sectionItems(loaded.doc, section)) out.set(`${section}.${normalizeConfigName(name)}`, value);
      }
    }
    return out;
  }

  /** The PIP_ variables that are read as options: [NAME without PIP_, value], as pip's get_environ_vars. */
  environVars(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [key, value] of Object.entries(this.env)) {
      if (!key.startsWith("PIP_") || value === undefined) continue;
      const name = key.slice(4).toLowerCase();
      if (ENV_NAMES_IGNORED.has(name)) continue;
      out.push([name, value]);
    }
    return out;
  }

  getValue(key: string): string {
    const normalized = normalizeConfigName(key);
    const found = this.items().get(normalized);
    if (found) return found.value;
    disassembleKey(normalized);
    throw new ConfigurationError(`No such key - ${key}`);
  }

  setValue(key: string, value: string): void {
    const normalized = normalizeConfigName(key);
    const target = this.fileToModify();
    const [section, name] = disassembleKey(normalized);
    let sectionMap = target.doc.sections.get(section);
    if (!sectionMap) {
      sectionMap = new Map();
      target.doc.sections.set(section, sectionMap);
    }
    sectionMap.set(name, value);
    this.values.get(target.variant)!.set(normalized, { value, source: { variant: target.variant, file: target.file, section, name } });
    this.modified.add(target);
  }

  unsetValue(key: string): void {
    const normalized = normalizeConfigName(key);
    const variant = this.requireLoadOnly();
    if (!this.values.get(variant)!.has(normalized)) throw new ConfigurationError(`No such key - ${key}`);
    const target = this.fileToModify();
    const [section, name] = disassembleKey(normalized);
    const sectionMap = target.doc.sections.get(section);
    // The file may spell the key with "_" (pip normalizes when reading).
    const written = sectionMap && [...sectionMap.keys()].find((k) => normalizeConfigName(k) === name);
    if (!sectionMap || written === undefined) {
      throw new ConfigurationError(`No such key - ${key} in ${target.file}`);
    }
    sectionMap.delete(written);
    if (sectionMap.size === 0) target.doc.sections.delete(section);
    this.values.get(variant)!.delete(normalized);
    this.modified.add(target);
  }

  /** Writes the files changed by set/unset; returns their paths. */
  save(): string[] {
    const written: string[] = [];
    for (const loaded of this.modified) {
      mkdirSync(dirname(loaded.file), { recursive: true });
      writeFileSync(loaded.file, stringifyIni(loaded.doc));
      written.push(loaded.file);
    }
    this.modified.clear();
    return written;
  }

  /** The file `config edit/set/unset` works on: the last (highest priority) file of the load-only variant. */
  fileToEdit(): string | null {
    return this.files.filter((f) => f.variant === this.loadOnly).at(-1)?.file ?? null;
  }

  private requireLoadOnly(): FileVariant {
    if (this.loadOnly === null) throw new ConfigurationError("Needed a specific file to be modifying.");
    return this.loadOnly;
  }

  private fileToModify(): LoadedFile {
    const variant = this.requireLoadOnly();
    const target = this.files.filter((f) => f.variant === variant).at(-1);
    if (!target) throw new ConfigurationError(`There is no ${variant} configuration file for this environment.`);
    return target;
  }

  private loadFiles(): void {
    const files = this.configFiles();
    const envFiles = files.find(([variant]) => variant === "env")?.[1] ?? [];
    // pip: PIP_CONFIG_FILE=os.devnull skips every configuration file.
    if (envFiles[0] === DEVNULL) return;
    for (const variant of OVERRIDE_ORDER) {
      if (variant === "env-var") continue;
      if (this.loadOnly !== null && variant !== this.loadOnly) continue;
      for (const file of files.find(([v]) => v === variant)?.[1] ?? []) {
        this.loadFile(variant, file);
      }
    }
  }

  private loadFile(variant: FileVariant, file: string): void {
    let text: string | null = null;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        throw new ConfigurationError(`Configuration file ${JSON.stringify(file)} could not be read: ${(e as Error).message}`);
      }
    }
    let doc: IniDocument;
    try {
      doc = text === null ? emptyIniDocument() : parseIni(text, file);
    } catch (e) {
      throw new ConfigurationError((e as Error).message);
    }
    this.files.push({ variant, file, doc, exists: text !== null });
    const target = this.values.get(variant)!;
    for (const [section] of doc.sections) {
      for (const [name, value] of sectionItems(doc, section)) {
        const normalized = normalizeConfigName(name);
        target.set(`${section}.${normalized}`, { value, source: { variant, file, section, name: normalized } });
      }
    }
  }

  private loadEnvironmentVars(): void {
    const target = this.values.get("env-var")!;
    for (const [name, value] of this.environVars()) {
      const normalized = normalizeConfigName(name);
      target.set(`:env:.${normalized}`, { value, source: { variant: "env-var", envName: `PIP_${name.toUpperCase()}`, name: normalized } });
    }
  }
}
