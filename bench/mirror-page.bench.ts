// A cached project page on a mirror, requests per second at 16 connections, as a ratio against
// the hosted page it mirrors (the same 2,000 files) in the same run.
import { createTestDatabase } from "@wheelhouse/db/testing";
import { CONNECTIONS, FILES, formatRatio, rps, seedProject, spawnRegistry } from "./support.ts";

export async function benchMirrorPage(): Promise<void> {
  const database = await createTestDatabase();
  await seedProject(database.db);
  const registry = await spawnRegistry(database.url);
  try {
    // The mirror's upstream is the same registry's hosted index; its TTL outlasts the run.
    await database.db.index.create({ data: { name: "mirr", kind: "mirror", upstreamUrl: `${registry.url}/main/simple/`, pageTtlSeconds: 3600 } });
    for (const [label, accept] of [
      ["HTML", "text/html"],
      ["JSON", "application/vnd.pypi.simple.v1+json"],
    ] as const) {
      const hosted = `${registry.url}/main/simple/big-project/`;
      const mirrored = `${registry.url}/mirr/simple/big-project/`;
      const first = await fetch(mirrored, { headers: { accept } });
      if (first.status !== 200) throw new Error(`mirror page: HTTP ${first.status} ${await first.text()}`);
      await rps(mirrored, { accept }); // warm-up
      const hostedRps = await rps(hosted, { accept });
      const mirrorRps = await rps(mirrored, { accept });
      console.log(
        `mirror page ${label} (${FILES} files, cached, ${CONNECTIONS} connections): ` +
          `mirror ${mirrorRps.toFixed(0)} req/s, hosted ${hostedRps.toFixed(0)} req/s, ratio ${formatRatio(mirrorRps / hostedRps)}`,
      );
    }
  } finally {
    await registry.stop();
    await database.drop();
  }
}
