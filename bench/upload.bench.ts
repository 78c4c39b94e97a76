// Upload of a 1 GiB wheel through the legacy API: the registry's peak RSS growth (target
// < 100 MB: the file is streamed, never buffered) and throughput as a ratio against a bare
// stream copy of the same bytes into the same storage.
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createTestDatabase } from "@wheelhouse/db/testing";
import { FsBlobStore } from "@wheelhouse/storage";
import { formatRatio, sampleRss, spawnRegistry } from "./support.ts";

const SIZE = Number(process.env.BENCH_UPLOAD_BYTES ?? 1024 ** 3);

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

export async function benchUpload(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), "wh-bench-upload-"));
  const database = await createTestDatabase();
  const registry = await spawnRegistry(database.url, { WHEELHOUSE_MAX_UPLOAD_BYTES: String(2 * SIZE) });
  try {
    const wheel = execFileSync("python3", [new URL("make_big_wheel.py", import.meta.url).pathname, workDir, String(SIZE)], { encoding: "utf8" }).trim();
    const size = (await stat(wheel)).size;
    const sha256 = await sha256Of(wheel);

    // Reference: the same bytes, streamed into the same kind of storage on the same disk.
    const store = new FsBlobStore(join(registry.dataDir, "files"));
    let started = performance.now();
    await store.put("bench/reference-copy", createReadStream(wheel, { highWaterMark: 1 << 20 }));
    const bareMs = performance.now() - started;
    await store.delete("bench/reference-copy");

    // curl streams the multipart body from disk, as twine does, and costs the machine little.
    const fields = {
      ":action": "file_upload",
      protocol_version: "1",
      name: "big-upload",
      version: "1.0",
      filetype: "bdist_wheel",
      pyversion: "py3",
      metadata_version: "2.1",
      sha256_digest: sha256,
    };
    const args = [
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-u",
      `admin:${registry.adminPassword}`,
      ...Object.entries(fields).flatMap(([k, v]) => ["-F", `${k}=${v}`]),
      "-F",
      `content=@${wheel}`,
      `${registry.url}/`,
    ];
    const rss = sampleRss(registry.pid);
    const baseline = await rss.baseline;
    started = performance.now();
    const status = await new Promise<string>((resolve, reject) => {
      execFile("curl", args, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim())));
    });
    const uploadMs = performance.now() - started;
    const peak = await rss.stop();
    if (status !== "200") throw new Error(`upload failed with HTTP ${status}`);

    const mib = size / 1024 ** 2;
    console.log(
      `upload ${mib.toFixed(0)} MiB: ${(mib / (uploadMs / 1000)).toFixed(0)} MiB/s through the registry ` +
        `(hashing sha256+md5+blake2b, archive checks, commit), ` +
        `${(mib / (bareMs / 1000)).toFixed(0)} MiB/s bare stream copy; throughput ratio ${formatRatio(bareMs / uploadMs)}`,
    );
    console.log(
      `upload ${mib.toFixed(0)} MiB: registry RSS baseline ${(baseline / 1024 ** 2).toFixed(0)} MiB, peak ${(peak / 1024 ** 2).toFixed(0)} MiB, ` +
        `growth ${((peak - baseline) / 1024 ** 2).toFixed(1)} MiB (target < 100 MB)`,
    );
  } finally {
    await registry.stop();
    await database.drop();
    await rm(workDir, { recursive: true, force: true });
  }
}
