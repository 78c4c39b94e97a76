// Generates the Prisma client (prisma/schema.prisma → packages/db/src/generated) offline.
//
// Usage: node packages/db/scripts/generate.mjs [--if-stale]
//   --if-stale  skip when the generated client matches the schema and Prisma version
//               (cheap enough for `prestart` / `pretest`).
//
// `prisma generate` needs no engine binary for the `prisma-client` generator, but the CLI
// still resolves one at start-up and would download it. Pointing PRISMA_SCHEMA_ENGINE_BINARY
// at any existing file stops that; the binary is never executed by `generate`.
// Plain .mjs (not .ts) so it runs from `postinstall` with nothing but node.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "..", "..", "..");
const schemaPath = join(repoRoot, "prisma", "schema.prisma");
const outputDir = join(here, "..", "src", "generated");
const stampPath = join(outputDir, ".schema-stamp");

const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");
const prismaVersion = JSON.parse(readFileSync(require.resolve("prisma/package.json"), "utf8")).version;

function stamp() {
  return createHash("sha256").update(prismaVersion).update("\0").update(readFileSync(schemaPath)).digest("hex");
}

const ifStale = process.argv.includes("--if-stale");
const wanted = stamp();
if (ifStale && existsSync(stampPath) && readFileSync(stampPath, "utf8").trim() === wanted) {
  process.exit(0);
}

const result = spawnSync(process.execPath, [prismaCli, "generate", "--schema", schemaPath], {
  cwd: repoRoot,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    // Any existing path; see the header comment.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? schemaPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    PRISMA_HIDE_PREVIEW_FLAG_WARNINGS: "1",
    CHECKPOINT_DISABLE: "1",
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
  },
});
if (result.status !== 0) {
  console.error(`prisma generate failed (${result.error?.message ?? `exit ${result.status}`}); schema: ${relative(repoRoot, schemaPath)}`);
  process.exit(result.status ?? 1);
}
writeFileSync(stampPath, `${wanted}\n`);
