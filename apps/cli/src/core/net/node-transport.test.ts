import assert from "node:assert/strict";
import { createServer, request as plainRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { HttpClient } from "./http-client.ts";
import { CertificateFileError, NetworkError } from "./errors.ts";

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.closeAllConnections();
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("HttpClient over node:http", () => {
  it("keeps one connection alive across requests, including 304s and drained bodies", async () => {
    const { server, url, sockets } = await serve((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/plain", etag: '"v1"' }).end("x".repeat(1000));
    });
    servers.push(server);
    const http = new HttpClient({ retries: 0 });
    try {
      const first = await http.get(`${url}/a`);
      assert.equal(await first.text(), "x".repeat(1000));
      const notModified = await http.request(`${url}/a`, { headers: { "if-none-match": '"v1"' } });
      assert.equal(notModified.status, 304);
      await notModified.dump();
      const unread = await http.get(`${url}/b`);
      await unread.dump();
      assert.equal((await http.get(`${url}/c`)).status, 200);
      assert.equal(sockets.size, 1);
    } finally {
      await http.close();
    }
  });

  it("sends a POST body with its length", async () => {
    const { server, url } = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => res.end(`${req.method} ${req.headers["content-length"]} ${Buffer.concat(chunks).toString()}`));
    });
    servers.push(server);
    const http = new HttpClient({ retries: 0 });
    try {
      const response = await http.request(`${url}/q`, { method: "POST", body: '{"é":1}', headers: { "content-type": "application/json" } });
      assert.equal(await response.text(), 'POST 8 {"é":1}');
    } finally {
      await http.close();
    }
  });

  it("fails a stalled response with 'read timed out', naming the URL", async () => {
    const { server, url } = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "10" });
      res.write("abc"); // …and nothing more
    });
    servers.push(server);
    const http = new HttpClient({ retries: 0, timeout: 0.2 });
    try {
      const response = await http.get(`${url}/slow`);
      await assert.rejects(response.buffer(), (e: unknown) => e instanceof NetworkError && /read timed out/.test(e.message) && e.message.includes("/slow"));
    } finally {
      await http.close();
    }
  });

  it("fails headers that never come with 'read timed out'", async () => {
    const { server, url } = await serve(() => {});
    servers.push(server);
    const http = new HttpClient({ retries: 0, timeout: 0.2 });
    try {
      await assert.rejects(http.get(`${url}/never`), (e: unknown) => e instanceof NetworkError && /read timed out/.test(e.message));
    } finally {
      await http.close();
    }
  });

  it("dumps a compressed body nobody decoded without stalling, and keeps the connection", async () => {
    // More than the decoder buffers: piped into a gunzip nobody reads, the body used to stop flowing.
    const gzipped = gzipSync(randomBytes(64 * 1024).toString("hex"));
    const { server, url, sockets } = await serve((req, res) => {
      res.writeHead(req.url === "/missing" ? 404 : 200, { "content-encoding": "gzip", "content-length": String(gzipped.length) });
      res.end(gzipped);
    });
    servers.push(server);
    const http = new HttpClient({ retries: 0, timeout: 0.5 });
    try {
      const missing = await http.request(`${url}/missing`, { headers: { "accept-encoding": "gzip" } });
      assert.equal(missing.status, 404);
      const started = Date.now();
      await missing.dump();
      assert.ok(Date.now() - started < 400, "dump waited for the read timeout");
      const page = await http.request(`${url}/page`, { headers: { "accept-encoding": "gzip" } });
      assert.equal((await page.text()).length, 128 * 1024);
      assert.equal(sockets.size, 1);
    } finally {
      await http.close();
    }
  });

  it("fails at once, with pip's words, when the --cert file cannot be read (no retries)", { timeout: 5000 }, async () => {
    // A retry would wait retryBackoffMs (a minute) and the test would time out.
    const http = new HttpClient({ retries: 5, retryBackoffMs: 60_000, cert: "/nonexistent/ca-bundle.pem" });
    try {
      await assert.rejects(
        http.get("https://127.0.0.1:9/simple/"),
        (e: unknown) =>
          e instanceof CertificateFileError &&
          e.message.startsWith("Could not find a suitable TLS CA certificate bundle, invalid path: /nonexistent/ca-bundle.pem"),
      );
    } finally {
      await http.close();
    }
  });

  it("goes through --proxy, with the proxy's credentials and the target's", async () => {
    const seen: { url: string | undefined; proxyAuth: string | undefined; auth: string | undefined }[] = [];
    const target = await serve((_req, res) => res.end("from target"));
    servers.push(target.server);
    // A forward proxy for http:// targets: the request line carries the absolute URL.
    const proxy = await serve((req, res) => {
      seen.push({ url: req.url, proxyAuth: req.headers["proxy-authorization"], auth: req.headers.authorization });
      const upstream = plainRequest(req.url!, { method: req.method, headers: { ...req.headers, "proxy-authorization": "" } }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    servers.push(proxy.server);
    const proxyUrl = new URL(proxy.url);
    proxyUrl.username = "pu";
    proxyUrl.password = "pp";
    const http = new HttpClient({ retries: 0, proxy: proxyUrl.toString() });
    try {
      const response = await http.get(`${target.url.replace("//", "//alice:secret@")}/simple/x/`);
      assert.equal(await response.text(), "from target");
    } finally {
      await http.close();
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, `${target.url}/simple/x/`);
    assert.equal(seen[0]!.proxyAuth, `Basic ${Buffer.from("pu:pp").toString("base64")}`);
    assert.equal(seen[0]!.auth, `Basic ${Buffer.from("alice:secret").toString("base64")}`);
  });
});
