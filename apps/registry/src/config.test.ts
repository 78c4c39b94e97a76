import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidConfig, loadConfig } from "./config.ts";

test("defaults: the embedded setup on 127.0.0.1:8080 with fs storage under DATA_DIR", () => {
  const config = loadConfig({ DATA_DIR: "/srv/wh" });
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.port, 8080);
  assert.equal(config.databaseUrl, undefined);
  assert.deepEqual(config.storage, { driver: "fs", root: "/srv/wh/files" });
  assert.equal(config.defaultIndex, "main");
});

test("production parts by configuration alone", () => {
  const config = loadConfig({
    DATABASE_URL: "postgresql://wh:secret@db:5432/wheelhouse",
    S3_ENDPOINT: "http://minio:9000",
    S3_ACCESS_KEY: "key",
    S3_SECRET_KEY: "secret",
    S3_BUCKET: "wheelhouse",
  });
  assert.equal(config.databaseUrl, "postgresql://wh:secret@db:5432/wheelhouse");
  assert.deepEqual(config.storage, {
    driver: "s3",
    endpoint: "http://minio:9000",
    accessKey: "key",
    secretKey: "secret",
    bucket: "wheelhouse",
    region: "us-east-1",
  });
});

const bad: [string, Record<string, string>, string][] = [
  ["a port that is not a number", { PORT: "eighty" }, 'PORT: Invalid input: expected number, received NaN (got "eighty")'],
  ["a port out of range", { PORT: "70000" }, 'PORT: Too big: expected number to be <=65535 (got "70000")'],
  ["a database URL of another kind", { DATABASE_URL: "mysql://x/y" }, 'DATABASE_URL: Invalid URL (got "mysql://x/y")'],
  [
    "half an S3 configuration",
    { S3_ENDPOINT: "http://minio:9000", S3_BUCKET: "bucket" },
    "S3_ACCESS_KEY: required when S3_ENDPOINT is set (S3 storage needs S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET)",
  ],
  ["a short admin password, not echoed", { WHEELHOUSE_ADMIN_PASSWORD: "short" }, 'WHEELHOUSE_ADMIN_PASSWORD: must be at least 8 characters (got "<hidden>")'],
  ["a URL whose password is not echoed", { DATABASE_URL: "mysql://user:s3cret@db/x" }, 'DATABASE_URL: Invalid URL (got "mysql://user:***@db/x")'],
  ["an upload limit of zero", { WHEELHOUSE_MAX_UPLOAD_BYTES: "0" }, 'WHEELHOUSE_MAX_UPLOAD_BYTES: Too small: expected number to be >0 (got "0")'],
  [
    "a header timeout longer than the request timeout",
    { WHEELHOUSE_HEADERS_TIMEOUT: "60", WHEELHOUSE_REQUEST_TIMEOUT: "30" },
    "WHEELHOUSE_HEADERS_TIMEOUT: must not be longer than WHEELHOUSE_REQUEST_TIMEOUT (60 > 30 seconds)",
  ],
  ["a negative minimum body rate", { WHEELHOUSE_MIN_BODY_RATE: "-1" }, 'WHEELHOUSE_MIN_BODY_RATE: Too small: expected number to be >=0 (got "-1")'],
  [
    "an unknown log level",
    { LOG_LEVEL: "loud" },
    `LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent" (got "loud")`,
  ],
];
for (const [what, env, message] of bad) {
  test(`a bad setting stops start-up naming it: ${what}`, () => {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof InvalidConfig && err.message === message,
    );
  });
}

test("a JSON config file, with the environment winning over it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "wh-config-"));
  const file = join(dir, "wheelhouse.json");
  await writeFile(file, JSON.stringify({ PORT: 9000, HOST: "0.0.0.0" }));
  const config = loadConfig({ WHEELHOUSE_CONFIG: file, PORT: "9100" });
  assert.equal(config.port, 9100);
  assert.equal(config.host, "0.0.0.0");
  await writeFile(file, JSON.stringify({ PORTT: 1 }));
  assert.throws(() => loadConfig({ WHEELHOUSE_CONFIG: file }), { message: `PORTT: unknown setting in ${file}` });
  assert.throws(() => loadConfig({ WHEELHOUSE_CONFIG: join(dir, "missing.json") }), /^InvalidConfig: WHEELHOUSE_CONFIG: cannot read/);
});

test("HTTP limits: defaults let a large upload at a sane rate finish; each is configurable", () => {
  const defaults = loadConfig({}).http;
  // 1 GB at 1 MB/s: 1000 s, inside the total; any honest link is far above the minimum rate.
  assert.ok(defaults.requestTimeoutMs > 1000 * 1000);
  assert.ok(defaults.minBodyBytesPerSecond <= 1024 * 1024);
  const set = loadConfig({
    WHEELHOUSE_HEADERS_TIMEOUT: "2",
    WHEELHOUSE_REQUEST_TIMEOUT: "0",
    WHEELHOUSE_MIN_BODY_RATE: "100",
    WHEELHOUSE_BODY_RATE_GRACE: "0.5",
  }).http;
  assert.deepEqual(set, { headersTimeoutMs: 2000, requestTimeoutMs: 0, minBodyBytesPerSecond: 100, bodyRateGraceMs: 500 });
});
