// Test-only: a registry's advisory query (`POST /api/advisories/query`, the contract in
// advisory-client.ts) in front of a TestIndex, on one origin, so `audit --fix` installs from the
// same index URL it audits against. Every other request is passed through to the index.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { canonicalizeName, compareVersions } from "@wheelhouse/packaging";
import { TestIndex } from "./test-index.ts";

/** An advisory, and the versions it affects (`introduced` ≤ v < `fixed`, or listed in `versions`). */
export interface FakeAdvisory {
  package: string;
  id: string;
  aliases?: string[];
  summary?: string;
  fixedIn?: string[];
  /** Affected when below this version (and at or above `introduced`). */
  below?: string;
  introduced?: string;
  withdrawn?: string;
}

export interface QueryRecord {
  packages: { name: string; version: string }[];
  authorization: string | undefined;
}

export class AdvisoryServer {
  readonly index = new TestIndex();
  readonly advisories: FakeAdvisory[] = [];
  readonly queries: QueryRecord[] = [];
  /** `user:password` the query requires (401 with WWW-Authenticate otherwise). */
  auth: string | null = null;
  /** Answer 404, as an older registry would. */
  notFound = false;
  #server: Server = createServer((req, res) => void this.#handle(req, res));
  origin = "";

  async start(): Promise<this> {
    await this.index.start();
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  get url(): string {
    return `${this.origin}/simple/`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.index.stop();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url !== "/api/advisories/query") return this.#pass(req, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || this.notFound) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (this.auth !== null && req.headers.authorization !== `Basic ${Buffer.from(this.auth).toString("base64")}`) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="wheelhouse"' }).end("unauthorized");
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { packages: { name: string; version: string }[] };
    this.queries.push({ packages: body.packages, authorization: req.headers.authorization });
    const results = body.packages.map(({ name, version }) => ({
      name: canonicalizeName(name),
      version,
      vulnerabilities: this.advisories
        .filter((a) => canonicalizeName(a.package) === canonicalizeName(name) && affects(a, version))
        .map((a) => ({
          id: a.id,
          aliases: a.aliases ?? [],
          summary: a.summary ?? null,
          details: `Details of ${a.id}.`,
          fixed_in: a.fixedIn ?? [],
          link: `https://osv.dev/vulnerability/${a.id}`,
          source: "test",
          withdrawn: a.withdrawn ?? null,
          severity: null,
          published: "2024-01-01T00:00:00Z",
          modified: "2024-01-02T00:00:00Z",
        })),
    }));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
  }

  #pass(req: IncomingMessage, res: ServerResponse): void {
    const upstream = new URL(req.url ?? "/", this.index.server.origin);
    const forward = httpRequest(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  }
}

function affects(advisory: FakeAdvisory, version: string): boolean {
  if (advisory.introduced !== undefined && compareVersions(version, advisory.introduced) < 0) return false;
  return advisory.below === undefined || compareVersions(version, advisory.below) < 0;
}
