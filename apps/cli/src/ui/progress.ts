/**
 * Progress on a terminal: one line per active download (`name  done / total`) and the install's
 * step count, redrawn in place below the log lines. Written here rather than taken from a
 * library: it is a few ANSI sequences (cursor up, erase line), and the output on a pipe must stay
 * exactly what it is without it — `progressFor` returns null there, and with -q.
 */
import { formatSize } from "./format-size.ts";
import type { DownloadProgress } from "../core/index/downloader.ts";

/** What the renderer writes to: process.stdout, or a fake one in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Cursor up one line, then erase it. */
const ERASE_LINE_ABOVE = "\x1b[1A\x1b[2K";

export class ProgressRenderer {
  readonly #stream: ProgressStream;
  readonly #downloads = new Map<string, { done: number; total: number | null }>();
  #step: { label: string; done: number; total: number } | null = null;
  /** Lines of the frame currently on screen. */
  #drawn = 0;

  constructor(stream: ProgressStream) {
    this.#stream = stream;
  }

  /** A download's progress (Downloader's onProgress); a cached file shows nothing. */
  download(progress: DownloadProgress): void {
    if (progress.cached) return;
    this.#downloads.set(progress.filename, { done: progress.done, total: progress.total });
    this.#redraw();
  }

  /** The download is over (finished or failed): its line goes. */
  downloaded(filename: string): void {
    if (this.#downloads.delete(filename)) this.#redraw();
  }

  /** A counted step, e.g. ("Installing collected packages", 3, 30). */
  step(label: string, done: number, total: number): void {
    this.#step = { label, done, total };
    this.#redraw();
  }

  /** A log line, written above the frame. */
  log(line: string): void {
    this.#stream.write(`${this.#erase()}${line}\n${this.#frame()}`);
  }

  /** Takes the frame off the screen (at the end of the command). */
  clear(): void {
    this.#downloads.clear();
    this.#step = null;
    const erase = this.#erase();
    if (erase) this.#stream.write(erase);
  }

  #redraw(): void {
    this.#stream.write(this.#erase() + this.#frame());
  }

  #erase(): string {
    const text = ERASE_LINE_ABOVE.repeat(this.#drawn);
    this.#drawn = 0;
    return text;
  }

  #frame(): string {
    const lines: string[] = [];
    for (const [filename, { done, total }] of this.#downloads) {
      lines.push(`  Downloading ${filename}  ${formatSize(done)}${total === null ? "" : ` / ${formatSize(total)}`}`);
    }
    if (this.#step) lines.push(`${this.#step.label} (${this.#step.done}/${this.#step.total})`);
    this.#drawn = lines.length;
    // A pseudo-terminal nobody sized (script(1), some CI runners) reports 0 columns: assume 80.
    const width = Math.max((this.#stream.columns || 80) - 1, 10);
    return lines.map((l) => `${l.length > width ? l.slice(0, width) : l}\n`).join("");
  }
}

/** A renderer for `stream` when it is a terminal and output is not quieted; null otherwise. */
export function progressFor(stream: ProgressStream, quiet: number): ProgressRenderer | null {
  return stream.isTTY === true && quiet === 0 ? new ProgressRenderer(stream) : null;
}
