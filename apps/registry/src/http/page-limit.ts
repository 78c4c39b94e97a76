/**
 * A list endpoint's `?limit=`: a whole number between 1 and `max`; `fallback` when absent or not
 * a number. (Clamped rather than refused, as the admin lists always did; never a fraction, which
 * the database would refuse with a 500.)
 */
export function pageLimit(raw: unknown, fallback: number, max: number): number {
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : typeof raw === "number" ? raw : Number.NaN;
  return Number.isFinite(value) ? Math.min(Math.max(Math.trunc(value), 1), max) : fallback;
}
