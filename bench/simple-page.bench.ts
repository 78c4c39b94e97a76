// /simple/<project>/ for a project with 2,000 files, HTML and JSON, requests per second at 16
// connections, against a plain static file server serving the same bytes in the same run.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestDatabase } from "@wheelhouse/db/testing";
import { FILES, CONNECTIONS, rps, seedProject, spawnRegistry, startStaticServer, formatRatio } from "./support.ts";

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
            `registry ${registryRps.toFixed(0)} req/s, static server ${staticRps.toFixed(0)} req/s, ` +
            `ratio ${formatRatio(registryRps / staticRps)} (target ≥ 0.50)`,
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
