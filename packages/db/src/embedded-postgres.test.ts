import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import type { EmbeddedPostgres } from "./embedded-postgres.ts";

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("startEmbeddedPostgres", () => {
  let dataDir: string | undefined;
  let running: EmbeddedPostgres | undefined;
  after(async () => {
    await running?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it("initialises, serves, stops and restarts with the data kept", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "wheelhouse-embedded-pg-"));
    const logs: string[] = [];

    running = await startEmbeddedPostgres(dataDir, { log: (m) => logs.push(m) });
    const first = running;
    assert.match(first.url, /^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/wheelhouse$/);
    await query(first.url, "CREATE TABLE kept (v text)");
    await query(first.url, "INSERT INTO kept VALUES ('hello')");
    await first.stop();
    await first.stop(); // idempotent
    running = undefined;

    const state = JSON.parse(await readFile(join(dataDir, "embedded-postgres.json"), "utf8")) as {
      port: number;
      password: string;
    };
    assert.ok(state.password.length >= 16);
    assert.equal(new URL(first.url).port, String(state.port));

    // A postmaster.pid left behind by a killed run, naming a live unrelated process (pid 1):
    // postgres alone would refuse to start.
    await writeFile(join(dataDir, "pg", "postmaster.pid"), `1\n${join(dataDir, "pg")}\n0\n${state.port}\n`);

    running = await startEmbeddedPostgres(dataDir, { log: (m) => logs.push(m) });
    assert.equal(running.url, first.url, "same port and password as last time");
    assert.deepEqual(await query(running.url, "SELECT v FROM kept"), [{ v: "hello" }]);
    assert.ok(logs.some((l) => l.includes("stale")));
    await running.stop();
    running = undefined;
  });

  it("starts after the process that ran it was killed, stopping the orphaned server", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wheelhouse-embedded-pg-killed-"));
    let child: ReturnType<typeof spawn> | undefined;
    try {
      const module = fileURLToPath(new URL("./embedded-postgres.ts", import.meta.url));
      child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `const { startEmbeddedPostgres } = await import(${JSON.stringify(module)});
           const pg = await startEmbeddedPostgres(${JSON.stringify(dir)});
           console.log(pg.url);
           setInterval(() => {}, 1000);`,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
      const url = chunk.toString().trim();
      await query(url, "CREATE TABLE survived (v int)");
      child.kill("SIGKILL");
      await once(child, "exit");

      const logs: string[] = [];
      running = await startEmbeddedPostgres(dir, { log: (m) => logs.push(m) });
      assert.ok(
        logs.some((l) => l.includes("orphaned")),
        logs.join("\n"),
      );
      assert.deepEqual(await query(running.url, "SELECT count(*)::int AS n FROM survived"), [{ n: 0 }]);
      await running.stop();
      running = undefined;
    } finally {
      if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
