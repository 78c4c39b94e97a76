import { CliError } from "../cli-error.ts";
/**
 * The subset of Python's `configparser.RawConfigParser` that pip.conf files use, read and written
 * the way pip does it. Our own reader, because npm's `ini` has no continuation lines (the
 * indented multi-line values pip.conf uses for `find-links` / `extra-index-url` lists), treats
 * `;`/`#` after a value as a comment (configparser does not by default), and does not reject
 * duplicate keys and sections as configparser's strict mode does.
 *
 * Rules (CPython `configparser.RawConfigParser()` with its defaults):
 * - `[section]` headers; a key/value line before any header is an error.
 * - `key = value` or `key: value`; the key is everything before the first `=` or `:`,
 *   lower-cased; value and key are stripped.
 * - Full-line comments start with `#` or `;` (after optional indentation); there are no inline
 *   comments: `url = http://x # y` keeps `# y` in the value.
 * - A line indented deeper than its key's line continues the value (joined with "\n"); blank
 *   lines inside a value are kept, trailing ones dropped; `key =` followed by indented lines
 *   gives a value starting with "\n", as in Python.
 * - `[DEFAULT]` values show in every section unless the section sets the key itself.
 * - A duplicate section or a duplicate key within one section is an error.
 */

export class InvalidConfigFile extends CliError {
  override name = "InvalidConfigFile";
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`Configuration file ${JSON.stringify(file)} could not be loaded: line ${line}: ${reason}`);
  }
}

/** One section: keys (lower-cased, as written otherwise) → values, in file order. */
export type IniSection = Map<string, string>;

/** A parsed file: sections in file order. `DEFAULT` is kept apart, as configparser does. */
export interface IniDocument {
  sections: Map<string, IniSection>;
  defaults: IniSection;
}

const DEFAULT_SECTION = "DEFAULT";
const SECTION_RE = /^\[(.+)\]/;
const OPTION_RE = /^(.*?)\s*([=:])\s*(.*)$/;

export function emptyIniDocument(): IniDocument {
  return { sections: new Map(), defaults: new Map() };
}

/** Parses configparser syntax; `file` names the source in error messages. */
export function parseIni(text: string, file = "<string>"): IniDocument {
  const doc = emptyIniDocument();
  let current: IniSection | null = null;
  let currentName: string | null = null;
  // The value being built, as a list of lines, and the indentation of the line that started it.
  let pending: { key: string; lines: string[]; indent: number } | null = null;
  const seenKeys = new Set<string>();

  const flush = (): void => {
    if (!pending || !current) return;
    while (pending.lines.length > 1 && pending.lines[pending.lines.length - 1] === "") pending.lines.pop();
    // configparser: lines joined with "\n", then right-stripped (an empty first line stays).
    current.set(pending.key, pending.lines.join("\n").trimEnd());
    pending = null;
  };

  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (stripped.startsWith("#") || stripped.startsWith(";")) return;
    if (stripped === "") {
      // configparser keeps blank lines inside a value (dropped again if trailing).
      if (pending) pending.lines.push("");
      return;
    }
    if (pending && indent > pending.indent) {
      pending.lines.push(stripped);
      return;
    }
    flush();
    const header = SECTION_RE.exec(stripped);
    if (header) {
      const name = header[1]!;
      if (name === DEFAULT_SECTION) {
        current = doc.defaults;
      } else {
        if (doc.sections.has(name)) {
          throw new InvalidConfigFile(file, lineNo, `section ${JSON.stringify(name)} already exists`);
        }
        current = new Map();
        doc.sections.set(name, current);
      }
      currentName = name;
      seenKeys.clear();
      return;
    }
    if (!current) {
      throw new InvalidConfigFile(file, lineNo, `file contains no section headers: ${JSON.stringify(raw)}`);
    }
    const option = OPTION_RE.exec(stripped);
    if (!option || option[1]!.trim() === "") {
      throw new InvalidConfigFile(file, lineNo, `expected "key = value", found ${JSON.stringify(raw)}`);
    }
    const key = option[1]!.trim().toLowerCase();
    if (seenKeys.has(key)) {
      throw new InvalidConfigFile(file, lineNo, `option ${JSON.stringify(key)} in section ${JSON.stringify(currentName)} already exists`);
    }
    seenKeys.add(key);
    pending = { key, lines: [option[3]!.trim()], indent };
  });
  flush();
  return doc;
}

/** A section's items as configparser's `items(section)` gives them: DEFAULT values first, the section's own on top. */
export function sectionItems(doc: IniDocument, section: string): Array<[string, string]> {
  const merged = new Map(doc.defaults);
  for (const [key, value] of doc.sections.get(section) ?? []) merged.set(key, value);
  return [...merged];
}

/** Serializes like configparser's `write()`: `key = value`, continuation lines indented by a tab, a blank line after each section. */
export function stringifyIni(doc: IniDocument): string {
  let out = "";
  const writeSection = (name: string, section: IniSection): void => {
    out += `[${name}]\n`;
    for (const [key, value] of section) {
      out += `${key} = ${value.replace(/\n/g, "\n\t")}\n`;
    }
    out += "\n";
  };
  if (doc.defaults.size > 0) writeSection(DEFAULT_SECTION, doc.defaults);
  for (const [name, section] of doc.sections) writeSection(name, section);
  return out;
}
