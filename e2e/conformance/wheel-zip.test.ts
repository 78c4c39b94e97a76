// The ranged zip reader of @wheelhouse/packaging (wheel-zip.ts) on every real wheel of the
// machine's local index: the METADATA it reads is byte for byte what Python's zipfile reads, and
// reading it costs no more reads of the source than the CLI's hand-written reader did (what the
// CLI's HTTP source turns into requests: a suffix range for the tail, then one per miss).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { canonicalizeName, findMetadataEntry, openZip, ZIP_TAIL_BYTES, type RandomAccess } from "@wheelhouse/packaging";
import { run } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";
import { localWheels, missingCorpusReason, type LocalWheel } from "./local-index.ts";

const PYTHON = process.env.WHEELHOUSE_E2E_PYTHON ?? "python3";

// Python's side: the METADATA member chosen as the reader chooses it (several .dist-info
// directories: the one named like the project, else the first), its digest, and where the zip
// keeps it (for the read count of the CLI's former reader).
const PYTHON_SIDE = String.raw`
import hashlib, json, re, sys, zipfile
out = []
for item in json.load(open(sys.argv[1])):
    try:
        with zipfile.ZipFile(item["path"]) as z:
            infos = [i for i in z.infolist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", i.filename)]
            canon = lambda s: re.sub(r"[-_.]+", "-", s).lower()
            chosen = next((i for i in infos if canon(i.filename.split("-")[0]) == canon(item["project"])), infos[0] if infos else None)
            if chosen is None:
                out.append({"error": "no METADATA"})
                continue
            data = z.read(chosen)
            out.append({"member": chosen.filename, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                        "startDir": z.start_dir, "headerOffset": chosen.header_offset, "compressSize": chosen.compress_size,
                        "nameBytes": len(chosen.filename.encode("utf-8"))})
    except Exception as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e)})
json.dump(out, sys.stdout)
`;

interface PythonRead {
  error?: string;
  member?: string;
  sha256?: string;
  size?: number;
  startDir?: number;
  headerOffset?: number;
  compressSize?: number;
  nameBytes?: number;
}

const missing = missingCorpusReason();
let wheels: LocalWheel[] = [];
let python: PythonRead[] = [];

before(async () => {
  if (missing !== null) return;
  wheels = localWheels();
  const list = join(await makeTempDir(), "wheels.json");
  await writeFile(list, JSON.stringify(wheels.map((w) => ({ path: w.path, project: w.project }))));
  const result = await run(PYTHON, ["-c", PYTHON_SIDE, list], { timeoutMs: 300_000 });
  assert.equal(result.code, 0, result.stderr);
  python = JSON.parse(result.stdout) as PythonRead[];
});

/** A local file as the CLI's HTTP source sees it: the tail fetched up front (one request), then one request per miss. */
async function httpLikeSource(path: string): Promise<{ source: RandomAccess; requests: () => number; close: () => Promise<void> }> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  const segments: { start: number; bytes: Buffer }[] = [];
  let requests = 0;
  const fetch = async (start: number, end: number) => {
    requests++;
    const bytes = Buffer.alloc(Math.max(0, Math.min(end, size) - start));
    let done = 0;
    while (done < bytes.length) {
      const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    segments.push({ start, bytes: bytes.subarray(0, done) });
    return bytes.subarray(0, done);
  };
  await fetch(Math.max(0, size - ZIP_TAIL_BYTES), size);
  const source: RandomAccess = {
    size,
    async read(start, end) {
      end = Math.min(end, size);
      const hit = segments.find((s) => s.start <= start && end <= s.start + s.bytes.length);
      return hit ? hit.bytes.subarray(start - hit.start, end - hit.start) : fetch(start, end);
    },
  };
  return { source, requests: () => requests, close: () => handle.close() };
}

/**
 * Requests the CLI's former reader (apps/cli/src/index/wheel-zip.ts before issue 11) made for
 * METADATA through its HTTP source, which fetched the last 65,558 bytes up front: that tail; the
 * central directory in one request when it starts before the tail; the member's header and data
 * in one request when they start before the tail.
 */
function formerRequests(size: number, read: PythonRead): number {
  const tailStart = Math.max(0, size - (65_536 + 22));
  return 1 + (read.startDir! < tailStart ? 1 : 0) + (read.headerOffset! < tailStart ? 1 : 0);
}

after(() => removeTempDirs());

const skip = missing === null ? false : `${missing}; skipped`;

test("METADATA of every wheel of the local index equals what Python's zipfile reads, in no more reads than before", { timeout: 600_000, skip }, async () => {
  assert.ok(wheels.length > 0);
  const problems: string[] = [];
  let moreReads = 0;
  const total = { ours: 0, former: 0 };
  for (const [i, wheel] of wheels.entries()) {
    const expected = python[i]!;
    if (expected.error) {
      problems.push(`${wheel.filename}: Python could not read it (${expected.error})`);
      continue;
    }
    const { source, requests, close } = await httpLikeSource(wheel.path);
    try {
      const zip = await openZip(source);
      const entry = findMetadataEntry(zip.entries, canonicalizeName(wheel.project));
      if (!entry || entry.name !== expected.member) {
        problems.push(`${wheel.filename}: member ${entry?.name} instead of ${expected.member}`);
        continue;
      }
      const bytes = await zip.read(entry, { maxBytes: 16 * 1024 * 1024 });
      zip.close();
      const digest = createHash("sha256").update(bytes).digest("hex");
      if (digest !== expected.sha256) problems.push(`${wheel.filename}: METADATA differs (${bytes.length} bytes, Python ${expected.size})`);
      const former = formerRequests(source.size, expected);
      total.ours += requests();
      total.former += former;
      if (requests() > former) {
        moreReads++;
        problems.push(`${wheel.filename}: ${requests()} reads, the former reader made ${former}`);
      }
    } catch (err) {
      problems.push(`${wheel.filename}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await close();
    }
  }
  const reads = `reads ${total.ours} (the former reader: ${total.former}), ${moreReads} wheels with more`;
  console.log(`wheel-zip: ${wheels.length} wheels, ${problems.length} problems; ${reads}`);
  assert.deepEqual(problems, []);
});
