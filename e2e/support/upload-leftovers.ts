// What a refused or broken upload may leave behind: nothing. No project or file row, no blob
// (committed or staged under incoming/), no temp file of the upload path.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { TestRegistry } from "./registry.ts";

/** Asserts that `projectName` has no row and that no blob or temp file of an upload is left. */
export async function assertNothingStored(registry: TestRegistry, projectName: string): Promise<void> {
  const { db, store } = registry.running;
  assert.equal(await db.project.count({ where: { name: projectName } }), 0, "no project row");
  assert.equal(await db.file.count({ where: { project: { name: projectName } } }), 0, "no file row");
  // Staged blobs and temp files are removed after the response is sent; give it a moment.
  for (let attempt = 0; ; attempt++) {
    const blobs: string[] = [];
    for await (const blob of store.list("")) blobs.push(blob.key);
    const temps = await readdir(join(registry.dataDir, "tmp", "uploads")).catch(() => []);
    const leftovers = [...blobs.filter((k) => k.includes(projectName.replace(/-/g, "_")) || k.startsWith("incoming/")), ...temps];
    if (leftovers.length === 0) return;
    if (attempt > 50) assert.fail(`left behind: ${leftovers.join(", ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
