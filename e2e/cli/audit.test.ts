// `wheelhouse audit` against the real registry: advisories imported through the admin API (a zip
// of OSV files), one venv populated by pip and one by wheelhouse, both audited (columns and JSON,
// exit 1 with the finding); --fix upgrades the wheelhouse venv to the fixed release and the audit
// is then clean; a hashed lock file is audited and fixed (and pip installs it with
// --require-hashes); a private index is audited with credentials from ~/.netrc.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { createVenv, makeDist, pip, type Venv } from "../support/python.ts";
import { twineUpload } from "../support/twine.ts";
import { describeRun } from "../support/run.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";
import { packageSpec } from "../support/projects.ts";
import { makeTempDir, removeTempDirs, uniqueName } from "../support/temp-dir.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";

const TIMEOUT = { timeout: 300_000 };
const ADVISORY = "GHSA-e2e0-0000-0001";
const CVE = "CVE-2099-0001";

let registry: TestRegistry;
let pipVenv: Venv;
let ourVenv: Venv;
let cacheDir: string;
let work: string;
const vuln = uniqueName("vuln");
const clean = uniqueName("clean");
const privateIndex = uniqueName("private");

const simple = (index?: string) => `${registry.url}/${index ? `${index}/` : ""}simple/`;
const audit = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
  wheelhouse(["audit", "--cache-dir", cacheDir, "--keyring-provider", "disabled", ...args], options);

/** One OSV record: `name` affected below `fixed`. */
function osv(id: string, name: string, fixed: string, extra: Record<string, unknown> = {}): object {
  return {
    schema_version: "1.6.0",
    id,
    modified: "2024-03-01T10:00:00Z",
    published: "2024-02-01T09:00:00Z",
    aliases: [CVE],
    summary: `Remote code execution in ${name}`,
    details: "A test advisory.",
    affected: [{ package: { ecosystem: "PyPI", name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }],
    database_specific: { severity: "HIGH" },
    ...extra,
  };
}

async function importAdvisories(records: object[]): Promise<void> {
  const zip = zipSync(Object.fromEntries(records.map((r) => [`${(r as { id: string }).id}.json`, strToU8(JSON.stringify(r))])));
  const response = await fetch(`${registry.url}/api/admin/advisories/import`, {
    method: "POST",
    headers: { "content-type": "application/zip", authorization: `Basic ${Buffer.from(`__token__:${registry.adminToken}`).toString("base64")}` },
    body: zip,
  });
  assert.equal(response.status, 200, await response.text());
}

before(async () => {
  const [started, venvA, venvB] = await Promise.all([
    startRegistry(),
    makeTempDir("wh-audit-pip-venv-").then(createVenv),
    makeTempDir("wh-audit-our-venv-").then(createVenv),
  ]);
  registry = started;
  pipVenv = venvA;
  ourVenv = venvB;
  cacheDir = await makeTempDir("wh-audit-cache-");
  work = await makeTempDir("wh-audit-work-");

  await registry.createIndex(privateIndex, { anonymousRead: false });
  const uploader = await registry.createUser(uniqueName("uploader"), { scope: "upload" });
  const privateUploader = await registry.createUser(uniqueName("private-uploader"), { scope: "upload", index: privateIndex });
  const files = (await Promise.all([packageSpec(vuln, "1.0"), packageSpec(vuln, "1.1"), packageSpec(clean, "1.0")].map((spec) => makeDist(spec)))).flat();
  const uploaded = await twineUpload(`${registry.url}/`, files, { username: "__token__", password: uploader.token });
  assert.equal(uploaded.code, 0, describeRun("twine upload", uploaded));
  const uploadedPrivate = await twineUpload(`${registry.url}/${privateIndex}/`, files, { username: "__token__", password: privateUploader.token });
  assert.equal(uploadedPrivate.code, 0, describeRun("twine upload (private index)", uploadedPrivate));
  // The advisory, and a withdrawn one that must not be reported.
  await importAdvisories([osv(ADVISORY, vuln, "1.1"), osv("PYSEC-2099-9", clean, "2.0", { withdrawn: "2024-04-01T00:00:00Z", aliases: [] })]);
});
after(async () => {
  await registry?.stop();
  await removeTempDirs();
});

interface JsonAudit {
  dependencies: {
    name: string;
    version?: string;
    vulns?: { id: string; aliases: string[]; summary: string; fix_versions: string[] }[];
    skip_reason?: string;
  }[];
  fixes: { name: string; old_version?: string; new_version?: string; skip_reason?: string }[];
}

function assertFinding(stdout: string): void {
  const row = stdout.split("\n").find((l) => l.startsWith(`${vuln} `));
  assert.ok(row, stdout);
  assert.deepEqual(row.split(/\s+/).slice(0, 5), [vuln, "1.0", ADVISORY, CVE, "1.1"]);
  assert.match(row, new RegExp(`Remote code execution in ${vuln}$`));
  assert.match(stdout, /^Found 1 known vulnerability in 1 package$/m);
}

function assertJson(stdout: string): void {
  const data = JSON.parse(stdout) as JsonAudit;
  const byName = new Map(data.dependencies.map((d) => [d.name, d]));
  assert.deepEqual(byName.get(vuln), {
    name: vuln,
    version: "1.0",
    vulns: [
      {
        id: ADVISORY,
        fix_versions: ["1.1"],
        aliases: [CVE],
        summary: `Remote code execution in ${vuln}`,
        description: "A test advisory.",
        severity: "high",
        link: `https://github.com/advisories/${ADVISORY}`,
      },
    ],
  });
  assert.deepEqual(byName.get(clean), { name: clean, version: "1.0", vulns: [] });
  // pip itself is audited too (the registry has no advisory for it).
  assert.deepEqual(byName.get("pip")?.vulns, []);
  assert.deepEqual(data.fixes, []);
}

test("a venv pip populated: the finding in columns and JSON, exit 1", TIMEOUT, async () => {
  const installed = await pip(pipVenv, "install", ["--index-url", simple(), `${vuln}==1.0`, clean]);
  assert.equal(installed.code, 0, describeRun("pip install", installed));
  const columns = await audit(["--python", pipVenv.python, "--index-url", simple()]);
  assert.equal(columns.code, 1, describeRun("wheelhouse audit", columns));
  assertFinding(columns.stdout);
  const json = await audit(["--python", pipVenv.python, "--index-url", simple(), "--format", "json"]);
  assert.equal(json.code, 1, describeRun("wheelhouse audit --format json", json));
  assertJson(json.stdout);
});

test("a venv wheelhouse populated: the same finding; --fix upgrades to the fixed release, then the audit is clean", TIMEOUT, async () => {
  const installed = await wheelhouse(["install", "--python", ourVenv.python, "--cache-dir", cacheDir, "--index-url", simple(), `${vuln}==1.0`, clean]);
  assert.equal(installed.code, 0, describeRun("wheelhouse install", installed));
  const columns = await audit(["--python", ourVenv.python, "--index-url", simple()]);
  assert.equal(columns.code, 1, describeRun("wheelhouse audit", columns));
  assertFinding(columns.stdout);
  const json = await audit(["--python", ourVenv.python, "--index-url", simple(), "--format", "json"]);
  assert.equal(json.code, 1, describeRun("wheelhouse audit --format json", json));
  assertJson(json.stdout);

  const fixed = await audit(["--python", ourVenv.python, "--index-url", simple(), "--fix"]);
  assert.equal(fixed.code, 0, describeRun("wheelhouse audit --fix", fixed));
  assert.match(fixed.stdout, new RegExp(`^${vuln}: 1\\.0 → 1\\.1$`, "m"));
  assert.match(fixed.stdout, /^No known vulnerabilities remain$/m);
  const site = (await readdir(join(ourVenv.dir, "lib"))).find((d) => d.startsWith("python"))!;
  const distInfos = (await readdir(join(ourVenv.dir, "lib", site, "site-packages"))).filter((d) => d.startsWith(vuln.replace(/-/g, "_")));
  assert.deepEqual(
    distInfos.filter((d) => d.endsWith(".dist-info")),
    [`${vuln.replace(/-/g, "_")}-1.1.dist-info`],
  );

  const again = await audit(["--python", ourVenv.python, "--index-url", simple()]);
  assert.equal(again.code, 0, describeRun("wheelhouse audit after --fix", again));
  assert.equal(again.stdout, "No known vulnerabilities found\n");
  const check = await wheelhouse(["check", "--python", ourVenv.python]);
  assert.equal(check.code, 0, describeRun("wheelhouse check", check));
});

test("audit -r a hashed lock file; --fix rewrites the pin and its hashes, and pip installs the result with --require-hashes", TIMEOUT, async () => {
  await writeFile(join(work, "requirements.in"), `${vuln}==1.0\n${clean}\n`);
  const locked = await wheelhouse(
    ["lock", "--python", ourVenv.python, "--cache-dir", cacheDir, "--index-url", simple(), "--generate-hashes", "-r", "requirements.in", "-o", "lock.txt"],
    { cwd: work },
  );
  assert.equal(locked.code, 0, describeRun("wheelhouse lock", locked));
  const lock = join(work, "lock.txt");
  const before = await readFile(lock, "utf8");

  const found = await audit(["-r", "lock.txt", "--index-url", simple()], { cwd: work });
  assert.equal(found.code, 1, describeRun("wheelhouse audit -r lock.txt", found));
  assertFinding(found.stdout);

  const fixed = await audit(["-r", "lock.txt", "--index-url", simple(), "--fix"], { cwd: work });
  assert.equal(fixed.code, 0, describeRun("wheelhouse audit -r lock.txt --fix", fixed));
  const rewritten = await readFile(lock, "utf8");
  assert.notEqual(rewritten, before);
  // Only the vulnerable pin's block changed.
  const blockOf = (text: string) => text.split(/\n(?=\S)/).find((b) => b.startsWith(`${vuln}==`))!;
  assert.equal(rewritten.replace(blockOf(rewritten), ""), before.replace(blockOf(before), ""));
  assert.match(blockOf(rewritten), new RegExp(`^${vuln}==1\\.1 \\\\\n {4}--hash=sha256:[0-9a-f]{64}\n`));

  const fresh = await createVenv(await makeTempDir("wh-audit-lock-venv-"));
  const installed = await pip(fresh, "install", ["--index-url", simple(), "--require-hashes", "-r", lock]);
  assert.equal(installed.code, 0, describeRun("pip install --require-hashes -r lock.txt", installed));
  const audited = await audit(["--python", fresh.python, "--index-url", simple()]);
  assert.equal(audited.code, 0, describeRun("wheelhouse audit of the venv from the fixed lock", audited));
});

test("a private index: 401 without credentials, audited with ~/.netrc", TIMEOUT, async () => {
  const requirements = join(work, "private.txt");
  await writeFile(requirements, `${vuln}==1.0\n`);
  const refused = await audit(["-r", requirements, "--index-url", simple(privateIndex)]);
  assert.equal(refused.code, 1, describeRun("wheelhouse audit (no credentials)", refused));
  assert.match(refused.stderr, new RegExp(`^ERROR: 401 Client Error: Unauthorized for url: ${registry.url}/${privateIndex}/api/advisories/query$`, "m"));

  const reader = await registry.createUser(uniqueName("reader"), { scope: "read", index: privateIndex });
  const env = isolatedPipEnv();
  await writeFile(join(env.HOME!, ".netrc"), `machine 127.0.0.1\n  login __token__\n  password ${reader.token}\n`, { mode: 0o600 });
  const found = await audit(["-r", requirements, "--index-url", simple(privateIndex)], { env });
  assert.equal(found.code, 1, describeRun("wheelhouse audit (netrc)", found));
  assertFinding(found.stdout);
  assert.doesNotMatch(found.stdout + found.stderr, new RegExp(reader.token));
});
