// C0 control characters (NUL, tab, CR, LF, …) and DEL: never part of a name, a file name, a
// query term or Basic credentials (RFC 7617 forbids them there; warehouse refuses them in archive
// member names; PostgreSQL text cannot hold NUL; a NUL truncates a name for C-based tools).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}
