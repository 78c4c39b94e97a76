// The tree's shape as a test (rules in boundaries.ts): it fails when an import crosses a boundary.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkBoundaries } from "./boundaries.ts";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

test("the repository's imports run apps -> packages, declared, with no cycle", () => {
  const violations = checkBoundaries(repoRoot);
  assert.deepEqual(
    violations.map((v) => `${v.file}: ${v.rule}: ${v.detail}`),
    [],
  );
});

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function manifest(name: string, deps: string[] = []): string {
  return JSON.stringify({ name, exports: { ".": "./src/index.ts" }, dependencies: Object.fromEntries(deps.map((d) => [d, "*"])) });
}

test("each kind of crossing is caught in a tree built to break the rules", (t) => {
  const root = mkdtempSync(join(tmpdir(), "wh-boundaries-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  write(root, "package.json", JSON.stringify({ workspaces: ["packages/*", "apps/*", "e2e"] }));
  write(root, "packages/lib/package.json", manifest("@x/lib"));
  write(root, "packages/lib/src/index.ts", 'import "@wheelhouse/web";\nexport const a = 1;\n');
  write(root, "packages/pure/package.json", manifest("@wheelhouse/pure"));
  write(root, "packages/pure/src/index.ts", 'import { b } from "./b.ts";\nexport const a = b;\n');
  write(root, "packages/pure/src/b.ts", 'import type { a } from "./index.ts";\nexport const b: typeof a = 1;\n');
  write(root, "packages/pure/src/uses-fixture.ts", 'import "./fixtures.test.ts";\n');
  write(root, "packages/pure/src/reads-disk.ts", 'import { readFileSync } from "node:fs";\nexport const home = process.env.HOME;\n');
  write(root, "packages/pure/src/fixtures.test.ts", "export {};\n");
  write(root, "packages/bad/package.json", manifest("@wheelhouse/bad"));
  write(root, "packages/bad/src/index.ts", 'import "@wheelhouse/web";\nimport "@wheelhouse/pure";\n');
  write(root, "apps/web/package.json", manifest("@wheelhouse/web", ["@wheelhouse/pure"]));
  write(root, "apps/web/src/index.ts", 'import "@wheelhouse/jobs";\nimport "../../jobs/src/index.ts";\nimport "@wheelhouse/pure";\n');
  write(root, "apps/jobs/package.json", manifest("@wheelhouse/jobs"));
  write(root, "apps/jobs/src/index.ts", "export {};\n");
  write(root, "apps/web/src/core/engine.ts", 'import "../commands/run.ts";\n');
  write(root, "apps/web/src/commands/run.ts", 'import "./other.ts";\n');
  write(root, "apps/web/src/commands/other.ts", "export {};\n");
  write(root, "apps/web/src/table.ts", 'import "./commands/run.ts";\n');
  const layers = [
    { files: "apps/web/src/core/", mayNotImport: ["apps/web/src/commands/"] },
    { files: "apps/web/src/", mayNotImport: ["apps/web/src/commands/"], unless: "apps/web/src/table.ts" },
  ];
  const rules = checkBoundaries(root, layers, ["@wheelhouse/pure"]).map((v) => `${v.file}: ${v.rule}`);
  for (const expected of [
    "packages/bad/src/index.ts: package-imports-app",
    "packages/bad/src/index.ts: undeclared-dependency",
    "apps/web/src/index.ts: app-imports-app",
    "apps/web/src/index.ts: relative-import-leaves-workspace",
    "packages/pure/src/uses-fixture.ts: production-imports-test-code",
    "apps/web/src/core/engine.ts: layer",
    "packages/pure/src/reads-disk.ts: io-in-pure-package",
  ]) {
    assert.ok(rules.includes(expected), `${expected} missing from ${JSON.stringify(rules)}`);
  }
  assert.ok(
    rules.some((r) => r.endsWith("import-cycle")),
    "the type-only cycle index.ts <-> b.ts is found",
  );
});
