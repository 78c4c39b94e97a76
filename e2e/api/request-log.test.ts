// The access log as an operator reads it, from `npm start`'s own process: one short line per
// request at info, with no header; the headers (credentials redacted) only at debug.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "@wheelhouse/db/testing";

const repoRoot = new URL("../..", import.meta.url).pathname;
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

/** `npm start`'s command line at LOG_LEVEL `level`; the log lines of one request with a token and a custom header. */
async function logOfOneRequest(level: string): Promise<Record<string, unknown>[]> {
  const database = await createTestDatabase();
  databases.push(database);
  const dataDir = await mkdtemp(join(tmpdir(), "wh-request-log-"));
  const [node, ...args] = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  assert.equal(node, "node");
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: level, WHEELHOUSE_ADMIN_PASSWORD: "request-log-admin" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const match = /running at (http:\/\/[^/\s]+)\//.exec(out);
        if (match) {
          clearInterval(poll);
          resolve(match[1]!);
        }
      }, 20);
      child.once("exit", (code) => reject(new Error(`registry exited with ${code}:\n${out}`)));
    });
    const response = await fetch(`${url}/simple/?q=1`, {
      headers: { authorization: "Basic X19fdG9rZW5fXzp3aGtfc2VjcmV0", "proxy-authorization": "Basic cHJveHk6c2VjcmV0", "x-custom": "lots-of-bytes" },
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
    await rm(dataDir, { recursive: true, force: true });
  }
  return out
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => (entry.req as { url?: string } | undefined)?.url === "/simple/?q=1");
}

test("at info, a request is one short line: method, URL, status and time, no header", async () => {
  const lines = await logOfOneRequest("info");
  assert.equal(lines.length, 1, JSON.stringify(lines));
  const [line] = lines;
  const text = JSON.stringify(line);
  assert.ok(text.length < 400, `${text.length} bytes: ${text}`);
  assert.deepEqual(Object.keys(line!.req as object).sort(), ["id", "method", "remoteAddress", "url"]);
  assert.deepEqual(line!.res, { statusCode: 200 });
  assert.equal(typeof line!.responseTime, "number");
  assert.doesNotMatch(text, /lots-of-bytes|X19fdG9rZW5f|cHJveHk6|authorization/i);
});

test("at debug, the headers are there, and the credentials are not", async () => {
  const lines = await logOfOneRequest("debug");
  assert.equal(lines.length, 1, JSON.stringify(lines));
  const text = JSON.stringify(lines[0]);
  assert.match(text, /lots-of-bytes/);
  assert.match(text, /"authorization":"\[redacted\]"/);
  assert.match(text, /"proxy-authorization":"\[redacted\]"/);
  assert.doesNotMatch(text, /X19fdG9rZW5f|cHJveHk6/);
});
