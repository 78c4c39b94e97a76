/**
 * Python's fnmatch patterns, which pip, twine and the mirror selection take: `*`, `?`, `[seq]`,
 * `[!seq]`; a `[` without its `]` is a literal. (Not a shell glob library: `*` crosses `/`, there is
 * no `**` or brace expansion, as in Python.)
 */

/** The regular expression source of fnmatch.translate, without anchors or flags. */
export function fnmatchSource(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      // As in Python, a `]` right after `[` belongs to the set.
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
        continue;
      }
      const body = pattern.slice(i + 1, close);
      const negated = body.startsWith("!");
      // In a JavaScript class `\` and `]` must be escaped, and a leading `^` would negate.
      const members = (negated ? body.slice(1) : body).replace(/[\\\]]/g, "\\$&").replace(/^\^/, "\\^");
      out += `[${negated ? "^" : ""}${members}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return out;
}
