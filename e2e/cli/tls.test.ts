// The installer over HTTPS with a private CA, started as a user starts it (the checkout's
// launcher): the CA from NODE_EXTRA_CA_CERTS (which the launcher keeps from Node's start-up and
// the installer adds on its first TLS connection) or from --cert; without either, a certificate
// error. The processes it starts see NODE_EXTRA_CA_CERTS as the user set it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { run } from "../support/run.ts";
import { makeTempDir, removeTempDirs } from "../support/temp-dir.ts";
import { isolatedPipEnv } from "../support/isolated-env.ts";
import { wheelhouse } from "../support/wheelhouse-cli.ts";

let dir: string;
let server: Server;
let indexUrl: string;
let caFile: string;

/** A CA and a localhost certificate it signed, made with openssl. */
async function makeCertificates(where: string): Promise<{ ca: string; key: string; cert: string }> {
  const openssl = async (...args: string[]) => {
    const result = await run("openssl", args, { cwd: where });
    assert.equal(result.code, 0, result.stderr);
  };
  await openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Wheelhouse Test CA");
  writeFileSync(join(where, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  await openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  );
  return { ca: join(where, "ca.pem"), key: join(where, "server.key"), cert: join(where, "server.pem") };
}

before(async () => {
  dir = await makeTempDir("wh-tls-");
  const { ca, key, cert } = await makeCertificates(dir);
  caFile = ca;
  const page = JSON.stringify({
    meta: { "api-version": "1.0" },
    name: "tls-demo",
    files: [{ filename: "tls_demo-1.2-py3-none-any.whl", url: "tls_demo-1.2-py3-none-any.whl", hashes: {} }],
  });
  server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    if (req.url === "/simple/tls-demo/") {
      res.writeHead(200, { "content-type": "application/vnd.pypi.simple.v1+json" });
      res.end(page);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  indexUrl = `https://localhost:${(server.address() as AddressInfo).port}/simple/`;
});

after(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await removeTempDirs();
});

const versions = (env: NodeJS.ProcessEnv, ...extra: string[]) =>
  wheelhouse(["index", "versions", "--no-cache-dir", "--retries", "0", "--index-url", indexUrl, ...extra, "tls-demo"], { env });

test("the CA in NODE_EXTRA_CA_CERTS is trusted", async () => {
  const result = await versions(isolatedPipEnv({ NODE_EXTRA_CA_CERTS: caFile }));
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^tls-demo \(1\.2\)$/m);
});

test("--cert names the CA bundle instead", async () => {
  const result = await versions(isolatedPipEnv(), "--cert", caFile);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^tls-demo \(1\.2\)$/m);
});

test("an unknown CA is refused", async () => {
  const result = await versions(isolatedPipEnv());
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /certificate/i);
});

test("the processes the installer starts see NODE_EXTRA_CA_CERTS as it was set", async () => {
  // `config edit` runs $EDITOR: here a shell that writes down the variable it was given.
  const seen = join(dir, "seen.txt");
  const env = isolatedPipEnv({ NODE_EXTRA_CA_CERTS: caFile, EDITOR: `sh -c 'printf "%s|%s" "$NODE_EXTRA_CA_CERTS" "$WHEELHOUSE_EXTRA_CA_CERTS" > ${seen}'` });
  delete env.PIP_CONFIG_FILE; // (else there is no file to edit)
  const result = await wheelhouse(["config", "edit"], { env });
  assert.equal(result.code, 0, result.stderr);
  // (And the launcher handed the file over rather than let Node parse it at start-up.)
  assert.equal(readFileSync(seen, "utf8"), `${caFile}|${caFile}`);
});
