/**
 * Thrown when an uploaded distribution file is not an archive we are willing to
 * publish. The message is one sentence the uploader can act on; the upload
 * route returns it verbatim (status 400, and in the reason phrase, as PyPI does).
 */
export class InvalidDistribution extends Error {
  override name = "InvalidDistribution";
}

/** Every rejection of the file's content starts the same way, as on PyPI. */
export function invalidFile(detail: string): InvalidDistribution {
  return new InvalidDistribution(`Invalid distribution file: ${detail}`);
}

/**
 * Member names are attacker-controlled: quote them JSON-style so control
 * characters, quotes and backslashes show up escaped instead of breaking
 * the message (or a log line).
 */
export function quote(name: string): string {
  return JSON.stringify(name);
}
