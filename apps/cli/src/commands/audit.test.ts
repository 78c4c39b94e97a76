// `wheelhouse audit` against a fake registry (a TestIndex with the advisory query in front):
// environments populated by pip and by wheelhouse, pinned `-r` files, the JSON shape, exit
// statuses, a registry without advisories, credentials from netrc, --fix for both sources.
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { AdvisoryServer } from "../../test/advisory-server.ts";
import { sha256 } from "../../test/index-fixtures.ts";
import { pip, removeDir, tempDir } from "../../test/installer-support.ts";
import { freshVenv, makeTestWheel, TestIndex, wheelhouse } from "../../test/test-index.ts";

describe("wheelhouse audit", () => {
  let server: AdvisoryServer;
  let dir: string;
  let n = 0;
  const vuln10 = makeTestWheel("Vuln_Pkg", "1.0");
  const vuln11 = makeTestWheel("Vuln_Pkg", "1.1");
  const vuln12 = makeTestWheel("Vuln_Pkg", "1.2");
  const vuln20 = makeTestWheel("Vuln_Pkg", "2.0");
  const clean = makeTestWheel("clean", "1.0");
  const nofix = makeTestWheel("nofix", "1.0");
  // pinner 1.0 keeps vuln-pkg below 1.2; pinner 2.0 does not.
  const pinner1 = makeTestWheel("pinner", "1.0", { requires: ["vuln-pkg<1.2"] });
  const pinner2 = makeTestWheel("pinner", "2.0", { requires: ["vuln-pkg"] });
  // stuck needs vuln-pkg below 1.1, in every version.
  const stuck = makeTestWheel("stuck", "1.0", { requires: ["vuln-pkg<1.1"] });

  const cli = (args: string[], options: { cwd?: string; home?: string } = {}) =>
    wheelhouse(args, { home: options.home ?? dir, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const common = () => ["--cache-dir", path.join(dir, "cache"), "--index-url", server.url, "--keyring-provider", "disabled"];
  const venv = () => freshVenv(path.join(dir, `venv-${n++}`));
  const install = async (python: string, ...reqs: string[]) => {
    const result = await cli(["install", "--python", python, ...common(), ...reqs]);
    assert.equal(result.code, 0, result.stderr);
  };
  const installed = async (site: string) => (await readdir(site)).filter((f) => f.endsWith(".dist-info")).sort();

  before(async () => {
    dir = await tempDir("wh-audit-test-");
    server = await new AdvisoryServer().start();
    server.index.publish(vuln10, vuln11, vuln12, vuln20, clean, nofix, pinner1, pinner2, stuck);
    server.advisories.push(
      { package: "vuln-pkg", id: "GHSA-aaaa-0001", aliases: ["CVE-2024-0001"], summary: "Remote code execution in vuln-pkg", fixedIn: ["1.1"], below: "1.1" },
      { package: "vuln-pkg", id: "GHSA-aaaa-0002", aliases: ["CVE-2024-0002", "PYSEC-2024-2"], summary: "Path traversal", fixedIn: ["1.2"], below: "1.2" },
      { package: "nofix", id: "GHSA-bbbb-0001", summary: "No fix yet" },
      { package: "clean", id: "GHSA-cccc-0001", summary: "Withdrawn", fixedIn: ["2.0"], withdrawn: "2024-02-01T00:00:00Z" },
    );
  });
  after(async () => {
    await server.stop();
    await removeDir(dir);
  });

  test("an environment wheelhouse populated: a table of findings, the count, exit 1", async () => {
    const { python } = await venv();
    await install(python, "vuln-pkg==1.0", "clean");
    const result = await cli(["audit", "--python", python, ...common()]);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, "");
    assert.equal(
      result.stdout,
      [
        "Name     Version ID             Aliases                    Fix Versions Summary",
        "-------- ------- -------------- -------------------------- ------------ ---------------------------------",
        "vuln-pkg 1.0     GHSA-aaaa-0001 CVE-2024-0001              1.1          Remote code execution in vuln-pkg",
        "vuln-pkg 1.0     GHSA-aaaa-0002 CVE-2024-0002,PYSEC-2024-2 1.2          Path traversal",
        "Found 2 known vulnerabilities in 1 package",
        "",
      ].join("\n"),
    );
    // One query with every installed distribution, names as installed.
    const query = server.queries.at(-1)!;
    assert.deepEqual(query.packages, [
      { name: "clean", version: "1.0" },
      { name: "Vuln_Pkg", version: "1.0" },
    ]);
  });

  test("an environment pip populated, as JSON: every package, vulns [] for clean ones, fixes []", async () => {
    const { python } = await venv();
    const pipped = await pip(python, ["install", "--no-cache-dir", "--index-url", server.url, "vuln-pkg==1.1", "clean==1.0", "nofix"]);
    assert.equal(pipped.code, 0, pipped.stderr);
    const result = await cli(["audit", "--python", python, "--format", "json", ...common()]);
    assert.equal(result.code, 1, result.stderr);
    const data = JSON.parse(result.stdout);
    assert.deepEqual(data, {
      dependencies: [
        { name: "clean", version: "1.0", vulns: [] },
        {
          name: "nofix",
          version: "1.0",
          vulns: [
            {
              id: "GHSA-bbbb-0001",
              fix_versions: [],
              aliases: [],
              summary: "No fix yet",
              description: "Details of GHSA-bbbb-0001.",
              severity: null,
              link: "https://osv.dev/vulnerability/GHSA-bbbb-0001",
            },
          ],
        },
        {
          name: "vuln-pkg",
          version: "1.1",
          vulns: [
            {
              id: "GHSA-aaaa-0002",
              fix_versions: ["1.2"],
              aliases: ["CVE-2024-0002", "PYSEC-2024-2"],
              summary: "Path traversal",
              description: "Details of GHSA-aaaa-0002.",
              severity: null,
              link: "https://osv.dev/vulnerability/GHSA-aaaa-0002",
            },
          ],
        },
      ],
      fixes: [],
    });
  });

  test("nothing found: a line saying so, exit 0 (withdrawn advisories do not count)", async () => {
    const { python } = await venv();
    await install(python, "clean");
    const result = await cli(["audit", "--python", python, ...common()]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "No known vulnerabilities found\n");
    const json = await cli(["audit", "--python", python, "--format", "json", ...common()]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { dependencies: [{ name: "clean", version: "1.0", vulns: [] }], fixes: [] });
  });

  test("-r a pinned, hashed file: its pins are audited, no interpreter is needed", async () => {
    const lock = path.join(dir, "lock-audit.txt");
    await writeFile(lock, `clean==1.0 \\\n    --hash=sha256:${sha256(clean.body)}\nvuln-pkg==1.1 --hash=sha256:${sha256(vuln11.body)}\n    # via app\n`);
    const result = await cli(["audit", "--python", path.join(dir, "no-such-python"), "-r", lock, ...common()]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^vuln-pkg 1\.1 {5}GHSA-aaaa-0002 /m);
    assert.match(result.stdout, /^Found 1 known vulnerability in 1 package$/m);
    assert.deepEqual(server.queries.at(-1)!.packages, [
      { name: "clean", version: "1.0" },
      { name: "vuln-pkg", version: "1.1" },
    ]);
  });

  test("-r with an unpinned requirement is an error naming it", async () => {
    const reqs = path.join(dir, "unpinned.txt");
    await writeFile(reqs, "clean==1.0\nvuln-pkg>=1\n");
    const before = server.queries.length;
    const result = await cli(["audit", "-r", reqs, ...common()]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.equal(result.stderr, "ERROR: audit -r needs pinned requirements (name==version); 'vuln-pkg>=1' is not pinned — run `wheelhouse lock` first\n");
    assert.equal(server.queries.length, before);
  });

  test("more than 10000 pins are asked in batches, the answers kept in order", async () => {
    const reqs = path.join(dir, "many.txt");
    const lines = Array.from({ length: 10_001 }, (_, i) => `p${i}==1.0`);
    lines[10_000] = "vuln-pkg==1.0";
    await writeFile(reqs, `${lines.join("\n")}\n`);
    const before = server.queries.length;
    const result = await cli(["audit", "-r", reqs, "--format", "json", ...common()]);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(
      server.queries.slice(before).map((q) => q.packages.length),
      [10_000, 1],
    );
    const deps = JSON.parse(result.stdout).dependencies as { name: string; vulns: unknown[] }[];
    assert.equal(deps.length, 10_001);
    assert.equal(deps[10_000]!.name, "vuln-pkg");
    assert.equal(deps[10_000]!.vulns.length, 2);
  });

  test("an index that does not serve advisories: a clear error, exit 1", async () => {
    const plain = await new TestIndex().start();
    try {
      const reqs = path.join(dir, "one.txt");
      await writeFile(reqs, "clean==1.0\n");
      const result = await cli(["audit", "-r", reqs, "--index-url", plain.url, "--keyring-provider", "disabled"]);
      assert.equal(result.code, 1);
      assert.equal(
        result.stderr,
        `ERROR: the index at ${plain.url} does not serve advisories (404 Not Found for ${plain.server.url("/api/advisories/query")}); ` +
          `audit needs a Wheelhouse registry that serves /api/advisories/query\n`,
      );
      const other = await cli(["audit", "-r", reqs, "--index-url", plain.server.url("/pypi/"), "--keyring-provider", "disabled"]);
      assert.equal(other.code, 1);
      assert.match(
        other.stderr,
        /^ERROR: audit needs a Wheelhouse index URL \(http\(s\):\/\/…\/simple\/, as the registry serves it\); got http:\/\/127\.0\.0\.1:\d+\/pypi\/\n$/,
      );
    } finally {
      await plain.stop();
    }
  });

  test("credentials: netrc for the registry's host; without them, the 401 is an error", async () => {
    const reqs = path.join(dir, "auth.txt");
    await writeFile(reqs, "vuln-pkg==1.0\n");
    server.auth = "alice:s3cret";
    try {
      const home = await tempDir("wh-audit-home-");
      const refused = await cli(["audit", "-r", reqs, ...common()], { home });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^ERROR: 401 Client Error: Unauthorized for url: http:\/\/127\.0\.0\.1:\d+\/api\/advisories\/query\n$/);
      await writeFile(path.join(home, ".netrc"), "machine 127.0.0.1 login alice password s3cret\n", { mode: 0o600 });
      const result = await cli(["audit", "-r", reqs, ...common()], { home });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /^Found 2 known vulnerabilities in 1 package$/m);
      assert.equal(server.queries.at(-1)!.authorization, `Basic ${Buffer.from("alice:s3cret").toString("base64")}`);
      // Userinfo in the index URL is sent too, and never shown.
      const userinfo = await cli([
        "audit",
        "-r",
        reqs,
        "--cache-dir",
        path.join(dir, "cache"),
        "--keyring-provider",
        "disabled",
        "--index-url",
        server.url.replace("http://", "http://alice:s3cret@"),
      ]);
      assert.equal(userinfo.code, 1, userinfo.stderr);
      assert.doesNotMatch(userinfo.stdout + userinfo.stderr, /s3cret/);
    } finally {
      server.auth = null;
    }
  });

  test("--fix upgrades to the nearest version fixing every advisory, then audits again: exit 0", async () => {
    const { python, site } = await venv();
    await install(python, "vuln-pkg==1.0", "clean");
    const dry = await cli(["audit", "--python", python, "--fix", "--dry-run", ...common()]);
    assert.equal(dry.code, 1, dry.stderr);
    assert.match(dry.stdout, /^Would upgrade vuln-pkg: 1\.0 → 1\.2$/m);
    assert.deepEqual(await installed(site), ["Vuln_Pkg-1.0.dist-info", "clean-1.0.dist-info"]);

    const result = await cli(["audit", "--python", python, "--fix", ...common()]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Found 2 known vulnerabilities in 1 package\nvuln-pkg: 1\.0 → 1\.2\nNo known vulnerabilities remain\n$/m);
    assert.deepEqual(await installed(site), ["Vuln_Pkg-1.2.dist-info", "clean-1.0.dist-info"]);
    const again = await cli(["audit", "--python", python, ...common()]);
    assert.equal(again.code, 0, again.stderr);
  });

  test("--fix keeps what depends on the package working: a dependent is upgraded only if needed; what cannot be fixed is reported, exit 1", async () => {
    const { python, site } = await venv();
    await install(python, "pinner==1.0", "vuln-pkg==1.0", "nofix");
    const result = await cli(["audit", "--python", python, "--fix", "--format", "json", ...common()]);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).fixes, [
      { name: "nofix", version: "1.0", skip_reason: "no fixed version is known for GHSA-bbbb-0001" },
      { name: "pinner", old_version: "1.0", new_version: "2.0" },
      { name: "vuln-pkg", old_version: "1.0", new_version: "1.2" },
    ]);
    assert.deepEqual(await installed(site), ["Vuln_Pkg-1.2.dist-info", "nofix-1.0.dist-info", "pinner-2.0.dist-info"]);

    const other = await venv();
    await install(other.python, "stuck");
    const blocked = await cli(["audit", "--python", other.python, "--fix", ...common()]);
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.match(blocked.stdout, /^Could not fix vuln-pkg 1\.0: /m);
    assert.match(blocked.stdout, /^Still found 2 known vulnerabilities in 1 package$/m);
    assert.deepEqual(await installed(other.site), ["Vuln_Pkg-1.0.dist-info", "stuck-1.0.dist-info"]);
  });

  test("-r --fix rewrites the pin and regenerates its hashes; the rest of the file is kept byte for byte", async () => {
    const lock = path.join(dir, "lock-fix.txt");
    const text = [
      "#",
      "#    wheelhouse lock --generate-hashes requirements.in",
      "#",
      "clean==1.0 \\",
      `    --hash=sha256:${sha256(clean.body)}`,
      "    # via -r requirements.in",
      "vuln-pkg==1.0 \\",
      `    --hash=sha256:${sha256(vuln10.body)}`,
      "    # via -r requirements.in",
      "",
    ].join("\n");
    await writeFile(lock, text);
    const dry = await cli(["audit", "-r", lock, "--fix", "--dry-run", ...common()]);
    assert.equal(dry.code, 1, dry.stderr);
    assert.match(dry.stdout, /^Would upgrade vuln-pkg: 1\.0 → 1\.2$/m);
    assert.equal(await readFile(lock, "utf8"), text);

    const result = await cli(["audit", "-r", lock, "--fix", ...common()]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^vuln-pkg: 1\.0 → 1\.2\nNo known vulnerabilities remain\n$/m);
    assert.match(result.stderr, /run `wheelhouse lock` to check/);
    assert.equal(
      await readFile(lock, "utf8"),
      text.replace(`vuln-pkg==1.0 \\\n    --hash=sha256:${sha256(vuln10.body)}`, `vuln-pkg==1.2 \\\n    --hash=sha256:${sha256(vuln12.body)}`),
    );
  });
});
