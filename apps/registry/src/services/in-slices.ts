// Bounded fan-out for work a single request asks for many times over.

/** `work` on every item, at most `width` at a time (one request must not start a thousand lookups or upstream fetches at once). */
export async function inSlices<T, R>(items: readonly T[], work: (item: T) => Promise<R>, width = 32): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += width) results.push(...(await Promise.all(items.slice(start, start + width).map(work))));
  return results;
}
