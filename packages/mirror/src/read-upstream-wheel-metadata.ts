// METADATA of a wheel not cached yet, read by HTTP Range requests into the upstream file, as
// uv and pip's lazy wheel do when an index offers no PEP 658 `.metadata`: a suffix range for
// the zip's tail (its central directory), then one range for the METADATA member, read with
// @wheelhouse/packaging's zip reader (the HTTP and its Content-Range checks stay here). A sync and a
// bundle export follow dependencies this way without downloading whole wheels.
import type { File } from "@wheelhouse/db";
import { upstreamHosts, upstreamRoot, type MirrorContext, type MirrorIndexRow } from "./mirror-deps.ts";
import type { RandomAccess } from "@wheelhouse/packaging";
import { readAll, readMetadataByRanges, TAIL_BYTES } from "./read-wheel-metadata.ts";
import { displayUrl, headerValue, toUpstreamUnavailable, upstreamAuth } from "./upstream-http.ts";

/** RFC 9110 §14.4: `bytes <first>-<last>/<complete-length>`. */
function parseContentRange(value: string | undefined): { start: number; end: number; total: number } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value?.trim() ?? "");
  if (!match) return null;
  const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return Number.isSafeInteger(total) && start <= end && end < total ? { start, end, total } : null;
}

/**
 * The METADATA text of the upstream wheel `file`, or null when it cannot be read this way: the
 * upstream ignores Range (answers 200), or the zip has no METADATA. The caller then fetches the
 * whole file. Throws UpstreamUnavailable when upstream does not answer.
 */
export async function readUpstreamWheelMetadata(deps: MirrorContext, index: MirrorIndexRow, file: File): Promise<string | null> {
  if (!file.upstreamUrl || !file.filename.endsWith(".whl")) return null;
  const url = file.upstreamUrl;
  const shown = displayUrl(url);
  const timeouts = deps.http.timeouts;
  const request = {
    url,
    shownUrl: shown,
    auth: upstreamAuth(upstreamRoot(index), index.upstreamUsername, index.upstreamPassword),
    allowed: upstreamHosts(index),
  };

  const first = await deps.http.getBytes({ ...request, headers: { range: `bytes=-${TAIL_BYTES}` } });
  const tailRange = first.statusCode === 206 ? parseContentRange(headerValue(first.headers["content-range"])) : null;
  if (tailRange === null || tailRange.end !== tailRange.total - 1) {
    // A server without ranges sends the whole file: not read here (the caller fetches and verifies it).
    await first.body.dump().catch(() => {});
    return null;
  }
  let tail: Buffer;
  try {
    tail = await readAll(first.body, TAIL_BYTES);
  } catch (err) {
    throw toUpstreamUnavailable(err, shown, timeouts);
  }
  if (tail.length !== tailRange.end - tailRange.start + 1) return null;

  // The suffix range told the size; the tail is served from memory, other ranges asked upstream.
  const size = tailRange.total;
  const source: RandomAccess = {
    size,
    read: async (start, end) => {
      if (end <= start) return Buffer.alloc(0);
      if (start >= tailRange.start) return tail.subarray(start - tailRange.start, end - tailRange.start);
      const response = await deps.http.getBytes({ ...request, headers: { range: `bytes=${start}-${end - 1}` } });
      const got = response.statusCode === 206 ? parseContentRange(headerValue(response.headers["content-range"])) : null;
      if (got === null || got.start !== start || got.end !== end - 1 || got.total !== size) {
        await response.body.dump().catch(() => {});
        throw new Error(`upstream answered a range request for ${shown} with another range`);
      }
      return readAll(response.body, end - start);
    },
  };
  return readMetadataByRanges(source, file.filename);
}
