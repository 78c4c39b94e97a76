import assert from "node:assert/strict";
import { createServer, request as plainRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { after, describe, it } from "node:test";
import { HttpClient } from "./http-client.ts";
import { NetworkError } from "./errors.ts";

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

  it("goes through --proxy, with the proxy's credentials and the target's", async () => {
    const seen: { url: string | undefined; proxyAuth: string | undefined; auth: string | undefined }[] = [];
    const target = await serve((_req, res) => res.end("from target"));
    servers.push(target.server);
    // A forward proxy for http:// targets: the request line carries the absolute URL.
    const proxy = await serve((req, res) => {
      seen.push({ url: req.url, proxyAuth: req.headers["proxy-authorization"], auth: req.headers["authorization"] });
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
