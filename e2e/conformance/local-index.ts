// The machine's local static index of real PyPI wheels, found the way pip finds it: the
// `file://…/simple` URLs of `pip config get global.extra-index-url`. Nothing is hard-coded; a
// machine without it gets null, and the tests that need it skip with a message.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalizeName } from "@wheelhouse/packaging";

export interface LocalWheel {
  /** Normalized project name of the page that lists it. */
  project: string;
  filename: string;
  path: string;
}

/** The `…/simple` directories pip's configuration names (file:// URLs only, existing ones). */
export function localSimpleDirs(python = process.env.WHEELHOUSE_E2E_PYTHON ?? "python3"): string[] {
  let value: string;
  try {
    // pip's own config reader (not the isolated env): the point is to read this machine's config.
    value = execFileSync(python, ["-m", "pip", "config", "get", "global.extra-index-url"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return [];
  }
  return value
    .split(/\s+/)
    .filter((url) => url.startsWith("file://"))
    .map((url) => fileURLToPath(url))
    .filter((dir) => existsSync(dir));
}

/** Why the corpus is missing, for a skip message; null when it is there. */
export function missingCorpusReason(): string | null {
  return localSimpleDirs().length > 0
    ? null
    : "no file:// index in `pip config get global.extra-index-url` (the local corpus of real PyPI wheels is not on this machine)";
}

/** Every wheel the local index pages link to, each file once, sorted by filename. */
export function localWheels(): LocalWheel[] {
  const byFilename = new Map<string, LocalWheel>();
  for (const simple of localSimpleDirs()) {
    for (const entry of readdirSync(simple, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const page = join(simple, entry.name, "index.html");
      if (!existsSync(page)) continue;
      for (const m of readFileSync(page, "utf8").matchAll(/href="([^"#]+)(?:#[^"]*)?"/g)) {
        const href = decodeURIComponent(m[1]!);
        const filename = href.slice(href.lastIndexOf("/") + 1);
        if (!filename.endsWith(".whl") || byFilename.has(filename)) continue;
        const path = resolve(dirname(page), href);
        if (existsSync(path)) byFilename.set(filename, { project: canonicalizeName(entry.name), filename, path });
      }
    }
  }
  return [...byFilename.values()].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

/** The local file of a project's wheel whose filename starts with `prefix` (e.g. "packaging-26.3-"), or null. */
export function findLocalWheel(prefix: string): LocalWheel | null {
  return localWheels().find((w) => w.filename.startsWith(prefix)) ?? null;
}

/**
 * A sample of `count` wheels spread evenly over the sorted corpus (the same every run), leaving
 * out files larger than `maxBytes` so the sample stays fast.
 */
export function sampleWheels(all: readonly LocalWheel[], count: number, sizeOf: (w: LocalWheel) => number, maxBytes: number): LocalWheel[] {
  const small = all.filter((w) => sizeOf(w) <= maxBytes);
  if (small.length <= count) return [...small];
  const step = small.length / count;
  return Array.from({ length: count }, (_, i) => small[Math.floor(i * step)]!);
}
