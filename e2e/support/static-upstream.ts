// A tiny PyPI-shaped upstream for mirror tests: project pages (PEP 503 HTML, or PEP 691 JSON
// when asked), file bytes (with Range, as real file servers and CDNs answer) and `.metadata`
// files, with ETag/304, request counts per path, and faults on demand per path (an error
// status, a hang, a socket closed or stalled mid-file, bytes other than the published hash).
// `bare` makes it a plain PEP 503 tree (static directories, older devpi, Nexus): HTML only,
// no hashes, no sizes, no metadata files. startStaticTree serves a directory (the machine's
// local index) the way `python -m http.server` or nginx would.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join, normalize, sep } from "node:path";
import { parseByteRange } from "../../apps/registry/src/http/byte-range.ts";

export interface StaticFile {
  filename: string;
  bytes: Buffer;
  requiresPython?: string;
  /** PEP 592: the reason ("" = yanked without one). */
  yanked?: string;
  /** Served at `<file>.metadata` and advertised (PEP 658/714) when given. */
  metadata?: string;
  /** Advertise this metadata digest instead of the real one. */
  metadataSha256?: string;
  uploadTime?: Date;
  /** Publish this sha256 instead of the real one. */
  sha256?: string;
}

export type Fault =
  /** Answer with this status and a short body. */
  | { status: number }
  /** Accept the request and never answer. */
  | "hang"
  /** Send the headers (full Content-Length) and half the body, then destroy the socket. */
  | "close-mid-file"
  /** Send the headers and half the body, then go silent with the socket open. */
  | "stall-mid-file"
  /** Send bytes of the right length whose sha256 is not the published one. */
  | "wrong-bytes";

export interface StaticUpstreamOptions {
  /** Initial projects: name as written → files. */
  projects?: Record<string, StaticFile[]>;
  /** "html" only (like an old devpi), or JSON too when the client asks for it (default). */
  formats?: "html" | "html+json";
  /** Links as "/files/x" (default), "../../files/x" (relative) or "http://127.0.0.1:<port>/files/x". */
  links?: "root-relative" | "relative" | "absolute";
  /** Requests without these Basic credentials get 401. */
  credentials?: { username: string; password: string };
  /** Files are 302-redirected to /cdn/<filename> (as PyPI sends files to its CDN). */
  redirectFiles?: boolean;
  /** Files are sent chunked, without Content-Length. */
  chunkedFiles?: boolean;
  /**
   * A plain PEP 503 tree: HTML pages only, links without `#sha256=`, no `data-core-metadata`,
   * no `.metadata` files (and HTML never has sizes).
   */
  bare?: boolean;
  /** Range requests on files are ignored (a 200 with the whole file), as some servers do. */
  noRanges?: boolean;
  /** Links point at this origin ("http://127.0.0.1:<port>") instead of this server's. */
  fileOrigin?: string;
  /** Files are 302-redirected to `<redirectFilesTo>/cdn/<filename>` (another origin). */
  redirectFilesTo?: string;
}

export interface StaticUpstream {
  /** "http://127.0.0.1:<port>", no trailing slash. */
  url: string;
  /** The Simple API root: `${url}/simple/`. */
  simpleUrl: string;
  /** Adds or replaces a project's files (the page and its ETag change). */
  setProject(name: string, files: StaticFile[]): void;
  removeProject(name: string): void;
  /** Misbehave on this path ("/simple/foo/", "/files/foo-1.0.tar.gz"); null clears it. */
  setFault(path: string, fault: Fault | null): void;
  /** How many requests reached this path (any method, any answer). */
  requests(path: string): number;
  /** The statuses answered on this path, in order (0: no answer, the request was left hanging). */
  statuses(path: string): number[];
  /** The Authorization headers seen on this path (to check what was sent where). */
  authorizations(path: string): (string | undefined)[];
  stop(): Promise<void>;
}

const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function canonicalize(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

export async function startStaticUpstream(opts: StaticUpstreamOptions = {}): Promise<StaticUpstream> {
  const projects = new Map<string, { name: string; files: StaticFile[] }>();
  const faults = new Map<string, Fault>();
  const counts = new Map<string, number>();
  const auths = new Map<string, (string | undefined)[]>();
  const answered = new Map<string, number[]>();
  const sockets = new Set<Socket>();
  let origin = "";

  const setProject = (name: string, files: StaticFile[]) => projects.set(canonicalize(name), { name, files });
  for (const [name, files] of Object.entries(opts.projects ?? {})) setProject(name, files);

  const findFile = (filename: string): StaticFile | undefined => {
    for (const project of projects.values()) {
      const file = project.files.find((f) => f.filename === filename);
      if (file) return file;
    }
    return undefined;
  };

  const fileHref = (filename: string): string => {
    const path = `/files/${encodeURIComponent(filename)}`;
    if (opts.links === "relative") return `../..${path}`;
    if (opts.fileOrigin) return `${opts.fileOrigin}${path}`;
    if (opts.links === "absolute") return `${origin}${path}`;
    return path;
  };

  const renderHtml = (name: string, files: StaticFile[]): string => {
    const anchors = files.map((file) => {
      const fragment = opts.bare ? "" : `#sha256=${file.sha256 ?? sha256(file.bytes)}`;
      let attrs = `href="${escapeHtml(`${fileHref(file.filename)}${fragment}`)}"`;
      if (file.requiresPython) attrs += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
      if (file.metadata !== undefined && !opts.bare) {
        const value = escapeHtml(`sha256=${file.metadataSha256 ?? sha256(file.metadata)}`);
        attrs += ` data-dist-info-metadata="${value}" data-core-metadata="${value}"`;
      }
      if (file.yanked !== undefined) attrs += ` data-yanked="${escapeHtml(file.yanked)}"`;
      return `    <a ${attrs}>${escapeHtml(file.filename)}</a><br />\n`;
    });
    return (
      `<!DOCTYPE html>\n<html>\n  <head><meta name="pypi:repository-version" content="1.0"><title>Links for ${escapeHtml(name)}</title></head>\n` +
      `  <body>\n    <h1>Links for ${escapeHtml(name)}</h1>\n` +
      `${anchors.join("")}  </body>\n</html>\n`
    );
  };

  const renderJson = (name: string, files: StaticFile[]): string =>
    JSON.stringify({
      meta: { "api-version": "1.1", "_last-serial": files.length },
      name: canonicalize(name),
      versions: [],
      files: files.map((file) => ({
        filename: file.filename,
        url: fileHref(file.filename),
        hashes: { sha256: file.sha256 ?? sha256(file.bytes) },
        "requires-python": file.requiresPython ?? null,
        size: file.bytes.length,
        ...(file.uploadTime ? { "upload-time": file.uploadTime.toISOString() } : {}),
        yanked: file.yanked === undefined ? false : file.yanked === "" ? true : file.yanked,
        "core-metadata": file.metadata === undefined ? false : { sha256: file.metadataSha256 ?? sha256(file.metadata) },
      })),
    });

  const sendBody = (req: IncomingMessage, res: ServerResponse, body: Buffer, fault: Fault | undefined): void => {
    if (fault === "close-mid-file" || fault === "stall-mid-file") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        if (fault === "close-mid-file") setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    if (fault === "wrong-bytes") {
      body = Buffer.from(body);
      body[body.length - 1] = body[body.length - 1]! ^ 0xff;
    }
    if (opts.chunkedFiles) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write(body.subarray(0, 1));
      res.end(body.subarray(1));
      return;
    }
    const range = opts.noRanges ? null : byteRange(req.headers.range, body.length);
    if (range) {
      res.writeHead(206, {
        "content-type": "application/octet-stream",
        "content-length": range.end - range.start + 1,
        "content-range": `bytes ${range.start}-${range.end}/${body.length}`,
      });
      res.end(body.subarray(range.start, range.end + 1));
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length, ...(opts.noRanges ? {} : { "accept-ranges": "bytes" }) });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    auths.set(path, [...(auths.get(path) ?? []), req.headers.authorization]);
    const fault = faults.get(path);
    if (fault === "hang") return;
    if (typeof fault === "object") {
      res.writeHead(fault.status, { "content-type": "text/plain" }).end(`fault ${fault.status}\n`);
      return;
    }
    if (opts.credentials && !path.startsWith("/cdn/")) {
      const expected = `Basic ${Buffer.from(`${opts.credentials.username}:${opts.credentials.password}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="upstream"' }).end("401\n");
        return;
      }
    }

    const page = /^\/simple\/([^/]+)\/$/.exec(path);
    if (page) {
      const project = projects.get(canonicalize(decodeURIComponent(page[1]!)));
      if (!project) {
        res.writeHead(404, { "content-type": "text/plain" }).end("404 Not Found\n");
        return;
      }
      const wantsJson = opts.formats !== "html" && !opts.bare && (req.headers.accept ?? "").includes(JSON_TYPE);
      const body = Buffer.from(wantsJson ? renderJson(project.name, project.files) : renderHtml(project.name, project.files));
      const etag = `"${sha256(body).slice(0, 16)}"`;
      const headers = {
        "content-type": wantsJson ? JSON_TYPE : "text/html; charset=utf-8",
        etag,
        vary: "Accept",
        "x-pypi-last-serial": String(project.files.length),
      };
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, headers).end();
        return;
      }
      res.writeHead(200, { ...headers, "content-length": body.length }).end(body);
      return;
    }

    const file = /^\/(files|cdn)\/([^/]+)$/.exec(path);
    if (file) {
      let filename = decodeURIComponent(file[2]!);
      if (file[1] === "files" && opts.redirectFilesTo) {
        res.writeHead(302, { location: `${opts.redirectFilesTo}/cdn/${encodeURIComponent(filename)}` }).end();
        return;
      }
      if (file[1] === "files" && opts.redirectFiles) {
        res.writeHead(302, { location: `/cdn/${encodeURIComponent(filename)}` }).end();
        return;
      }
      const wantsMetadata = filename.endsWith(".metadata");
      if (wantsMetadata) filename = filename.slice(0, -".metadata".length);
      const found = findFile(filename);
      if (!found || (wantsMetadata && (found.metadata === undefined || opts.bare))) {
        res.writeHead(404, { "content-type": "text/plain" }).end("404 Not Found\n");
        return;
      }
      sendBody(req, res, wantsMetadata ? Buffer.from(found.metadata!, "utf8") : found.bytes, fault);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("404 Not Found\n");
  };

  const server = createServer((req, res) => {
    handle(req, res);
    // Every answer is started synchronously; a hang starts none.
    const path = new URL(req.url ?? "/", "http://x").pathname;
    answered.set(path, [...(answered.get(path) ?? []), res.headersSent ? res.statusCode : 0]);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    simpleUrl: `${origin}/simple/`,
    setProject,
    removeProject: (name) => void projects.delete(canonicalize(name)),
    setFault(path, fault) {
      if (fault === null) faults.delete(path);
      else faults.set(path, fault);
    },
    requests: (path) => counts.get(path) ?? 0,
    statuses: (path) => answered.get(path) ?? [],
    authorizations: (path) => auths.get(path) ?? [],
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A range the registry's own parser accepts (RFC 9110, one range); null for none or an unsatisfiable one (then the whole file). */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | null {
  const range = parseByteRange(header, size);
  return range === "unsatisfiable" ? null : range;
}

export interface StaticTree {
  url: string;
  /** Requests by path, in order. */
  paths: string[];
  stop(): Promise<void>;
}

/**
 * Serves the directory `root` as a plain static file server does (a directory answers with its
 * index.html; files with Range): e.g. the machine's local PEP 503 tree, `<root>/simple/<name>/`
 * and `<root>/files/<wheel>`. Nothing outside `root` is served.
 */
export async function startStaticTree(root: string): Promise<StaticTree> {
  const paths: string[] = [];
  const sockets = new Set<Socket>();
  const base = normalize(root + sep);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    paths.push(path);
    const notFound = () => void res.writeHead(404, { "content-type": "text/plain" }).end("404 Not Found\n");
    let target = normalize(join(base, path));
    if (!target.startsWith(base)) return notFound();
    void (async () => {
      let info = await stat(target).catch(() => null);
      if (info?.isDirectory()) {
        target = join(target, "index.html");
        info = await stat(target).catch(() => null);
      }
      if (!info?.isFile()) return notFound();
      const type = target.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream";
      const range = byteRange(req.headers.range, info.size);
      if (range) {
        res.writeHead(206, {
          "content-type": type,
          "content-length": range.end - range.start + 1,
          "content-range": `bytes ${range.start}-${range.end}/${info.size}`,
        });
        createReadStream(target, range).pipe(res);
        return;
      }
      res.writeHead(200, { "content-type": type, "content-length": info.size, "accept-ranges": "bytes" });
      if (req.method === "HEAD") res.end();
      else createReadStream(target).pipe(res);
    })().catch(() => res.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
