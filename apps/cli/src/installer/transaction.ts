/**
 * All-or-nothing changes to an environment. A transaction has a directory beside the
 * destination (`<lib>/.wheelhouse-txn-<pid>-<id>/`) holding its journal, the files staged for it
 * and the backups of the files it takes out. The commit first moves the files being replaced or
 * removed into the backup, then puts every new file in place: renamed from the staging area,
 * hardlinked from the unpacked-wheel cache, or written. The journal, written before each phase,
 * lets a later run undo a transaction whose process died (SIGKILL, power loss):
 * `recoverTransactions` restores the environment as it was before the interrupted one began.
 * Removing the journal is the commit point.
 */
import { randomBytes } from "node:crypto";
import { chmod, copyFile, link, lstat, mkdir, readFile, readdir, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { PathProbe, mapLimit } from "./fs-utils.ts";

const PREFIX = ".wheelhouse-txn-";
const JOURNAL = "journal.json";

type Phase = "staging" | "backing-up" | "moving" | "done";

interface Journal {
  version: 1;
  pid: number;
  phase: Phase;
  /** Every destination the commit puts a file at (with the staged slot it comes from, if staged). */
  moves: { slot?: string; dest: string }[];
  /** Backup slot (file name in `backup/`) → the absolute path it was moved from. */
  backups: { slot: string; original: string }[];
  /** Directories that did not exist before the commit, shallowest first. */
  createdDirs: string[];
}

/** A point in the commit, given to the `onStep` hook (tests inject failures there). */
export type CommitStep = { kind: "backup"; index: number; path: string } | { kind: "move"; index: number; path: string };

/** How a new file gets to its destination. */
export type Placement =
  /** Renamed from the transaction's staging area. */
  | { dest: string; slot: string }
  /** Hardlinked from `link` (copied, then given `mode`, when linking is not possible). */
  | { dest: string; link: string; mode?: number }
  /**
   * Written with `content`, then given `mode`. With `via` (a content-addressed path, whose name
   * says both), hardlinked from there instead, `via` being written first if it is missing.
   */
  | { dest: string; content: Buffer | string; mode: number; via?: string };

export interface CommitPlan {
  /** New files and where they go. Each destination appears once. */
  moves: Placement[];
  /** Existing files to take out of the environment (replaced or uninstalled); missing ones are skipped. */
  remove: string[];
  /**
   * Called after each backup and each placement; throwing aborts the commit. When set, the
   * commit runs one file at a time (so the n-th step is always the same file).
   */
  onStep?: (step: CommitStep) => void | Promise<void>;
  /** File operations in flight at once (default 32). */
  concurrency?: number;
  /** What the caller already knows of the file system (listings it read). */
  probe?: PathProbe;
}

export class Transaction {
  private journal: Journal;
  private finished = false;
  private stagingReady: Promise<void> | null = null;

  private constructor(
    /** The transaction directory. */
    readonly dir: string,
  ) {
    this.journal = { version: 1, pid: process.pid, phase: "staging", moves: [], backups: [], createdDirs: [] };
  }

  /**
   * Starts a transaction beside `besideDir` (created if needed). Until its journal is written,
   * the directory holds nothing a recovery would need: it is simply removed.
   */
  static async begin(besideDir: string): Promise<Transaction> {
    await mkdir(besideDir, { recursive: true });
    const tx = new Transaction(path.join(besideDir, `${PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`));
    await mkdir(tx.dir);
    return tx;
  }

  /** The path a staged file with this slot name is written to (after `prepareStaging`). */
  stagedPath(slot: string): string {
    return path.join(this.dir, "staged", slot);
  }

  /** Creates the staging area; needed before anything is written to a `stagedPath`. */
  prepareStaging(): Promise<void> {
    return (this.stagingReady ??= mkdir(path.join(this.dir, "staged")).then(() => undefined));
  }

  /**
   * Takes the files in `remove` out, then puts the new files in place. On any failure the
   * environment is put back as it was and the error rethrown. Returns the paths actually removed.
   */
  async commit(plan: CommitPlan): Promise<string[]> {
    const concurrency = plan.concurrency ?? 32;
    const sequential = plan.onStep !== undefined;
    const probe = plan.probe ?? new PathProbe([path.dirname(this.dir)]);
    const candidates = [...new Set([...plan.remove, ...plan.moves.map((m) => m.dest)])];
    const present = await mapLimit(candidates, concurrency, (p) => probe.exists(p));
    const removed = candidates.filter((_, i) => present[i]);
    const destSet = new Set(plan.moves.map((m) => m.dest));
    this.journal.moves = plan.moves.map((m) => ("slot" in m ? { slot: m.slot, dest: m.dest } : { dest: m.dest }));
    this.journal.backups = removed.map((original, i) => ({ slot: `b${i}`, original }));
    this.journal.createdDirs = await probe.missingDirs(plan.moves.map((m) => path.dirname(m.dest)));
    const placed = new Set<string>();
    const each = async <T>(items: readonly T[], fn: (item: T, index: number) => Promise<void>): Promise<void> => {
      if (sequential) for (const [i, item] of items.entries()) await fn(item, i);
      else await mapLimit(items, concurrency, fn);
    };
    try {
      if (this.journal.backups.length > 0) {
        this.journal.phase = "backing-up";
        await mkdir(path.join(this.dir, "backup"));
        await this.writeJournal();
        await each(this.journal.backups, async (b, i) => {
          await move(b.original, path.join(this.dir, "backup", b.slot));
          await plan.onStep?.({ kind: "backup", index: i, path: b.original });
        });
      }
      this.journal.phase = "moving";
      await this.writeJournal();
      await makeDirs(this.journal.createdDirs);
      const umask = process.umask();
      await each(plan.moves, async (m, i) => {
        try {
          await place(this, m, umask);
        } catch (e) {
          // A file found there (EEXIST) is not ours to remove; after any other failure, what is there is.
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") placed.add(m.dest);
          throw e;
        }
        placed.add(m.dest);
        await plan.onStep?.({ kind: "move", index: i, path: m.dest });
      });
      // The commit point: without a journal, a recovery only removes the directory.
      await unlink(path.join(this.dir, JOURNAL));
    } catch (e) {
      await rollback(this.dir, this.journal, placed);
      this.finished = true;
      throw e;
    }
    this.finished = true;
    await removeTxDir(this.dir, this.journal.backups.length > 0 || this.stagingReady !== null);
    // Files replaced by a new file are not "removed" from the caller's point of view.
    return removed.filter((p) => !destSet.has(p));
  }

  /** Discards the staged files; nothing in the environment was touched yet. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  private async writeJournal(): Promise<void> {
    const file = path.join(this.dir, JOURNAL);
    await writeFile(`${file}.tmp`, JSON.stringify(this.journal));
    await rename(`${file}.tmp`, file);
  }
}

async function place(tx: Transaction, m: Placement, umask: number): Promise<void> {
  if ("slot" in m) await move(tx.stagedPath(m.slot), m.dest);
  else if ("link" in m) await linkOrCopy(m.link, m.dest, m.mode);
  else if (m.via === undefined || !(await linkVia(m.via, m.dest, m.content, m.mode, umask))) await writeNew(m.dest, m.content, m.mode, umask);
}

async function writeNew(file: string, content: Buffer | string, mode: number, umask: number): Promise<void> {
  await writeFile(file, content, { mode, flag: "wx" });
  // The umask may have taken bits the file must have (the x of a script).
  if ((mode & ~umask) !== mode) await chmod(file, mode);
}

/** Links `dest` to the content-addressed `via`, writing `via` first if needed; false when it cannot (the caller writes `dest`). */
async function linkVia(via: string, dest: string, content: Buffer | string, mode: number, umask: number): Promise<boolean> {
  try {
    await link(via, dest);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw e;
    if (code !== "ENOENT") return false;
  }
  try {
    await mkdir(path.dirname(via), { recursive: true });
    const tmp = `${via}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    await writeNew(tmp, content, mode, umask);
    await rename(tmp, via);
    await link(via, dest);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw e;
    return false;
  }
}

/** Hardlinks `from` to `to`, copying when linking is not possible (another device, no permission). */
export async function linkOrCopy(from: string, to: string, mode?: number): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw e;
    await copyFile(from, to);
    if (mode !== undefined) await chmod(to, mode);
  }
}

/** Creates the directories (shallowest first), those of one depth at once. */
async function makeDirs(dirs: readonly string[]): Promise<void> {
  const byDepth = new Map<number, string[]>();
  for (const dir of dirs) {
    const depth = dir.split(path.sep).length;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), dir]);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      byDepth.get(depth)!.map((dir) =>
        mkdir(dir).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== "EEXIST") throw e;
        }),
      ),
    );
  }
}

/** Removes a committed transaction's directory: one rmdir when nothing was staged or backed up. */
async function removeTxDir(dir: string, hasContent: boolean): Promise<void> {
  if (!hasContent) {
    try {
      await rmdir(dir);
      return;
    } catch {
      // Not empty after all: fall through.
    }
  }
  await rm(dir, { recursive: true, force: true });
}

/**
 * Undoes transactions left in `dirs` by processes that no longer run. Returns the transaction
 * directories it cleaned up. `listings` may give the names already read from some of the dirs.
 */
export async function recoverTransactions(dirs: Iterable<string>, listings?: ReadonlyMap<string, readonly string[] | null>): Promise<string[]> {
  const recovered: string[] = [];
  for (const dir of new Set(dirs)) {
    let names: readonly string[] | null | undefined = listings?.get(dir);
    if (names === undefined) names = await readdir(dir).catch(() => null);
    if (names === null) continue;
    for (const name of names) {
      if (!name.startsWith(PREFIX)) continue;
      const txDir = path.join(dir, name);
      let journal: Journal | null = null;
      try {
        journal = JSON.parse(await readFile(path.join(txDir, JOURNAL), "utf8")) as Journal;
      } catch {
        journal = null;
      }
      const pid = journal?.pid ?? Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1]);
      if (Number.isInteger(pid) && isAlive(pid)) continue;
      if (journal) await rollback(txDir, journal);
      else await rm(txDir, { recursive: true, force: true });
      recovered.push(txDir);
    }
  }
  return recovered;
}

/** Puts things back; `placed` (in the process that ran the commit) says which files it put in place. */
async function rollback(txDir: string, journal: Journal, placed?: ReadonlySet<string>): Promise<void> {
  if (journal.phase === "moving") {
    // Every file that was at a destination before went to the backup first, so whatever is
    // at a destination now came from this transaction.
    for (const m of journal.moves) {
      if (placed ? placed.has(m.dest) : await lexists(m.dest)) await unlink(m.dest).catch(() => undefined);
    }
    for (const dir of [...journal.createdDirs].reverse()) await rmdir(dir).catch(() => undefined);
  }
  if (journal.phase === "backing-up" || journal.phase === "moving") {
    for (const b of journal.backups) {
      const slot = path.join(txDir, "backup", b.slot);
      if (!(await lexists(slot))) continue;
      await mkdir(path.dirname(b.original), { recursive: true });
      await move(slot, b.original);
    }
  }
  await rm(txDir, { recursive: true, force: true });
}

/** rename, or copy and unlink across devices. */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}

export async function lexists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
