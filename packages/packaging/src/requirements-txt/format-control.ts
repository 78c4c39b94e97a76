/**
 * `--no-binary` / `--only-binary` as pip combines them (pip's FormatControl): each takes a comma
 * separated list of project names, `:all:` or `:none:`; a name given to one is removed from the
 * other, and `:all:` clears both before it applies.
 */
import { canonicalizeName } from "../names.ts";

export const FORMAT_CONTROL_ALL = ":all:";
export const FORMAT_CONTROL_NONE = ":none:";

export interface FormatControl {
  /** Projects (normalized names) or ":all:" that must not use wheels. */
  noBinary: string[];
  /** Projects (normalized names) or ":all:" that must use wheels. */
  onlyBinary: string[];
}

export class InvalidFormatControl extends Error {
  override name = "InvalidFormatControl";
}

/** Applies one `--no-binary VALUE` (`which = "noBinary"`) or `--only-binary VALUE`, returning the new state. */
export function applyFormatControl(state: FormatControl, which: keyof FormatControl, value: string): FormatControl {
  if (value.startsWith("-")) {
    throw new InvalidFormatControl("--no-binary / --only-binary option requires 1 argument.");
  }
  const otherKey: keyof FormatControl = which === "noBinary" ? "onlyBinary" : "noBinary";
  const target = new Set(state[which]);
  const other = new Set(state[otherKey]);
  let items = value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  let done = false;
  while (items.includes(FORMAT_CONTROL_ALL)) {
    other.clear();
    target.clear();
    target.add(FORMAT_CONTROL_ALL);
    items = items.slice(items.indexOf(FORMAT_CONTROL_ALL) + 1);
    // Without a later ":none:", ":all:" covers everything after it.
    if (!items.includes(FORMAT_CONTROL_NONE)) {
      done = true;
      break;
    }
  }
  if (!done) {
    for (const item of items) {
      if (item === FORMAT_CONTROL_NONE) {
        target.clear();
        continue;
      }
      const name = canonicalizeName(item);
      other.delete(name);
      target.add(name);
    }
  }
  return which === "noBinary" ? { noBinary: [...target], onlyBinary: [...other] } : { noBinary: [...other], onlyBinary: [...target] };
}
