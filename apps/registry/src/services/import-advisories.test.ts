// Advisory import against a real database: directories and zips, all-or-nothing on a malformed
// file, newer records replacing older ones, the lookup cache following imports, and the admin command.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { createTestDatabase, type TestDatabase } from "@wheelhouse/db/testing";
import { AppError } from "../errors.ts";
import { AdvisoryCache } from "./advisory-cache.ts";
import { importAdvisories } from "./import-advisories.ts";
import { getAdvisory, listAdvisories } from "./list-advisories.ts";

const repoRoot = new URL("../../../..", import.meta.url).pathname;
const actor = { id: 0, username: "test" };
let database: TestDatabase;
let work: string;

function record(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    modified: "2024-01-01T00:00:00Z",
    aliases: [`CVE-${id}`],
    summary: `summary of ${id}`,
    affected: [{ package: { ecosystem: "PyPI", name: "Svc_Lib" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] }] }],
    ...extra,
  };
}

async function dirOf(name: string, files: Record<string, unknown>): Promise<string> {
  const dir = join(work, name);
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(join(full, ".."), { recursive: true });
    await writeFile(full, typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

async function zipOf(name: string, files: Record<string, unknown>): Promise<string> {
  const path = join(work, name);
  const members = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(typeof v === "string" ? v : JSON.stringify(v))]));
  await writeFile(path, zipSync(members));
  return path;
}

before(async () => {
  database = await createTestDatabase();
  work = await mkdtemp(join(tmpdir(), "wh-advisories-"));
});
after(async () => {
  await database.drop();
  await rm(work, { recursive: true, force: true });
});

test("a directory, recursively: counts, rows, and non-PyPI records skipped", async () => {
  const dir = await dirOf("first", {
    "a/SVC-1.json": record("SVC-1"),
    "a/b/SVC-2.json": record("SVC-2", { withdrawn: "2024-01-02T00:00:00Z" }),
    "SVC-3.json": record("SVC-3", { affected: [{ package: { ecosystem: "Go", name: "x" }, versions: ["1"] }] }),
    "README.md": "not a record",
    ".hidden/SVC-9.json": "{ ignored",
  });
  const summary = await importAdvisories({ db: database.db }, { path: dir, actor });
  assert.deepEqual(
    { ...summary, generation: undefined },
    { files: 3, added: 1, updated: 0, unchanged: 0, withdrawn: 1, skippedNonPyPI: 1, generation: undefined },
  );
  assert.ok(summary.generation > 0);
  const stored = await getAdvisory(database.db, "SVC-1");
  assert.deepEqual(
    stored.packages.map((p) => [p.name, p.fixedIn]),
    [["svc-lib", ["2.0"]]],
  );
  assert.equal((await getAdvisory(database.db, "SVC-2")).withdrawn?.toISOString(), "2024-01-02T00:00:00.000Z");
  await assert.rejects(getAdvisory(database.db, "SVC-3"), /No advisory with id 'SVC-3'/);
  const audit = await database.db.auditEvent.findFirstOrThrow({ where: { action: "advisories.import" }, orderBy: { id: "desc" } });
  assert.equal((audit.details as { added: number }).added, 1);
});

test("a zip: newer records replace, older and equal ones are left, a duplicate id keeps its newest", async () => {
  const zip = await zipOf("second.zip", {
    "SVC-1.json": record("SVC-1", { modified: "2024-02-01T00:00:00Z", summary: "revised" }),
    "SVC-2.json": record("SVC-2", { modified: "2023-12-01T00:00:00Z" }),
    "SVC-4.json": record("SVC-4", { modified: "2024-01-01T00:00:00Z" }),
    "dup/SVC-4.json": record("SVC-4", { modified: "2024-03-01T00:00:00Z", summary: "newest copy" }),
  });
  const summary = await importAdvisories({ db: database.db }, { path: zip, actor });
  assert.deepEqual([summary.files, summary.added, summary.updated, summary.unchanged, summary.withdrawn], [4, 1, 1, 1, 0]);
  assert.equal((await getAdvisory(database.db, "SVC-1")).summary, "revised");
  assert.notEqual((await getAdvisory(database.db, "SVC-2")).withdrawn, null, "an older record does not undo the withdrawal");
  assert.equal((await getAdvisory(database.db, "SVC-4")).summary, "newest copy");
  const again = await importAdvisories({ db: database.db }, { path: zip, actor });
  assert.deepEqual([again.added, again.updated, again.unchanged], [0, 0, 3]);
});

test("one malformed file among good ones: refused, naming it, and nothing written", async () => {
  const before = await Promise.all([database.db.advisory.count(), database.db.advisoryPackage.count(), database.db.advisoryImport.count()]);
  const dir = await dirOf("bad", {
    "SVC-10.json": record("SVC-10"),
    "SVC-11.json": record("SVC-11", {
      affected: [{ package: { ecosystem: "PyPI", name: "svc-lib" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "two" }] }] }],
    }),
    "SVC-12.json": record("SVC-12"),
  });
  await assert.rejects(importAdvisories({ db: database.db }, { path: dir, actor }), (err: unknown) => {
    assert.ok(err instanceof AppError && err.status === 400);
    assert.equal(
      err.message,
      'Advisory import refused, nothing was imported: SVC-11.json: affected[0].ranges[0].events[1].fixed: "two" is not a PEP 440 version',
    );
    return true;
  });
  const zip = await zipOf("bad.zip", { "ok.json": record("SVC-13"), "broken.json": '{"id": ' });
  await assert.rejects(
    importAdvisories({ db: database.db }, { path: zip, actor }),
    /^BadRequest: Advisory import refused, nothing was imported: broken\.json: not valid JSON/,
  );
  const after = await Promise.all([database.db.advisory.count(), database.db.advisoryPackage.count(), database.db.advisoryImport.count()]);
  assert.deepEqual(after, before);
});

test("sources that are neither a zip nor a directory, and empty ones", async () => {
  const text = join(work, "notes.txt");
  await writeFile(text, "hello");
  await assert.rejects(importAdvisories({ db: database.db }, { path: text, actor }), /notes\.txt is neither a zip of OSV files nor a directory of them/);
  await assert.rejects(importAdvisories({ db: database.db }, { path: join(work, "missing"), actor }), /No such file or directory/);
  await assert.rejects(importAdvisories({ db: database.db }, { path: await dirOf("empty", { "x.txt": "" }), actor }), /no OSV \.json files in the directory/);
});

test("the lookup cache follows the advisory generation", async () => {
  const cache = new AdvisoryCache();
  const ids = async (version: string) => (await cache.forRelease(database.db, "svc-lib", version)).map((a) => a.id);
  assert.deepEqual(await ids("1.0"), ["SVC-1", "SVC-2", "SVC-4"]);
  assert.deepEqual(await ids("2.0"), []);
  await importAdvisories(
    { db: database.db },
    {
      path: await dirOf("third", { "SVC-20.json": record("SVC-20", { affected: [{ package: { ecosystem: "PyPI", name: "svc.lib" }, versions: ["2.0"] }] }) }),
      actor,
    },
  );
  assert.deepEqual(await ids("2.0"), ["SVC-20"]);
  assert.deepEqual(await listAdvisories(database.db, { project: "SVC_LIB", limit: 2 }).then((list) => list.map((a) => a.id)), ["SVC-4", "SVC-1"]);
});

test("concurrent imports of one advisory: one at a time, both succeed, the newer record wins whichever commits last", async () => {
  const older = await dirOf("conc-old", { "SVC-40.json": record("SVC-40", { modified: "2024-05-01T00:00:00Z", summary: "older" }) });
  const newer = await dirOf("conc-new", { "SVC-40.json": record("SVC-40", { modified: "2024-06-01T00:00:00Z", summary: "newer" }) });
  const results = await Promise.all([
    importAdvisories({ db: database.db }, { path: newer, actor }),
    importAdvisories({ db: database.db }, { path: older, actor }),
  ]);
  assert.equal((await getAdvisory(database.db, "SVC-40")).summary, "newer");
  // Exactly one of them added it; the generations are distinct.
  assert.equal(
    results.reduce((n, r) => n + r.added, 0),
    1,
  );
  assert.notEqual(results[0].generation, results[1].generation);
});

function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "apps/registry/src/admin-command.ts", ...args],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: database.url } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

test("admin command: import-advisories, list-advisories and the index options", async () => {
  const zip = await zipOf("cli.zip", {
    "SVC-30.json": record("SVC-30", { affected: [{ package: { ecosystem: "PyPI", name: "cli-lib" }, versions: ["1.0"] }] }),
  });
  const imported = await admin("import-advisories", zip);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(JSON.parse(imported.stdout).added, 1);
  const listed = await admin("list-advisories", "--project", "Cli_Lib");
  assert.deepEqual(
    JSON.parse(listed.stdout).map((a: { id: string }) => a.id),
    ["SVC-30"],
  );
  const bad = await admin("import-advisories", await dirOf("cli-bad", { "x.json": { id: "X-1" } }));
  assert.deepEqual([bad.code, bad.stderr.trim()], [1, "error: Advisory import refused, nothing was imported: x.json: modified: required, but missing"]);
  const index = await admin("create-index", "adv-idx", "--advisory-policy", "refuse", "--advisory-min-severity", "moderate");
  assert.equal(index.code, 0, index.stderr);
  assert.deepEqual([JSON.parse(index.stdout).advisoryPolicy, JSON.parse(index.stdout).advisoryMinSeverity], ["refuse", "moderate"]);
  const wrong = await admin("update-index", "adv-idx", "--advisory-policy", "block");
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^--advisory-policy must be off, warn or refuse/);
});
