import { invalidFile } from "./invalid-distribution.ts";

const VERSION_FORMAT = /^(\d+)\.(\d+)$/;

/**
 * PEP 427: an installer must refuse a wheel whose Wheel-Version major is
 * greater than the one it knows (1), and 0.x never existed. `path` names the
 * file in messages.
 */
export function checkWheelVersion(wheelText: string, path: string): void {
  const value = headerValue(wheelText, "wheel-version");
  if (value === undefined) throw invalidFile(`${path} has no Wheel-Version.`);
  const match = VERSION_FORMAT.exec(value);
  if (!match) throw invalidFile(`${path} has an invalid Wheel-Version ${JSON.stringify(value)}.`);
  if (match[1] !== "1") throw invalidFile(`Wheel-Version ${value} is not supported; only 1.x wheels are accepted.`);
}

/** First value of an email-style header (case-insensitive name), trimmed. */
function headerValue(text: string, name: string): string | undefined {
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === "") break; // end of headers
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}
