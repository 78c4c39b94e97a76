// Configuration: environment variables (12-factor) over an optional JSON config file,
// parsed once at start. Each setting is declared once, with its description; the README's
// table is generated from this list (`npm run docs:config`).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { BlobStoreConfig } from "@wheelhouse/storage";

const port = z.coerce.number().int().min(0).max(65535);
const byteCount = z.coerce.number().int().positive();
const seconds = z.coerce.number().min(0);

/**
 * How long a client may take to send a request. A flat total would cut off a large upload on a
 * slow link (1 GB at 10 MB/s takes 100 s, at 1 MB/s 17 minutes), so the body is held to a
 * minimum average rate instead, and the total is only a generous backstop.
 */
export interface HttpLimits {
  headersTimeoutMs: number;
  /** 0: no limit. */
  requestTimeoutMs: number;
  /** 0: no minimum. */
  minBodyBytesPerSecond: number;
  bodyRateGraceMs: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 30_000,
  // 2 GiB (the default upload limit) in two hours is ~300 KB/s.
  requestTimeoutMs: 2 * 60 * 60_000,
  minBodyBytesPerSecond: 8 * 1024,
  bodyRateGraceMs: 60_000,
});

export const settings = {
  HOST: { schema: z.string().min(1).default("127.0.0.1"), description: "Address the HTTP server listens on." },
  PORT: { schema: port.default(8080), description: "Port the HTTP server listens on (0 picks a free one)." },
  DATA_DIR: {
    schema: z.string().min(1).default("./data"),
    description: "Where the embedded defaults keep their data: PostgreSQL cluster and filesystem object storage.",
  },
  DATABASE_URL: {
    schema: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    description: "PostgreSQL URL. Unset: an embedded PostgreSQL is started with its data under DATA_DIR/postgres.",
  },
  S3_ENDPOINT: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    description: "S3/MinIO endpoint URL. Unset: objects are stored on the filesystem under DATA_DIR/files.",
  },
  S3_ACCESS_KEY: { schema: z.string().min(1).optional(), description: "S3 access key (with S3_ENDPOINT)." },
  S3_SECRET_KEY: { schema: z.string().min(1).optional(), description: "S3 secret key (with S3_ENDPOINT).", secret: true },
  S3_BUCKET: { schema: z.string().min(3).optional(), description: "S3 bucket; created at start if missing (with S3_ENDPOINT)." },
  S3_REGION: { schema: z.string().min(1).default("us-east-1"), description: "S3 region." },
  REDIS_URL: {
    schema: z.url({ protocol: /^rediss?$/ }).optional(),
    description: "Redis for the BullMQ job queue. Unset: jobs run in-process (the embedded default).",
  },
  WHEELHOUSE_ADMIN_PASSWORD: {
    schema: z.string().min(8, "must be at least 8 characters").optional(),
    description: "Password of the `admin` account created on first start. Unset: a generated one is printed once.",
    secret: true,
  },
  WHEELHOUSE_DEFAULT_INDEX: {
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be a lowercase index name")
      .default("main"),
    description: "Index served at /simple/ and receiving uploads to / (created as a hosted index on first start).",
  },
  WHEELHOUSE_MAX_UPLOAD_BYTES: {
    schema: byteCount.default(2 * 1024 ** 3),
    description: "Largest distribution file accepted by an upload, in bytes.",
  },
  WHEELHOUSE_HEADERS_TIMEOUT: {
    schema: seconds.positive().default(DEFAULT_HTTP_LIMITS.headersTimeoutMs / 1000),
    description: "Seconds a client may take to send a request's headers; then it gets 408 and the connection is closed.",
  },
  WHEELHOUSE_REQUEST_TIMEOUT: {
    schema: seconds.default(DEFAULT_HTTP_LIMITS.requestTimeoutMs / 1000),
    description: "Seconds a whole request (headers and body) may take, however fast it arrives; 0 for no limit. Must not be below WHEELHOUSE_HEADERS_TIMEOUT.",
  },
  WHEELHOUSE_MIN_BODY_RATE: {
    schema: z.coerce.number().int().min(0).default(DEFAULT_HTTP_LIMITS.minBodyBytesPerSecond),
    description:
      "Bytes per second a request body must average once WHEELHOUSE_BODY_RATE_GRACE has passed, or the connection is closed " +
      "(a client trickling its body); 0 for no minimum.",
  },
  WHEELHOUSE_BODY_RATE_GRACE: {
    schema: seconds.default(DEFAULT_HTTP_LIMITS.bodyRateGraceMs / 1000),
    description: "Seconds a request body may arrive at any rate before WHEELHOUSE_MIN_BODY_RATE applies.",
  },
  WHEELHOUSE_BASE_URL: {
    schema: z.url().optional(),
    description: "Public URL of the registry when it sits behind a proxy; used for absolute URLs in the JSON API.",
  },
  WHEELHOUSE_CONFIG: {
    schema: z.string().optional(),
    description: "Path to a JSON file with any of these settings; environment variables win over it.",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    description: "pino log level. At `info` a request is one short line (method, URL, status, time); `debug` adds its headers, credentials redacted.",
  },
} as const;

type Settings = typeof settings;
export type RawConfig = { [K in keyof Settings]: z.output<Settings[K]["schema"]> };

export type StorageConfig = BlobStoreConfig;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  storage: StorageConfig;
  /** Unset: jobs run in-process. */
  redisUrl?: string | undefined;
  adminPassword: string | undefined;
  defaultIndex: string;
  maxUploadBytes: number;
  /** Timeouts and the minimum body rate of the HTTP server. */
  http: HttpLimits;
  baseUrl: string | undefined;
  logLevel: RawConfig["LOG_LEVEL"];
}

export class InvalidConfig extends Error {
  override name = "InvalidConfig";
}

const objectSchema = z.object(
  Object.fromEntries(Object.entries(settings).map(([key, s]) => [key, s.schema])) as {
    [K in keyof Settings]: Settings[K]["schema"];
  },
);

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InvalidConfig(`WHEELHOUSE_CONFIG: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not a JSON object");
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new InvalidConfig(`WHEELHOUSE_CONFIG: ${path} is not a JSON object of settings: ${(err as Error).message}`);
  }
}

/** Parses the environment (and the optional file) once; throws InvalidConfig naming the bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = new Set(Object.keys(settings));
  const fromEnv = Object.fromEntries(Object.entries(env).filter(([k, v]) => known.has(k) && v !== undefined && v !== ""));
  const file = fromEnv.WHEELHOUSE_CONFIG ? readConfigFile(String(fromEnv.WHEELHOUSE_CONFIG)) : {};
  for (const key of Object.keys(file)) {
    if (!known.has(key)) throw new InvalidConfig(`${key}: unknown setting in ${fromEnv.WHEELHOUSE_CONFIG}`);
  }
  const result = objectSchema.safeParse({ ...file, ...fromEnv });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? "config");
    const given = key in fromEnv ? ` (got ${JSON.stringify(shown(key, String(fromEnv[key])))})` : "";
    throw new InvalidConfig(`${key}: ${issue.message}${given}`);
  }
  const raw = result.data as RawConfig;
  if (raw.WHEELHOUSE_REQUEST_TIMEOUT > 0 && raw.WHEELHOUSE_HEADERS_TIMEOUT > raw.WHEELHOUSE_REQUEST_TIMEOUT) {
    throw new InvalidConfig(
      `WHEELHOUSE_HEADERS_TIMEOUT: must not be longer than WHEELHOUSE_REQUEST_TIMEOUT ` +
        `(${raw.WHEELHOUSE_HEADERS_TIMEOUT} > ${raw.WHEELHOUSE_REQUEST_TIMEOUT} seconds)`,
    );
  }
  return {
    host: raw.HOST,
    port: raw.PORT,
    dataDir: resolve(raw.DATA_DIR),
    databaseUrl: raw.DATABASE_URL,
    storage: storageConfig(raw),
    redisUrl: raw.REDIS_URL,
    adminPassword: raw.WHEELHOUSE_ADMIN_PASSWORD,
    defaultIndex: raw.WHEELHOUSE_DEFAULT_INDEX,
    maxUploadBytes: raw.WHEELHOUSE_MAX_UPLOAD_BYTES,
    http: {
      headersTimeoutMs: raw.WHEELHOUSE_HEADERS_TIMEOUT * 1000,
      requestTimeoutMs: raw.WHEELHOUSE_REQUEST_TIMEOUT * 1000,
      minBodyBytesPerSecond: raw.WHEELHOUSE_MIN_BODY_RATE,
      bodyRateGraceMs: raw.WHEELHOUSE_BODY_RATE_GRACE * 1000,
    },
    baseUrl: raw.WHEELHOUSE_BASE_URL?.replace(/\/+$/, ""),
    logLevel: raw.LOG_LEVEL,
  };
}

/** What an error may echo of a value: never a secret, never a URL's password. */
function shown(key: string, value: string): string {
  if ((settings as Record<string, { secret?: boolean }>)[key]?.secret) return "<hidden>";
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

function storageConfig(raw: RawConfig): StorageConfig {
  const s3Keys = ["S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET"] as const;
  const given = s3Keys.filter((k) => raw[k] !== undefined);
  if (given.length === 0) return { driver: "fs", root: resolve(raw.DATA_DIR, "files") };
  const missing = s3Keys.filter((k) => raw[k] === undefined);
  if (missing.length > 0) {
    throw new InvalidConfig(`${missing[0]}: required when ${given[0]} is set (S3 storage needs ${s3Keys.join(", ")})`);
  }
  return {
    driver: "s3",
    endpoint: raw.S3_ENDPOINT!,
    accessKey: raw.S3_ACCESS_KEY!,
    secretKey: raw.S3_SECRET_KEY!,
    bucket: raw.S3_BUCKET!,
    region: raw.S3_REGION,
  };
}

/** Markdown table of every setting, for the README. */
export function configTable(): string {
  const rows = Object.entries(settings).map(([key, s]) => {
    const def = s.schema.safeParse(undefined);
    const shown = def.success && def.data !== undefined ? `\`${String(def.data)}\`` : "";
    return `| \`${key}\` | ${shown} | ${s.description} |`;
  });
  return ["| setting | default | meaning |", "|---|---|---|", ...rows].join("\n");
}
