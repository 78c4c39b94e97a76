// /simple/<project>/ for a project with 2,000 files, HTML and JSON, requests per second at 16
// connections, against a plain static file server serving the same bytes in the same run.
import autocannon from "autocannon";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestDatabase } from "@wheelhouse/db/testing";
import { spawnRegistry, startStaticServer, formatRatio } from "./support.ts";

const FILES = 2000;
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function seedProject(db: Awaited<ReturnType<typeof createTestDatabase>>["db"]): Promise<void> {
  const index = await db.index.upsert({ where: { name: "main" }, create: { name: "main" }, update: {} });
  const project = await db.project.create({ data: { indexId: index.id, name: "big-project", displayName: "big-project", lastSerial: 1 } });
  const releases = FILES / 10;
  for (let r = 0; r < releases; r++) {
    const version = `1.${r}.0`;
    const release = await db.release.create({ data: { projectId: project.id, version, canonicalVersion: `1.${r}`, info: {}, requiresPython: ">=3.8" } });
    await db.file.createMany({
      data: Array.from({ length: 10 }, (_, f) => {
        const hex = (r * 10 + f).toString(16).padStart(64, "0");
        return {
          releaseId: release.id,
          projectId: project.id,
          indexId: index.id,
          filename: `big_project-${version}-cp3${f}-cp3${f}-manylinux_2_17_x86_64.whl`,
          packageType: "bdist_wheel",
          pythonVersion: `cp3${f}`,
          size: BigInt(100_000 + f),
          sha256: hex,
          md5: hex.slice(0, 32),
          blake2b256: hex,
          requiresPython: ">=3.8",
          coreMetadata: "Metadata-Version: 2.1\nName: big-project\n",
          metadataSha256: hex,
          storageKey: `files/${hex}`,
        };
      }),
    });
  }
}

async function rps(url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

export async function benchSimplePage(): Promise<void> {
  const database = await createTestDatabase();
  await seedProject(database.db);
  const registry = await spawnRegistry(database.url);
  try {
    for (const [label, accept] of [
      ["HTML", "text/html"],
      ["JSON", "application/vnd.pypi.simple.v1+json"],
    ] as const) {
      const pageUrl = `${registry.url}/simple/big-project/`;
      const response = await fetch(pageUrl, { headers: { accept } });
      const body = Buffer.from(await response.arrayBuffer());
      const path = join(registry.dataDir, `page.${label}`);
      await writeFile(path, body);
      const reference = await startStaticServer(path, response.headers.get("content-type")!);
      try {
        await rps(pageUrl, { accept }); // warm-up: the first render fills the page cache
        const staticRps = await rps(reference.url, {});
        const registryRps = await rps(pageUrl, { accept });
        console.log(
          `simple page ${label} (${FILES} files, ${(body.length / 1024).toFixed(0)} KiB, ${CONNECTIONS} connections): ` +
            `registry ${registryRps.toFixed(0)} req/s, static server ${staticRps.toFixed(0)} req/s, ratio ${formatRatio(registryRps / staticRps)} (target ≥ 0.50)`,
        );
      } finally {
        await reference.close();
      }
    }
  } finally {
    await registry.stop();
    await database.drop();
  }
}
