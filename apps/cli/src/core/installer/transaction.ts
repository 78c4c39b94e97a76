/**
 * All-or-nothing changes to an environment. A transaction has a directory beside the
 * destination (`<lib>/.wheelhouse-txn-<pid>-<id>/`) holding its journal, the files staged for it
 * and the backups of the files it takes out. The commit first moves the files being replaced or
 * removed into the backup, then puts every new file in place: renamed from the staging area,
 * hardlinked from the unpacked-wheel cache, or written. The journal, written before each phase,
 * lets a later run undo a transaction whose process died (SIGKILL, power loss):
 * `recoverTransactions` restores the environment as it was before the interrupted one began.
 * Removing the journal is the commit point.
 *
 * The commit's own file operations (journal, backups, directories, placements) are synchronous:
 * each is one fast syscall on a local disk, nothing else runs while a commit does, and the
 * promise versions cost a thread-pool round trip apiece — on a 30-wheel install (some 250
 * files) that made the commit several times slower.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, linkSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { lstat, mkdir, readFile, readdir, rm, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import { mapLimit } from "../concurrency/limit.ts";
import { PathProbe } from "./fs-utils.ts";

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
  /** Called after each backup and each placement (in order); throwing aborts the commit. */
  onStep?: (step: CommitStep) => void | Promise<void>;
  /** Existence checks of the destinations in flight at once (default 32). */
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
    const probe = plan.probe ?? new PathProbe([path.dirname(this.dir)]);
    const candidates = [...new Set([...plan.remove, ...plan.moves.map((m) => m.dest)])];
    const present = await mapLimit(candidates, concurrency, (p) => probe.exists(p));
    const removed = candidates.filter((_, i) => present[i]);
    const destSet = new Set(plan.moves.map((m) => m.dest));
    this.journal.moves = plan.moves.map((m) => ("slot" in m ? { slot: m.slot, dest: m.dest } : { dest: m.dest }));
    this.journal.backups = removed.map((original, i) => ({ slot: `b${i}`, original }));
    this.journal.createdDirs = await probe.missingDirs(plan.moves.map((m) => path.dirname(m.dest)));
    const placed = new Set<string>();
    try {
      if (this.journal.backups.length > 0) {
        this.journal.phase = "backing-up";
        mkdirSync(path.join(this.dir, "backup"));
        this.writeJournal();
        for (const [i, b] of this.journal.backups.entries()) {
          move(b.original, path.join(this.dir, "backup", b.slot));
          await plan.onStep?.({ kind: "backup", index: i, path: b.original });
        }
      }
      this.journal.phase = "moving";
      this.writeJournal();
      makeDirs(this.journal.createdDirs);
      const umask = process.umask();
      for (const [i, m] of plan.moves.entries()) {
        try {
          place(this, m, umask);
        } catch (e) {
          // A file found there (EEXIST) is not ours to remove; after any other failure, what is there is.
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") placed.add(m.dest);
          throw e;
        }
        placed.add(m.dest);
        await plan.onStep?.({ kind: "move", index: i, path: m.dest });
      }
      // The commit point: without a journal, a recovery only removes the directory.
      unlinkSync(path.join(this.dir, JOURNAL));
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

  private writeJournal(): void {
    const file = path.join(this.dir, JOURNAL);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.journal));
    renameSync(`${file}.tmp`, file);
  }
}

function place(tx: Transaction, m: Placement, umask: number): void {
  if ("slot" in m) move(tx.stagedPath(m.slot), m.dest);
  else if ("link" in m) linkOrCopy(m.link, m.dest, m.mode);
  else if (m.via === undefined || !linkVia(m.via, m.dest, m.content, m.mode, umask)) writeNew(m.dest, m.content, m.mode, umask);
}

function writeNew(file: string, content: Buffer | string, mode: number, umask: number): void {
  writeFileSync(file, content, { mode, flag: "wx" });
  // The umask may have taken bits the file must have (the x of a script).
  if ((mode & ~umask) !== mode) chmodSync(file, mode);
}

/** Links `dest` to the content-addressed `via`, writing `via` first if needed; false when it cannot (the caller writes `dest`). */
function linkVia(via: string, dest: string, content: Buffer | string, mode: number, umask: number): boolean {
  try {
    linkSync(via, dest);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw e;
    if (code !== "ENOENT") return false;
  }
  try {
    mkdirSync(path.dirname(via), { recursive: true });
    const tmp = `${via}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    writeNew(tmp, content, mode, umask);
    renameSync(tmp, via);
    linkSync(via, dest);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw e;
    return false;
  }
}

/** Hardlinks `from` to `to`, copying when linking is not possible (another device, no permission). Synchronous, as the commit's operations are. */
export function linkOrCopy(from: string, to: string, mode?: number): void {
  try {
    linkSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw e;
    copyFileSync(from, to);
    if (mode !== undefined) chmodSync(to, mode);
  }
}

/** Creates the directories, shallowest first. */
function makeDirs(dirs: readonly string[]): void {
  for (const dir of [...dirs].sort((a, b) => a.split(path.sep).length - b.split(path.sep).length)) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
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
      move(slot, b.original);
    }
  }
  await rm(txDir, { recursive: true, force: true });
}

/** rename, or copy and unlink across devices. */
function move(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    copyFileSync(from, to);
    unlinkSync(from);
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
