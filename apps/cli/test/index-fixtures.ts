// Test-only helpers: a PyPI-shaped static server on 127.0.0.1:0 that records every request, and
// real wheels built by @wheelhouse/testing.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWheel as buildTestWheel, distName, metadataText as projectMetadataText } from "@wheelhouse/testing";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface StaticFile {
  body: Buffer;
  contentType?: string;
  /** Serve Range requests (206); otherwise ignore the header and answer 200. */
  ranges?: boolean;
  etag?: string;
  /** `user:password` required (401 with WWW-Authenticate otherwise). */
  auth?: string;
  /** Send gzip when the client accepts it. */
  gzip?: boolean;
  /** Answer with this status for the first N requests. */
  failFirst?: { times: number; status: number };
}

export interface Route {
  redirect?: string;
  file?: StaticFile;
}

export class TestServer {
  readonly requests: RecordedRequest[] = [];
  readonly routes = new Map<string, Route>();
  #server: Server;
  #failures = new Map<string, number>();
  origin = "";

  constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  serve(path: string, file: StaticFile): void {
    this.routes.set(path, { file });
  }

  redirect(path: string, to: string): void {
    this.routes.set(path, { redirect: to });
  }

  /** Requests for a path (query ignored). */
  requestsFor(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0]!;
    this.requests.push({ method: req.method ?? "GET", path, headers: req.headers });
    const route = this.routes.get(path);
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (route.redirect) {
      res.writeHead(301, { location: route.redirect }).end();
      return;
    }
    const file = route.file!;
    if (file.failFirst) {
      const seen = this.#failures.get(path) ?? 0;
      if (seen < file.failFirst.times) {
        this.#failures.set(path, seen + 1);
        res.writeHead(file.failFirst.status).end("try again");
        return;
      }
    }
    if (file.auth) {
      const expected = `Basic ${Buffer.from(file.auth).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }).end("unauthorized");
        return;
      }
    }
    const headers: Record<string, string> = { "content-type": file.contentType ?? "application/octet-stream" };
    if (file.etag) {
      headers.etag = file.etag;
      if (req.headers["if-none-match"] === file.etag) {
        res.writeHead(304, headers).end();
        return;
      }
    }
    if (file.ranges) headers["accept-ranges"] = "bytes";
    const range = file.ranges ? parseRange(req.headers.range, file.body.length) : null;
    if (range) {
      headers["content-range"] = `bytes ${range.start}-${range.end - 1}/${file.body.length}`;
      res.writeHead(206, headers);
      res.end(req.method === "HEAD" ? undefined : file.body.subarray(range.start, range.end));
      return;
    }
    let body = file.body;
    if (file.gzip && /gzip/.test(String(req.headers["accept-encoding"] ?? ""))) {
      body = gzipSync(body);
      headers["content-encoding"] = "gzip";
    }
    headers["content-length"] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  }
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? "");
  if (!m) return null;
  if (m[1] === "") {
    const n = Number(m[2]);
    return { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size : Math.min(size, Number(m[2]) + 1);
  return start < end ? { start, end } : null;
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface WheelSpec {
  name: string;
  version: string;
  tag?: string;
  requires?: string[];
  /** Extra members written before .dist-info (e.g. a large incompressible payload). */
  payload?: Record<string, Uint8Array>;
}

export function metadataText(spec: { name: string; version: string; requires?: string[] }): string {
  return projectMetadataText({ name: spec.name, version: spec.version, requiresDist: spec.requires ?? [] });
}

/** A real wheel (@wheelhouse/testing's): its filename, bytes, and its METADATA. */
export function buildWheel(spec: WheelSpec): { filename: string; body: Buffer; metadata: string } {
  const files = { [`${distName(spec.name)}/__init__.py`]: `__version__ = "${spec.version}"\n`, ...spec.payload };
  const built = buildTestWheel({ name: spec.name, version: spec.version, requiresDist: spec.requires ?? [], files, ...(spec.tag ? { tag: spec.tag } : {}) });
  return { filename: built.filename, body: built.body, metadata: built.metadata };
}

/** A PEP 691 JSON page. */
export function jsonPage(name: string, files: object[]): StaticFile {
  return {
    body: Buffer.from(JSON.stringify({ meta: { "api-version": "1.1" }, name, files })),
    contentType: "application/vnd.pypi.simple.v1+json",
  };
}

/** A PEP 503 HTML page of anchors. */
export function htmlPage(anchors: string[]): StaticFile {
  return { body: Buffer.from(`<!DOCTYPE html><html><body>\n${anchors.join("<br/>\n")}\n</body></html>`), contentType: "text/html" };
}

export async function tempCacheDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "wheelhouse-index-test-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
