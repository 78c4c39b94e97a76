// Timestamps in the shapes PyPI's APIs use. All in UTC.

function isoMillis(time: Date): string {
  if (Number.isNaN(time.getTime())) throw new RangeError("upload time is an invalid Date");
  const iso = time.toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  // Years outside 0000–9999 come out as ±yyyyyy, a shape no client parses.
  if (iso.length !== 24) throw new RangeError(`upload time ${iso} is outside years 0000-9999`);
  return iso;
}

/**
 * PEP 700 `upload-time` and the JSON API's `upload_time_iso_8601`:
 * `yyyy-mm-ddThh:mm:ss.ffffffZ`, always six fractional digits. A Date holds
 * milliseconds, so the last three digits are zeros.
 */
export function formatUploadTime(time: Date): string {
  return `${isoMillis(time).slice(0, 23)}000Z`;
}

/** The JSON API's older `upload_time`: `yyyy-mm-ddThh:mm:ss`, no fraction, no zone. */
export function formatLegacyUploadTime(time: Date): string {
  return isoMillis(time).slice(0, 19);
}
